"""Command-line entry points: `flask --app wsgi <command>`."""

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import click
from flask import Flask, current_app

from yoi_welfare import db
from yoi_welfare.dates import utcnow


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(audit_group)
    app.cli.add_command(db_group)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(escalations_group)
    app.cli.add_command(reports_group)
    app.cli.add_command(subject_access_command)
    app.cli.add_command(continuity_pack_command)
    app.cli.add_command(retention_group)
    app.cli.add_command(synth_command)
    app.cli.add_command(children_group)
    app.cli.add_command(mi_group)
    app.cli.add_command(alerts_group)


def refuse_in_production(
    what: str, why: str = "it would mix fictional children with real records"
) -> None:
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(f"{what} refuses to run when YOI_WELFARE_ENV=production: {why}.")


@click.command("demo-data")
@click.option("--json", "as_json", is_flag=True, help="Print the demo accounts as JSON.")
def demo_data(as_json: bool) -> None:
    """Load fictional areas, agencies, users and children (once; a second run changes nothing)."""
    from yoi_welfare.demo import DEFAULT_DEMO_PASSWORD, load_demo_data

    refuse_in_production("demo-data")
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    if len(password) < 12:
        raise click.ClickException("DEMO_PASSWORD must be at least 12 characters long.")
    with db.job_session():
        created, accounts = load_demo_data(password)
    if as_json:
        click.echo(json.dumps(accounts, indent=2))
        return
    click.echo("Loaded demo data." if created else "Demo data already present; nothing changed.")
    click.echo(
        f"Every demo account's password: {password}"
        + ("" if os.environ.get("DEMO_PASSWORD") else " (set DEMO_PASSWORD to choose another)")
    )
    for account in accounts:
        click.echo(f"  {account['email']:<40} {account['role']:<20} {account['agency']}")


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Check the whole hash chain and its head; exit 1 naming the first broken event."""
    from yoi_welfare.audit.services import verify_chain

    with db.job_session():
        result = verify_chain()
    if result.first_broken_id is not None:
        click.echo(
            f"Audit chain broken: event {result.first_broken_id} {result.problem}; "
            f"the {result.checked} events before it are intact.",
            err=True,
        )
        raise SystemExit(1)
    # The newest hash, to keep somewhere the database's administrators cannot write.
    click.echo(
        f"Audit chain intact: {result.checked} events checked. Newest hash: {result.last_hash}"
    )


@click.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from yoi_welfare.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database upgraded to {revision}.")


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler process: escalation scans, mail delivery and weekly reports."""
    import logging

    from yoi_welfare.jobs import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # WeasyPrint reports every layout step at INFO; only its warnings matter here.
    for noisy in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    click.echo("Scheduler started. Stop it with Ctrl-C; the current job finishes first.")
    run_scheduler(current_app._get_current_object())
    click.echo("Scheduler stopped.")


@click.group("outbox")
def outbox_group() -> None:
    """Outgoing mail."""


@outbox_group.command("deliver")
def outbox_deliver() -> None:
    """Send every message that is due now (the scheduler does this every minute)."""
    from yoi_welfare.jobs import deliver_mail

    with db.job_session():
        result = deliver_mail.run(current_app)
    click.echo(f"Sent {result.sent}; {result.retrying} waiting to retry; {result.failed} failed.")


def parse_instant(value: str, flag: str) -> datetime:
    """An ISO 8601 instant with a time zone, such as 2026-11-30T09:00:00Z, as aware UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date and time; use ISO 8601, such as 2026-11-30T09:00:00Z",
            param_hint=flag,
        ) from None
    if parsed.tzinfo is None:
        raise click.BadParameter(
            f"{value!r} has no time zone; add Z for UTC, such as 2026-11-30T09:00:00Z",
            param_hint=flag,
        )
    return parsed.astimezone(UTC)


@click.group("escalations")
def escalations_group() -> None:
    """Escalation of overdue welfare actions."""


@escalations_group.command("run")
@click.option("--at", "at", help="Scan as of this instant (ISO 8601 with zone); default now.")
def escalations_run(at: str | None) -> None:
    """Run one escalation scan and print what it raised."""
    from yoi_welfare.jobs import escalation_scan

    now = parse_instant(at, "--at") if at else utcnow()
    if now > utcnow():
        refuse_in_production(
            "escalations run with --at in the future",
            "each escalation is raised once, for good, and this would raise and email them for "
            "actions not yet overdue",
        )
    with db.job_session():
        result = escalation_scan.run(now)
    click.echo(
        f"Raised {result.raised_agency} to owner agencies and {result.raised_acpc} to ACPCs; "
        f"resolved {result.resolved}; {result.still_open} escalations open; "
        f"{result.emails} emails queued."
    )


@click.group("reports")
def reports_group() -> None:
    """The weekly ACPC escalation reports."""


@reports_group.command("weekly")
@click.option("--week", help="ISO week such as 2026-W47; default: the last complete week.")
@click.option("--area", "area_code", help="Only this area (its code); default: every area.")
@click.option(
    "--output",
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="Also write each PDF to this folder.",
)
@click.option(
    "--force", is_flag=True, help="Produce again a week already stored (never in production)."
)
def reports_weekly(week: str | None, area_code: str | None, output: Path | None, force: bool):
    """Produce the weekly reports on demand and print each file with its page count."""
    from yoi_welfare.reports.services import ReportError, filename, produce_week
    from yoi_welfare.reports.weeks import IsoWeek

    if force:
        refuse_in_production(
            "reports weekly --force",
            "a stored report is the record the ACPC received and acted on, and is never replaced",
        )
    now = utcnow()
    try:
        iso_week = IsoWeek.parse(week) if week else IsoWeek.previous_to(now)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--week") from None
    production = current_app.config["ENV_NAME"] == "production"
    if production and iso_week.ends_at > now:
        raise click.BadParameter(
            f"{iso_week} has not ended: in production a week's report is produced once, when "
            "the week is over, and is never replaced",
            param_hint="--week",
        )
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
    try:
        with db.job_session():
            produced = produce_week(iso_week, now, area_code=area_code, force=force)
    except ReportError as error:
        raise click.BadParameter(error.message, param_hint="--area") from None
    for item in produced:
        name = filename(item.area, iso_week)
        if output is not None:
            (output / name).write_bytes(item.report.pdf)
            name = str(output / name)
        again = "" if production else " (use --force to produce again)"
        state = "produced" if item.created else f"already stored{again}"
        click.echo(f"{name}: {item.report.page_count} pages, {state}")


@click.group("mi")
def mi_group() -> None:
    """Management information for an area's ACPC."""


