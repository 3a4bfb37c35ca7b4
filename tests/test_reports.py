"""The weekly ACPC report: generated from known data, stored once, delivered, read back as a PDF."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from tests.factories import (
    World,
    create_action,
    create_child,
    create_placement,
    create_user,
    sign_in,
)
from tests.test_outbox import free_port, smtp_transport, start_server
from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.escalations.services import scan
from yoi_welfare.jobs import weekly_reports
from yoi_welfare.outbox.models import EmailAttachment, OutboundEmail
from yoi_welfare.outbox.services import deliver_due
from yoi_welfare.reports.data import gather
from yoi_welfare.reports.models import EscalationReport
from yoi_welfare.reports.render import render_weekly_report
from yoi_welfare.reports.services import named_children, produce_week
from yoi_welfare.reports.weeks import IsoWeek

W47 = IsoWeek(2026, 47)  # Monday 16 to Sunday 22 November 2026
MONDAY_AFTER = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 07:00 in London (GMT)


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def world(app):
    world = World()
    create_user(world.acpc, email="second.member@example.org")
    world.ours = create_child(
        world.area, given_name="Jordan", family_name="Ellis", local_reference="NTH-7"
    )
    world.theirs = create_child(world.other_area, given_name="Theo", family_name="Riverside")
    create_placement(world.ours, world.yoi, admitted_at=datetime(2026, 11, 1, tzinfo=UTC))
    create_placement(world.theirs, world.yoi, admitted_at=datetime(2026, 11, 1, tzinfo=UTC))
    due = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    world.plan = create_action(
        world.ours,
        world.yoi,
        due_at=due,
        acpc_due_at=due + timedelta(hours=12),
        title="Immediate action plan",
    )
    create_action(
        world.ours,
        world.yot,
        due_at=due,
        acpc_due_at=due + timedelta(days=10),
        title="Welfare screening submitted",
    )
    create_action(world.theirs, world.yoi, due_at=due, acpc_due_at=due, title="Riverside action")
    scan(datetime(2026, 11, 18, 12, 0, tzinfo=UTC))
    db.commit()
    return world


def test_the_report_reads_back_with_the_areas_own_figures_and_children(world):
    [produced] = produce_week(W47, MONDAY_AFTER, area_code="NTH")
    db.commit()
    report = produced.report
    pages = pdf_text(report.pdf)
    assert len(pages) == report.page_count >= 2
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text
        assert f"Page {number} of {len(pages)}" in text
    everything = "\n".join(pages)
    assert "Northmoor Area Child Protection Committee" in everything
    assert "2026-W47: 16 November 2026 to 22 November 2026" in everything
    assert "Raised to owner agencies' managers 2" in everything
    assert "Raised to the ACPC 1" in everything
    assert "Jordan Ellis" in everything and "NTH-7" in everything
    assert "Immediate action plan" in everything
    assert "Theo" not in everything and "Riverside action" not in everything
    assert report.escalations_raised == 3
    assert len(report.sha256) == 64


def test_a_child_with_nothing_outstanding_is_counted_not_named(world):
    quiet = create_child(
        world.area,
        given_name="Quinn",
        family_name="Stillwater",
        local_reference="NTH-QUIET",
        date_of_birth=date(2010, 3, 14),
    )
    create_placement(quiet, world.yoi, admitted_at=datetime(2026, 11, 2, tzinfo=UTC))
    db.commit()
    [produced] = produce_week(W47, MONDAY_AFTER, area_code="NTH")
    everything = " ".join(" ".join(pdf_text(produced.report.pdf)).split())
    assert "Jordan Ellis" in everything
    assert "Stillwater" not in everything and "NTH-QUIET" not in everything
    assert "14 March 2010" not in everything
    assert "2 children from Northmoor are in custody now" in everything
    assert "1 with nothing outstanding is counted, not named" in everything
    assert quiet.id not in named_children(gather(world.area, W47, MONDAY_AFTER))


def test_the_key_measures_sit_beside_the_eight_weeks_before(world):
    data = gather(world.area, W47, MONDAY_AFTER)
    assert [str(m.week) for m in data.trend][0] == "2026-W39"
    this_week = data.trend[-1]
    assert (this_week.raised_to_agency, this_week.raised_to_acpc) == (2, 1)
    assert (this_week.actions_due, this_week.met_on_time, this_week.on_time_percent) == (2, 0, 0)
    assert all(m.actions_due == 0 and m.on_time_percent is None for m in data.trend[:-1])
    text = "\n".join(pdf_text(render_weekly_report(data).pdf))
    assert "W39" in text and "W47" in text and "Actions met on time" in text


def test_the_pdf_is_tagged_for_accessibility(world):
    [produced] = produce_week(W47, MONDAY_AFTER, area_code="NTH")
    reader = PdfReader(io.BytesIO(produced.report.pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert "escalation report" in reader.metadata.title.lower()


def test_an_empty_week_gives_a_short_report_that_says_so(world):
    [produced] = produce_week(
        IsoWeek(2026, 40), datetime(2026, 10, 5, 7, tzinfo=UTC), area_code="RIV"
    )
    text = "\n".join(pdf_text(produced.report.pdf))
    assert "There were no escalations in Riverside this week" in text
    assert produced.report.page_count <= 2
    assert "Ashgrove YOI: 1 child, nothing outstanding" in text


def test_text_typed_by_users_cannot_inject_markup_or_make_the_report_fetch(world):
    create_action(
        world.ours,
        world.yoi,
        due_at=datetime(2026, 11, 17, tzinfo=UTC),
        acpc_due_at=datetime(2026, 11, 17, tzinfo=UTC),
        title='<img src="http://127.0.0.1:9/"> <b>bold</b>',
    )
    scan(datetime(2026, 11, 18, tzinfo=UTC))
    area = world.area
    rendered = render_weekly_report(gather(area, W47, MONDAY_AFTER))
    assert rendered.refused_urls == ()
    assert '<img src="http://127.0.0.1:9/"> <b>bold</b>' in "\n".join(pdf_text(rendered.pdf))


def test_a_week_is_produced_once_unless_asked(world):
    first = produce_week(W47, MONDAY_AFTER)
    again = produce_week(W47, MONDAY_AFTER + timedelta(hours=1))
    assert [p.created for p in first] == [True, True]
    assert [p.created for p in again] == [False, False]
    forced = produce_week(W47, MONDAY_AFTER + timedelta(hours=2), area_code="NTH", force=True)
    assert forced[0].created and forced[0].report.id == first[0].report.id
    db.commit()
    assert db.session().exec(select(func.count()).select_from(EscalationReport)).one() == 2


def test_the_monday_job_catches_up_after_downtime_and_is_idempotent(world):
    # The scheduler was down on Monday morning and comes back on Wednesday.
    wednesday = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    assert weekly_reports.run(wednesday) == "2026-W47: 2 reports produced, 0 already stored"
    db.commit()
    assert weekly_reports.run(wednesday + timedelta(minutes=1)) == (
        "2026-W47: 0 reports produced, 2 already stored"
    )
    weeks = db.session().exec(select(EscalationReport.week)).all()
    assert weeks == ["2026-W47", "2026-W47"]


def test_the_report_reaches_every_acpc_member_as_a_valid_pdf_attachment(app, world):
    produce_week(W47, MONDAY_AFTER, area_code="NTH")
    db.commit()
    port = free_port()
    controller, inbox = start_server(port)
    try:
        result = deliver_due(smtp_transport(app, port), "service@example.org")
    finally:
        controller.stop()
    reports = [m for m in inbox.messages if m["Subject"].startswith("ACPC escalation report")]
    assert sorted(m["To"] for m in reports) == sorted(
        [world.acpc_member.email, "second.member@example.org"]
    )
    assert result.sent >= 2
    attachment = next(reports[0].iter_attachments())
    assert attachment.get_filename() == "acpc-escalation-report-nth-2026-W47.pdf"
    content = attachment.get_content()
    assert content.startswith(b"%PDF")
    assert "Jordan Ellis" in "\n".join(pdf_text(content))
    assert db.session().exec(select(func.count()).select_from(EmailAttachment)).one() == 2
    assert (
        db.session()
        .exec(
            select(func.count())
            .select_from(OutboundEmail)
            .where(OutboundEmail.cause_type == "escalation_report")
        )
        .one()
        == 2
    )


def test_the_archive_comes_a_page_at_a_time_newest_first(app, client, world):
    app.config["PAGE_SIZE"] = 2
    for number in (45, 46, 47):
        produce_week(IsoWeek(2026, number), MONDAY_AFTER, area_code="NTH")
    db.commit()
    sign_in(client, world.acpc_member)
    first = client.get("/acpc/reports").text
    assert "2026-W47" in first and "2026-W46" in first and "2026-W45" not in first
    second = client.get("/acpc/reports?page=2").text
    assert "2026-W45" in second and "2026-W46" not in second
    assert "/acpc/reports?page=2" in first


def test_acpc_member_downloads_a_report_and_the_download_is_recorded(client, world):
    [produced] = produce_week(W47, MONDAY_AFTER, area_code="NTH")
    db.commit()
    sign_in(client, world.acpc_member)
    archive = client.get("/acpc/reports").text
    assert "2026-W47" in archive
    response = client.get(f"/acpc/reports/{produced.report.id}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="acpc-escalation-report-nth-2026-W47.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    assert response.data == produced.report.pdf
    downloads = (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "escalation_report_downloaded"))
        .all()
    )
    assert [(d.user_id, d.object_id) for d in downloads] == [
        (world.acpc_member.id, produced.report.id)
    ]


def test_another_areas_acpc_cannot_download_the_report(client, world):
    [produced] = produce_week(W47, MONDAY_AFTER, area_code="NTH")
    db.commit()
    sign_in(client, world.other_acpc_member)
    assert "2026-W47" not in client.get("/acpc/reports").text
    assert client.get(f"/acpc/reports/{produced.report.id}/download").status_code == 404


def end_agreement(world, on=date(2026, 11, 20)):
    world.agreement.ends_on = on
    db.session().add(world.agreement)
    db.commit()


def test_after_the_agreement_ends_the_acpc_cannot_download_the_areas_reports(client, world):
    [produced] = produce_week(W47, MONDAY_AFTER, area_code="NTH")
    db.commit()
    end_agreement(world)
    sign_in(client, world.acpc_member)
    archive = client.get("/acpc/reports").text
    assert "not a party to a sharing agreement in force for Northmoor" in archive
    assert f"/acpc/reports/{produced.report.id}/download" not in archive
    assert client.get(f"/acpc/reports/{produced.report.id}/download").status_code == 404
    denied = db.session().exec(
        select(AuditEvent).where(
            AuditEvent.action == "access_denied", AuditEvent.object_type == "escalation_report"
        )
    )
    assert [event.object_id for event in denied] == [produced.report.id]
    assert (
        not db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "escalation_report_downloaded"))
        .all()
    )


def test_after_the_agreement_ends_the_weekly_report_is_not_emailed(app, world):
    end_agreement(world)
    [produced] = produce_week(W47, MONDAY_AFTER, area_code="NTH")
    db.commit()
    assert produced.created
    result = app.test_cli_runner().invoke(
        args=["reports", "weekly", "--week", "2026-W46", "--area", "NTH"]
    )
    assert result.exit_code == 0, result.output
    mail = db.session().exec(
        select(OutboundEmail).where(OutboundEmail.cause_type == "escalation_report")
    )
    assert mail.all() == []


@pytest.mark.parametrize("role", ["officer", "staff", "admin"])
def test_only_acpc_members_see_reports(client, world, role):
    sign_in(client, getattr(world, role))
    assert client.get("/acpc/reports").status_code == 403


def test_cli_produces_reports_on_demand_and_writes_the_files(app, world, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["reports", "weekly", "--week", "2026-W47", "--output", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [
        "acpc-escalation-report-nth-2026-W47.pdf",
        "acpc-escalation-report-riv-2026-W47.pdf",
    ]
    assert "pages, produced" in result.output
    pages = len(PdfReader(tmp_path / "out" / written[0]).pages)
    assert f"acpc-escalation-report-nth-2026-W47.pdf: {pages} pages" in result.output
    again = runner.invoke(args=["reports", "weekly", "--week", "2026-W47", "--area", "nth"])
    assert "already stored (use --force to produce again)" in again.output


def test_in_production_a_stored_report_is_never_replaced(app, world):
    app.config["ENV_NAME"] = "production"
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reports", "weekly", "--week", "2026-W47", "--area", "nth"])
    assert first.exit_code == 0, first.output
    stored = db.session().exec(select(EscalationReport)).one()
    digest = stored.sha256
    refused = runner.invoke(
        args=["reports", "weekly", "--week", "2026-W47", "--area", "nth", "--force"]
    )
    assert refused.exit_code != 0
    assert "reports weekly --force refuses to run when YOI_WELFARE_ENV=production" in (
        refused.output
    )
    assert "is never replaced" in refused.output
    db.session().expire_all()
    assert db.session().exec(select(EscalationReport)).one().sha256 == digest
    again = runner.invoke(args=["reports", "weekly", "--week", "2026-W47", "--area", "nth"])
    assert "already stored" in again.output and "--force" not in again.output
    # A week not over yet would be stored half-written, for good: refused.
    unfinished = runner.invoke(args=["reports", "weekly", "--week", "2099-W01"])
    assert unfinished.exit_code == 2
    assert "2099-W01 has not ended" in unfinished.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--week", "last week"], "is not an ISO week; use the form 2026-W47"),
        (["--week", "2026-W54"], "2026 has no week 54"),
        (["--week", "2026-W47", "--area", "ZZZ"], "No area with an ACPC has the code ZZZ"),
    ],
)
def test_cli_names_the_bad_option(app, world, args, message):
    result = app.test_cli_runner().invoke(args=["reports", "weekly", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_weeks_run_monday_to_sunday_in_uk_time():
    assert str(IsoWeek.previous_to(MONDAY_AFTER)) == "2026-W47"
    assert str(IsoWeek.previous_to(datetime(2026, 11, 29, 23, 30, tzinfo=UTC))) == "2026-W47"
    summer = IsoWeek(2026, 27)
    assert summer.starts_at == datetime(2026, 6, 28, 23, 0, tzinfo=UTC)  # Monday 00:00 BST
