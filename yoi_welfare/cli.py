"""Command-line entry points: `flask --app wsgi <command>`."""

import json
import os

import click
from flask import Flask, current_app

from yoi_welfare import db


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(audit_group)
    app.cli.add_command(db_group)


def refuse_in_production(what: str) -> None:
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            f"{what} refuses to run when YOI_WELFARE_ENV=production: it would mix fictional "
            "children with real records."
        )


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
    """Check the whole hash chain; exit 1 naming the first broken event."""
    from yoi_welfare.audit.services import verify_chain

    with db.job_session():
        result = verify_chain()
    if result.first_broken_id is not None:
        click.echo(
            f"Audit chain broken: event {result.first_broken_id} {result.problem} "
            f"({result.checked} events checked before it).",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"Audit chain intact: {result.checked} events checked.")


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