def parse_date(value: str, flag: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use the form 2026-11-30", param_hint=flag
        ) from None


@mi_group.command("export")
@click.option("--area", "area_code", required=True, help="The area's code, such as NTH.")
@click.option("--from", "first", required=True, help="First day, such as 2026-09-01.")
@click.option("--to", "last", required=True, help="Last day, such as 2026-11-30.")
@click.option(
    "--output",
    required=True,
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="Folder for the CSV files (made if missing).",
)
def mi_export(area_code: str, first: str, last: str, output: Path) -> None:
    """Write one CSV file per measure, as the area's ACPC sees them on its dashboard."""
    from yoi_welfare.mi.export import ExportError, export_area
    from yoi_welfare.mi.period import period_problem

    first_day, last_day = parse_date(first, "--from"), parse_date(last, "--to")
    problem = period_problem(first_day, last_day)
    if problem:
        raise click.BadParameter(f"{problem} (--from {first}, --to {last})", param_hint="--to")
    output.mkdir(parents=True, exist_ok=True)
    try:
        with db.job_session():
            written = export_area(area_code, first_day, last_day, output, utcnow())
    except ExportError as error:
        raise click.BadParameter(error.message, param_hint="--area") from None
    for path, rows in written:
        click.echo(f"{path}: {rows} rows")


@click.command("synth")
@click.option("--children", type=click.IntRange(1, 1_000_000), required=True)
@click.option("--years", type=click.IntRange(1, 30), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
def synth_command(children: int, years: int, seed: int) -> None:
    """Build a synthetic national data set (fictional) for benchmarks. Never in production."""
    from yoi_welfare.demo import DEFAULT_DEMO_PASSWORD
    from yoi_welfare.synth import Synthesiser

    refuse_in_production("synth")
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    with db.engine().begin() as conn:
        counts = Synthesiser(
            conn, children=children, years=years, seed=seed, password=password
        ).build(progress=lambda message: click.echo(f"  {message}", err=True))
    for table, n in sorted(counts.rows.items()):
        click.echo(f"{table:<32} {n:>10,}")
    click.echo(f"Every synthetic account's password: {password}")


@click.command("subject-access")
@click.option("--child", "reference", required=True, help="The child's local reference.")
@click.option(
    "--area", "area_code", help="The child's home area code, if the reference is not unique."
)
@click.option(
    "--output",
    required=True,
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="Folder to write the PDF and the JSON to.",
)
@click.option(
    "--requester",
    default="Subject access request (command line)",
    show_default=True,
    help="Who asked for the information; recorded as the recipient of the disclosure.",
)
def subject_access_command(
    reference: str, area_code: str | None, output: Path, requester: str
) -> None:
    """Export everything held about one child, as PDF and JSON, and print the two files."""
    from yoi_welfare.governance import subject_access

    output.mkdir(parents=True, exist_ok=True)
    now = utcnow()
    try:
        with db.job_session():
            child = subject_access.child_by_reference(reference, area_code)
            export = subject_access.SubjectAccessExport(
                young_person_id=child.id, requester=requester, requested_at=now
            )
            db.session().add(export)
            db.session().flush()
            subject_access.produce(export, now)
            for file_format in ("pdf", "json"):
                subject_access.record_release(export, file_format, by=None, at=now)
            pdf_name, json_name = subject_access.filenames(child, now)
            (output / pdf_name).write_bytes(export.pdf)
            (output / json_name).write_text(export.document, encoding="utf-8")
    except subject_access.SubjectAccessError as error:
        raise click.BadParameter(error.message, param_hint="--child") from None
    click.echo(f"{output / pdf_name}: {export.page_count} pages")
    click.echo(f"{output / json_name}")
    click.echo('Review every part marked "review before release" before releasing them.')


@click.group("children")
def children_group() -> None:
    """Children's records."""


@children_group.command("merge")
@click.option(
    "--duplicate", "duplicate_reference", required=True, help="The duplicate's reference."
)
@click.option("--area", "duplicate_area", required=True, help="The duplicate's home area code.")
@click.option(
    "--into", "kept_reference", required=True, help="The reference of the record to keep."
)
@click.option("--into-area", "kept_area", help="Its home area code, if not the duplicate's.")
@click.option("--reason", required=True, help="How you know the two records are of one child.")
@click.option("--by", "by_email", required=True, help="The email of the administrator merging.")
def merge_children_command(
    duplicate_reference: str,
    duplicate_area: str,
    kept_reference: str,
    kept_area: str | None,
    reason: str,
    by_email: str,
) -> None:
    """Merge a duplicate record of a child into the record to keep, as /admin/merge-children."""
    from sqlmodel import select

    from yoi_welfare.accounts.models import Role, User
    from yoi_welfare.agencies.models import Area
    from yoi_welfare.people import merge

    with db.job_session():
        session = db.session()
        admin = session.exec(select(User).where(User.email == by_email.strip().lower())).first()
        if admin is None or not admin.active or admin.role is not Role.ADMINISTRATOR:
            raise click.BadParameter(
                "give the email address of an active administrator", param_hint="--by"
            )
        areas = {area.code.upper(): area for area in session.exec(select(Area))}
        for code, hint in (
            (duplicate_area, "--area"),
            (kept_area or duplicate_area, "--into-area"),
        ):
            if code.strip().upper() not in areas:
                raise click.BadParameter(
                    f"no area has the code {code.strip()}: use one of {', '.join(sorted(areas))}",
                    param_hint=hint,
                )
        try:
            merged = merge.dao_child(
                areas[duplicate_area.strip().upper()].id, duplicate_reference, "--duplicate"
            )
            kept = merge.dao_child(
                areas[(kept_area or duplicate_area).strip().upper()].id, kept_reference, "--into"
            )
            result = merge.merge_children(admin, merged, kept, reason=reason, now=utcnow())
        except merge.MergeError as error:
            raise click.ClickException(error.message) from None
        click.echo(
            f"Merged {result.merge.merged_local_reference} into {kept.local_reference}: "
            f"{sum(result.moved.values())} records moved; {result.told} notices queued."
        )


@click.command("continuity-pack")
@click.option(
    "--establishment", "code", required=True, help="The establishment's code, such as ASH-YOI."
)
@click.option(
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the PDF to (made if missing).",
)
def continuity_pack_command(code: str, output: Path) -> None:
    """Write the establishment's continuity pack as of now, for when the systems go down."""
    from yoi_welfare.continuity import services as continuity

    try:
        with db.job_session():
            path, rendered, children = continuity.write_on_demand(code, output, utcnow())
    except continuity.ContinuityError as error:
        raise click.BadParameter(error.message, param_hint=f"--{error.field}") from None
    click.echo(f"{path}: {children} children, {rendered.page_count} pages")


@click.group("retention")
def retention_group() -> None:
    """Retention of children's records."""


@retention_group.command("review")
@click.option("--at", "at", help="As of this day (YYYY-MM-DD, UK); default today.")
def retention_review(at: str | None) -> None:
    """List the children whose records are due for retention review (changes nothing)."""
    from datetime import date

    from yoi_welfare.dates import london_today
    from yoi_welfare.governance import retention

    try:
        today = date.fromisoformat(at) if at else london_today()
    except ValueError:
        raise click.BadParameter(
            f"{at!r} is not a date; use the form 2026-12-01", param_hint="--at"
        ) from None
    with db.job_session():
        waiting = retention.dao_reviews(retention.RetentionStatus.DUE)
        due = retention.dao_due_children(today)
    years = retention.years_after_18()
    click.echo(
        f"Kept until the later of the 18th birthday and the end of the last placement, "
        f"plus {years} years. As of {today.isoformat()}:"
    )
    for row in waiting:
        click.echo(
            f"  {row.review.local_reference:<16} {row.area.name:<20} "
            f"kept until {row.review.retain_until.isoformat()}  listed, awaiting a decision"
        )
    for item in due:
        click.echo(
            f"  {item.child.local_reference:<16} {item.area.name:<20} "
            f"kept until {item.retain_until.isoformat()}  due, listed at the next monthly run"
        )
    click.echo(f"{len(waiting) + len(due)} children's records due for review.")


@click.group("alerts")
def alerts_group() -> None:
    """Standing alerts on children."""


@alerts_group.command("sync")
def alerts_sync() -> None:
    """Raise the alerts that records made before alerts existed ask for (once, after upgrading)."""
    from yoi_welfare.alerts.services import sync_existing

    with db.job_session():
        sync_existing(utcnow())
    click.echo("Alerts raised for the open self-harm flags, latest screenings and child details.")
