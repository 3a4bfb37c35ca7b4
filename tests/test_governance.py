"""Information governance: sharing agreements gate every read, every copy that leaves is recorded,
subject access exports everything about one child, and retention deletes only on confirmation."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from pypdf import PdfReader
from sqlmodel import func, select

from tests.factories import (
    World,
    create_action,
    create_child,
    create_placement,
    create_screening,
    create_sharing_agreement,
    create_user,
    sign_in,
)
from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.custody.models import CustodyWelfareNote, NoteAmendment, NoteCategory
from yoi_welfare.domain.timescales import EscalationLevel
from yoi_welfare.escalations.models import Escalation, EscalationResponse, ResponseKind
from yoi_welfare.governance.models import (
    Disclosure,
    DisclosureChannel,
    ExportStatus,
    RetentionReview,
    RetentionStatus,
    SharingAgreement,
    SubjectAccessExport,
)
from yoi_welfare.jobs import retention_review, subject_access
from yoi_welfare.models import metadata
from yoi_welfare.notifications.models import Delivery, Notification
from yoi_welfare.outbox.models import OutboundEmail
from yoi_welfare.outbox.services import queue_email
from yoi_welfare.people.models import LeavingReason, YoungPerson
from yoi_welfare.reviews.models import MeetingReason, PlacementOutcome, PlacementReview, ReviewKind
from yoi_welfare.self_harm.models import (
    CaseReview,
    ObservationLevel,
    RiskLevel,
    SelfHarmFlag,
)

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    app.config["SIGN_IN_RATE_LIMIT"] = "1000 per minute"
    world = World()
    world.manager = create_user(world.yot, name="Mina Manager", is_manager=True)
    world.child = create_child(
        world.area, given_name="Jordan", family_name="Ellis", local_reference="NTH-7"
    )
    create_placement(world.child, world.yoi, admitted_at=NOW - timedelta(days=10))
    return world


def saved(row):
    db.session().add(row)
    db.session().commit()
    return row


def denials(user) -> int:
    db.session().rollback()
    return (
        db.session()
        .exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.user_id == user.id, AuditEvent.action == "access_denied")
        )
        .one()
    )


def disclosures(child, channel: DisclosureChannel | None = None) -> list[Disclosure]:
    db.session().rollback()
    statement = select(Disclosure).where(Disclosure.young_person_id == child.id)
    if channel is not None:
        statement = statement.where(Disclosure.channel == channel)
    return list(db.session().exec(statement.order_by(Disclosure.id)))


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# Agreement gating ------------------------------------------------------------------------------


def test_a_party_sees_the_child_and_the_footer_names_the_agreement(client, world):
    sign_in(client, world.officer)
    page = client.get(f"/children/{world.child.id}")
    assert page.status_code == 200
    assert "Shared under: Northmoor information-sharing agreement (Northmoor)" in page.text


def test_establishment_not_party_to_the_childs_area_agreement_sees_nothing(client, world):
    """Establishments have no area: holding a child is not enough without the area's agreement."""
    outsider = create_child(world.other_area, given_name="Theo", family_name="Riverside")
    create_placement(outsider, world.yoi, admitted_at=NOW - timedelta(days=1))
    agreement = db.session().get(SharingAgreement, world.other_agreement.id)
    agreement.ends_on = TODAY - timedelta(days=1)
    saved(agreement)
    create_sharing_agreement(world.other_area, [world.other_yot, world.other_acpc], title="New")
    sign_in(client, world.staff)
    before = denials(world.staff)
    assert client.get(f"/children/{outsider.id}").status_code == 404
    assert denials(world.staff) == before + 1
    home = client.get("/").text
    assert "Riverside" not in home and "Ellis" in home
    assert "Theo" not in client.get("/children?q=Riverside").text


def test_an_agreement_that_has_ended_or_not_started_shares_nothing(client, world):
    sign_in(client, world.officer)
    agreement = db.session().get(SharingAgreement, world.agreement.id)
    agreement.ends_on = TODAY - timedelta(days=1)
    saved(agreement)
    before = denials(world.officer)
    assert client.get(f"/children/{world.child.id}").status_code == 404
    assert denials(world.officer) == before + 1
    assert f"/children/{world.child.id}" not in client.get("/children?q=Ellis").text
    assert "Ellis" not in client.get("/").text

    agreement.ends_on = None
    agreement.starts_on = TODAY + timedelta(days=1)
    saved(agreement)
    assert client.get(f"/children/{world.child.id}").status_code == 404
    agreement.starts_on = TODAY
    saved(agreement)
    assert client.get(f"/children/{world.child.id}").status_code == 200


def test_an_agreement_past_its_review_date_still_shares_and_is_flagged_to_administrators(
    app, world
):
    agreement = db.session().get(SharingAgreement, world.agreement.id)
    agreement.review_by = TODAY - timedelta(days=3)
    saved(agreement)
    officer, admin = app.test_client(), app.test_client()
    sign_in(officer, world.officer)
    sign_in(admin, world.admin)
    assert officer.get(f"/children/{world.child.id}").status_code == 200
    home = admin.get("/admin/").text
    assert "1 information-sharing agreement is past its review date" in home
    assert "Northmoor information-sharing agreement (Northmoor), review by 22 November 2026" in home
    assert "Review overdue" in admin.get("/admin/agreements").text


def test_every_page_about_a_child_says_under_which_agreement(client, world):
    from tests.test_security import _escalation_id, _flag_id, _note_id, _review_id

    screening = create_screening(world.child, world.officer, submitted_at=NOW)
    pages = [
        f"/children/{world.child.id}",
        f"/children/{world.child.id}/notes",
        f"/notes/{_note_id(world)}",
        f"/self-harm-flags/{_flag_id(world)}",
        f"/placement-reviews/{_review_id(world)}",
        f"/screenings/{screening.id}",
        f"/children/{world.child.id}/actions/new",
        f"/children/{world.child.id}/print",
    ]
    sign_in(client, world.manager)
    pages += [f"/children/{world.child.id}/access-log"]
    missing = [url for url in pages if "Shared under: Northmoor" not in client.get(url).text]
    assert missing == []
    acpc = client.application.test_client()
    sign_in(acpc, world.acpc_member)
    assert "Shared under: Northmoor" in acpc.get(f"/escalations/{_escalation_id(world)}").text
    assert "Shared under" not in client.get("/").text


def test_administrator_records_an_agreement_and_only_its_parties_then_see(app, world):
    admin = app.test_client()
    sign_in(admin, world.admin)
    blank = admin.post("/admin/agreements/new", data={})
    assert blank.status_code == 200
    assert "Error: Record a sharing agreement" in blank.text
    for message in ("Select the area the agreement covers", "Enter the lawful basis"):
        assert message in blank.text
    form = {
        "area": str(world.other_area.id),
        "title": "Riverside agreement 2026",
        "parties": [str(world.yot.id)],
        "purpose": "Safeguarding",
        "lawful_basis": "UK GDPR 6(1)(e); DPA 2018 Sch 1 para 18",
        "data_items": "Everything in the record",
        "contact": "DPO",
        "starts_on": ["1", "11", "2026"],
        "review_by": ["1", "11", "2027"],
    }
    wrong_area = admin.post("/admin/agreements/new", data=form)
    assert "Northmoor YOT belongs to another area" in wrong_area.text
    form["parties"] = [str(world.other_yot.id), str(world.other_yoi.id)]
    assert admin.post("/admin/agreements/new", data=form).status_code in (302, 303)
    db.session().rollback()
    agreement = (
        db.session()
        .exec(select(SharingAgreement).where(SharingAgreement.title == "Riverside agreement 2026"))
        .one()
    )
    listing = admin.get("/admin/agreements").text
    assert "Riverside agreement 2026" in listing and "Cedar Lodge STC" in listing
    edit = admin.get(f"/admin/agreements/{agreement.id}")
    assert 'value="Riverside agreement 2026"' in edit.text
    form["ends_on"] = ["31", "10", "2026"]
    changed = admin.post(f"/admin/agreements/{agreement.id}", data=form)
    assert "The end date must be on or after the start date" in changed.text
    actions = (
        db.session()
        .exec(select(AuditEvent.action).where(AuditEvent.object_type == "sharing_agreement"))
        .all()
    )
    assert actions == ["sharing_agreement_recorded"]


def test_practitioners_cannot_manage_agreements(client, world):
    sign_in(client, world.manager)
    assert client.get("/admin/agreements").status_code == 403


# Privacy notice -------------------------------------------------------------------------------


def test_the_privacy_notice_is_public_plain_and_linked_from_every_page(client, world):
    notice = client.get("/privacy")
    assert notice.status_code == 200
    assert "What you can ask for" in notice.text
    assert 'href="/privacy"' in client.get("/sign-in").text
    sign_in(client, world.officer)
    assert 'href="/privacy"' in client.get(f"/children/{world.child.id}").text


# Record of disclosure -------------------------------------------------------------------------


def test_printing_the_record_is_a_disclosure_listed_on_who_has_seen_it(app, world):
    staff, manager = app.test_client(), app.test_client()
    sign_in(staff, world.staff)
    sign_in(manager, world.manager)
    assert "Print the record" in staff.get(f"/children/{world.child.id}").text
    page = staff.get(f"/children/{world.child.id}/print")
    assert page.status_code == 200
    assert 'id="print-button"' in page.text and "Placement history" in page.text
    (printed,) = disclosures(world.child, DisclosureChannel.PRINT)
    assert printed.user_id == world.staff.id
    assert printed.recipient.startswith("Wing Officer (")
    assert printed.agreement_id == world.agreement.id
    assert "Schedule 1" in printed.lawful_basis
    log = manager.get(f"/children/{world.child.id}/access-log").text
    assert "Printed copy" in log and "Print-friendly copy of the child&#39;s record" in log


def test_escalation_emails_are_disclosures_to_each_recipient(world):
    from yoi_welfare.escalations.services import scan

    create_user(world.yoi, email="safer.custody@example.org", is_manager=True)
    create_action(world.child, world.yoi, due_at=NOW - timedelta(hours=1))
    scan(NOW)
    db.session().commit()
    emailed = disclosures(world.child, DisclosureChannel.EMAIL)
    assert [d.recipient for d in emailed] == ["safer.custody@example.org"]
    assert emailed[0].object_type == "escalation" and emailed[0].user_id is None


def test_the_weekly_report_and_its_download_are_disclosures_of_each_child_named(app, world):
    from yoi_welfare.reports.models import EscalationReport
    from yoi_welfare.reports.services import produce_week
    from yoi_welfare.reports.weeks import IsoWeek

    create_user(world.acpc, email="second.member@example.org")
    # Named because an action for them is overdue; a child with nothing outstanding is not.
    create_action(world.child, world.yot, due_at=NOW - timedelta(days=3))
    quiet = create_child(world.area, given_name="Quinn", family_name="Stillwater")
    create_placement(quiet, world.yoi, admitted_at=NOW - timedelta(days=10))
    produce_week(IsoWeek(2026, 47), NOW)
    db.session().commit()
    assert disclosures(quiet, DisclosureChannel.WEEKLY_REPORT) == []
    sent = disclosures(world.child, DisclosureChannel.WEEKLY_REPORT)
    assert sorted(d.recipient for d in sent) == sorted(
        [world.acpc_member.email, "second.member@example.org"]
    )
    assert sent[0].purpose == "Weekly ACPC escalation report for Northmoor, 2026-W47"
    report = db.session().exec(select(EscalationReport)).first()
    member = app.test_client()
    sign_in(member, world.acpc_member)
    assert member.get(f"/acpc/reports/{report.id}/download").status_code == 200
    (downloaded,) = disclosures(world.child, DisclosureChannel.DOWNLOAD)
    assert downloaded.user_id == world.acpc_member.id


# Subject access -------------------------------------------------------------------------------


def full_record(world, child, placed_at: datetime = NOW):
    """One row of every record type for the child, with third-party details in free text."""
    create_placement(
        child,
        world.other_yoi,
        admitted_at=placed_at - timedelta(days=60),
        left_at=placed_at - timedelta(days=30),
        leaving_reason=LeavingReason.RELEASE,
    )
    create_screening(
        child, world.officer, submitted_at=NOW - timedelta(days=9), family_contacts="Aunt Bea"
    )
    note = saved(
        CustodyWelfareNote(
            young_person_id=child.id,
            establishment_id=world.yoi.id,
            category=NoteCategory.FAMILY_CONTACT,
            text="Phoned cousin Dee.",
            author_id=world.staff.id,
        )
    )
    saved(
        NoteAmendment(
            note_id=note.id,
            category=NoteCategory.FAMILY_CONTACT,
            text="Phoned cousin Dee and uncle Al.",
            reason="Missed a name",
            amended_by_id=world.staff.id,
        )
    )
    flag = saved(
        SelfHarmFlag(
            young_person_id=child.id,
            concern="Said they cannot cope.",
            risk_level=RiskLevel.RAISED,
            observation_level=ObservationLevel.HOURLY,
            opened_at=NOW - timedelta(days=2),
            opened_by_id=world.staff.id,
            opened_establishment_id=world.yoi.id,
            reviewed_establishment_id=world.yoi.id,
            immediate_action_plan="Hourly checks",
        )
    )
    saved(
        CaseReview(
            flag_id=flag.id,
            held_at=NOW - timedelta(days=1),
            establishment_id=world.yoi.id,
            attendees=["FAMILY"],
            yot_attended=True,
            outcome="Stays open",
            previous_risk_level=RiskLevel.RAISED,
            risk_level=RiskLevel.RAISED,
            previous_observation_level=ObservationLevel.HOURLY,
            observation_level=ObservationLevel.HOURLY,
            next_review_due=NOW + timedelta(days=1),
            recorded_by_id=world.staff.id,
        )
    )
    saved(
        PlacementReview(
            young_person_id=child.id,
            kind=ReviewKind.PLACEMENT_MDM,
            reason=MeetingReason.RISK_TO_SELF,
            establishment_id=world.yoi.id,
            held_at=NOW - timedelta(days=1),
            attendees="Wing officer, YOT officer",
            yot_attended=True,
            outcome=PlacementOutcome.REMAIN,
            summary="Stays on the wing.",
            recorded_by_id=world.staff.id,
        )
    )
    action = create_action(child, world.yot, due_at=NOW - timedelta(days=3), title="Call home")
    escalation = saved(
        Escalation(
            action_id=action.id,
            level=EscalationLevel.ACPC,
            agency_id=world.acpc.id,
            became_due_at=NOW - timedelta(days=1),
        )
    )
    saved(
        EscalationResponse(
            escalation_id=escalation.id,
            kind=ResponseKind.ACKNOWLEDGED,
            note="Chased",
            responded_by_id=world.acpc_member.id,
        )
    )
    saved(
        Disclosure(
            young_person_id=child.id,
            channel=DisclosureChannel.PRINT,
            recipient="Wing Officer",
            purpose="Printed",
            lawful_basis="Agreement",
        )
    )
    # A notice about the child that went out in a morning's digest.
    digest = queue_email(
        world.officer.email,
        "YOI Welfare: 1 notice since your last email",
        f"Child admitted\nChild: {child.initials} ({child.local_reference})\n",
        cause_type="notification_digest",
        cause_id=world.officer.id,
    )
    saved(
        Notification(
            user_id=world.officer.id,
            young_person_id=child.id,
            subject="Child admitted",
            body_text="Ashgrove YOI has admitted a child of your area.",
            path=f"/children/{child.id}",
            purpose="An admission, told to the child's YOT",
            email_id=digest.id,
        )
    )


def test_the_export_holds_every_record_type_of_one_child_only(app, world):
    from yoi_welfare.governance.subject_access import gather, render_pdf, to_json

    full_record(world, world.child)
    other = create_child(world.area, given_name="Other", family_name="Person")
    create_screening(other, world.officer, family_contacts="Grandad Zed")
    viewer = app.test_client()
    sign_in(viewer, world.officer)
    viewer.get(f"/children/{world.child.id}")
    viewer.get(f"/children/{other.id}")
    db.session().rollback()
    child = db.session().get(YoungPerson, world.child.id)
    document = gather(child, "The young person", NOW)
    exported = json.loads(to_json(document))
    for key in (
        "placements",
        "welfare_screenings",
        "custody_welfare_notes",
        "self_harm_flags",
        "placement_reviews",
        "welfare_actions",
        "disclosures",
        "access_history",
    ):
        assert exported[key], f"{key} is empty"
    assert exported["child"]["fields"]["local_reference"] == "NTH-7"
    (note,) = exported["custody_welfare_notes"]
    assert note["fields"]["author_name"] == "Wing Officer"
    assert note["review_before_release"] == ["text"]
    assert note["amendments"][0]["fields"]["text"] == "Phoned cousin Dee and uncle Al."
    assert exported["self_harm_flags"][0]["case_reviews"][0]["fields"]["outcome"] == "Stays open"
    action = exported["welfare_actions"][0]
    assert action["escalations"][0]["responses"][0]["fields"]["note"] == "Chased"
    screening = exported["welfare_screenings"][0]
    sections = {s["fields"]["section"] for s in screening["sections"]}
    assert len(sections) >= 10
    family = [
        answer
        for section in screening["sections"]
        for answer in section["answers"]
        if answer["fields"]["answer"] == "Aunt Bea"
    ]
    assert family[0]["review_before_release"] == ["answer"]
    assert {e["fields"]["what"] for e in exported["access_history"]} >= {
        "Viewed the child's record"
    }
    text = json.dumps(exported)
    assert "Grandad Zed" not in text and "Other" not in text

    pdf = pdf_text(render_pdf(document).pdf)
    assert "Subject access export" in pdf and "NTH-7" in pdf
    assert "Review before release" in pdf and "Aunt Bea" in pdf and "uncle Al" in pdf
    assert "Grandad Zed" not in pdf


def test_administrator_finds_a_child_by_reference_and_downloads_the_export(app, world):
    admin = app.test_client()
    sign_in(admin, world.admin)
    missing = admin.get("/admin/subject-access?reference=NOPE")
    assert "No child has the reference NOPE" in missing.text
    found = admin.get("/admin/subject-access?reference=nth-7")
    assert f"/admin/subject-access/children/{world.child.id}" in found.text
    page = f"/admin/subject-access/children/{world.child.id}"
    assert "Error: " in admin.post(page, data={}).text
    assert admin.post(page, data={"requester": "Their solicitor"}).status_code in (302, 303)
    assert "Being prepared" in admin.get(page).text
    assert subject_access.run(NOW) == "1 subject access exports produced"
    db.session().commit()
    export = db.session().exec(select(SubjectAccessExport)).one()
    assert export.status is ExportStatus.READY
    pdf = admin.get(f"/admin/subject-access/exports/{export.id}/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "subject-access-nth-7-20261125.pdf" in pdf.headers["Content-Disposition"]
    document = admin.get(f"/admin/subject-access/exports/{export.id}/json")
    assert document.json["child"]["fields"]["family_name"] == "Ellis"
    released = disclosures(world.child, DisclosureChannel.EXPORT)
    assert [d.recipient for d in released] == ["Their solicitor", "Their solicitor"]
    assert released[0].lawful_basis.startswith("UK GDPR Article 15")
    assert subject_access.run(NOW) == "0 subject access exports produced"


def test_the_command_line_writes_both_files_and_refuses_an_unknown_child(app, world, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["subject-access", "--child", "NTH-7", "--output", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "subject-access-nth-7-20261125.pdf"
    document = tmp_path / "out" / "subject-access-nth-7-20261125.json"
    assert str(pdf) in result.output and str(document) in result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    assert json.loads(document.read_text())["child"]["fields"]["local_reference"] == "NTH-7"
    assert len(disclosures(world.child, DisclosureChannel.EXPORT)) == 2

    unknown = runner.invoke(args=["subject-access", "--child", "XX-1", "--output", str(tmp_path)])
    assert unknown.exit_code != 0
    assert "No child has the reference XX-1" in unknown.output


# Retention ------------------------------------------------------------------------------------


@pytest.fixture
def former(world):
    """Born 1 January 2001 (25 on 1 January 2026), released in 2019: due since 1 January 2026."""
    child = create_child(
        world.area,
        given_name="Former",
        family_name="Child",
        local_reference="NTH-OLD",
        date_of_birth=date(2001, 1, 1),
    )
    create_placement(
        child,
        world.yoi,
        admitted_at=datetime(2018, 6, 1, tzinfo=UTC),
        left_at=datetime(2018, 12, 1, tzinfo=UTC),
        leaving_reason=LeavingReason.RELEASE,
    )
    return child


def test_the_monthly_job_lists_due_children_once_and_tells_administrators(app, world, former):
    late = create_child(world.area, local_reference="NTH-LATE", date_of_birth=date(2000, 1, 1))
    create_placement(
        late,
        world.yoi,
        admitted_at=datetime(2020, 1, 1, tzinfo=UTC),
        left_at=datetime(2020, 6, 1, tzinfo=UTC),
    )
    held = create_child(world.area, local_reference="NTH-HELD", date_of_birth=date(1999, 1, 1))
    create_placement(held, world.yoi, admitted_at=NOW - timedelta(days=1))
    world.admin.routine_notices = Delivery.IMMEDIATE  # not urgent: at once only if chosen
    db.session().add(world.admin)

    assert retention_review.run(datetime(2025, 12, 1, 6, tzinfo=UTC)).startswith("0 ")
    assert retention_review.run(datetime(2026, 1, 1, 6, tzinfo=UTC)).startswith("1 ")
    db.session().commit()
    assert retention_review.run(datetime(2026, 2, 1, 6, tzinfo=UTC)).startswith("0 ")
    db.session().commit()
    listed = db.session().exec(select(RetentionReview)).all()
    assert [(r.local_reference, r.retain_until) for r in listed] == [("NTH-OLD", date(2026, 1, 1))]
    (mail,) = (
        db.session()
        .exec(select(OutboundEmail).where(OutboundEmail.cause_type == "retention_review"))
        .all()
    )
    assert mail.to_address == world.admin.email
    assert "1 child's records are due" in mail.body_text and "NTH-OLD" not in mail.body_text

    result = app.test_cli_runner().invoke(args=["retention", "review", "--at", "2027-06-02"])
    assert result.exit_code == 0, result.output
    assert "NTH-OLD" in result.output and "awaiting a decision" in result.output
    assert "NTH-LATE" in result.output and "kept until 2027-06-01" in result.output
    assert "NTH-HELD" not in result.output
    bad = app.test_cli_runner().invoke(args=["retention", "review", "--at", "soon"])
    assert bad.exit_code != 0 and "use the form 2026-12-01" in bad.output


def list_former(former) -> RetentionReview:
    retention_review.run(NOW)
    db.session().commit()
    return (
        db.session()
        .exec(select(RetentionReview).where(RetentionReview.young_person_id == former.id))
        .one()
    )


def child_rows(child_id: int) -> dict[str, int]:
    """Rows in every table that refer to the child, except the audit trail and the tombstone."""
    db.session().rollback()
    counts = {}
    for table in metadata.sorted_tables:
        if table.name in ("audit_event", "retention_review") or "young_person_id" not in table.c:
            continue
        n = (
            db.session()
            .execute(
                sa.select(func.count())
                .select_from(table)
                .where(table.c.young_person_id == child_id)
            )
            .scalar_one()
        )
        if n:
            counts[table.name] = n
    if db.session().get(YoungPerson, child_id) is not None:
        counts["young_person"] = 1
    return counts


def test_nothing_is_deleted_without_confirmation(app, world, former):
    full_record(world, former, placed_at=datetime(2018, 6, 1, tzinfo=UTC))
    review = list_former(former)
    db.session().rollback()
    with pytest.raises(sa.exc.DBAPIError, match="DELETE refused"), db.engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM custody_welfare_note_amendment"))
    admin = app.test_client()
    sign_in(admin, world.admin)
    page = admin.get(f"/admin/retention/{review.id}")
    assert "Review the records of NTH-OLD" in page.text
    wrong = admin.post(
        f"/admin/retention/{review.id}/erase",
        data={"erase-reference": "NTH-NEW", "erase-reason": "Past retention"},
    )
    assert wrong.status_code == 200
    assert "Error: Review the records of NTH-OLD" in wrong.text
    assert "The reference does not match" in wrong.text
    assert child_rows(former.id)["custody_welfare_note"] == 1
    assert db.session().get(RetentionReview, review.id).status is RetentionStatus.DUE


def test_confirmed_deletion_removes_every_record_and_keeps_the_chain_verifiable(app, world, former):
    former_id = former.id
    full_record(world, former, placed_at=datetime(2018, 6, 1, tzinfo=UTC))
    staff = app.test_client()
    sign_in(staff, world.staff)
    assert staff.get(f"/children/{former_id}").status_code == 200
    review = list_former(former)
    assert len(child_rows(former_id)) >= 8
    # Notices about the child: each names them by initials and reference.
    from yoi_welfare.outbox.services import queue_email
    from yoi_welfare.screenings.models import WelfareScreening
    from yoi_welfare.self_harm.models import SelfHarmFlag

    for model, cause in ((WelfareScreening, "welfare_screening"), (SelfHarmFlag, "self_harm_flag")):
        row = db.session().exec(select(model).where(model.young_person_id == former_id)).first()
        queue_email("m@example.org", "About FC NTH-OLD", "FC", cause_type=cause, cause_id=row.id)
    queue_email("m@example.org", "Someone else", "x", cause_type="self_harm_flag", cause_id=99999)
    db.session().commit()
    admin = app.test_client()
    sign_in(admin, world.admin)
    assert "1 child&#39;s records are due for retention review" in admin.get("/admin/").text
    response = admin.post(
        f"/admin/retention/{review.id}/erase",
        data={"erase-reference": "nth-old", "erase-reason": "Past the retention period"},
    )
    assert response.status_code in (302, 303)
    assert child_rows(former_id) == {}
    subjects = db.session().exec(select(OutboundEmail.subject)).all()
    assert "Someone else" in subjects and not [s for s in subjects if "NTH-OLD" in s]
    # The digest that named the child went with their notification.
    bodies = db.session().exec(select(OutboundEmail.body_text)).all()
    assert not [body for body in bodies if "NTH-OLD" in body]
    assert db.session().get(YoungPerson, world.child.id) is not None
    review = db.session().get(RetentionReview, review.id)
    assert (review.status, review.decided_by_id) == (RetentionStatus.ERASED, world.admin.id)
    tombstone = (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "child_records_erased"))
        .one()
    )
    assert tombstone.user_id == world.admin.id and tombstone.young_person_id == former_id
    assert tombstone.detail.startswith("ref NTH-OLD; kept until 2026-01-01; erased 2026-11-25")
    events_before = (
        db.session()
        .exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.young_person_id == former_id)
        )
        .one()
    )
    assert events_before >= 3
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert staff.get(f"/children/{former_id}").status_code == 404
    listing = admin.get("/admin/retention").text
    assert "Records deleted by" in listing


def test_an_administrator_may_keep_the_records_for_now(app, world, former):
    review = list_former(former)
    admin = app.test_client()
    sign_in(admin, world.admin)
    response = admin.post(
        f"/admin/retention/{review.id}/keep",
        data={"keep-keep_until": ["1", "6", "2027"], "keep-reason": "Proceedings are open"},
    )
    assert response.status_code in (302, 303)
    assert child_rows(former.id)["young_person"] == 1
    assert retention_review.run(datetime(2027, 5, 1, 6, tzinfo=UTC)).startswith("0 ")
    assert retention_review.run(datetime(2027, 6, 1, 6, tzinfo=UTC)).startswith("1 ")


def test_a_child_back_in_custody_is_never_deleted(app, world, former):
    review = list_former(former)
    create_placement(former, world.yoi, admitted_at=NOW - timedelta(hours=1))
    admin = app.test_client()
    sign_in(admin, world.admin)
    response = admin.post(
        f"/admin/retention/{review.id}/erase",
        data={"erase-reference": "NTH-OLD", "erase-reason": "Past the retention period"},
    )
    assert "The child is in custody again" in response.text
    assert child_rows(former.id)["young_person"] == 1


def test_a_notice_about_a_child_goes_only_to_agencies_in_an_agreement_in_force(app):
    from yoi_welfare.notifications.models import Notification
    from yoi_welfare.notifications.services import Notice, notify

    world = World()
    yoi_manager = create_user(world.yoi, is_manager=True)
    yot_manager = create_user(world.yot, is_manager=True)
    child = create_child(world.area)
    # The YOI has left the area's agreement: only the YOT's manager is told.
    world.agreement_yot_only = create_sharing_agreement(world.area, [world.yot, world.acpc])
    world.agreement.ends_on = date(2026, 11, 1)
    db.session().add(world.agreement)
    db.commit()
    notice = Notice("Something happened", "Something happened.", (), "Read it.", "/children/1")
    sent = notify(
        [yoi_manager.email, yot_manager.email],
        child,
        notice,
        urgent=True,
        about=("young_person", child.id),
        purpose="A test notice",
        at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    )
    db.commit()
    assert sent == 1
    mail = db.session().exec(select(OutboundEmail)).all()
    assert [email.to_address for email in mail] == [yot_manager.email]
    told = db.session().exec(select(Notification.user_id)).all()
    assert told == [yot_manager.id]
    disclosed = db.session().exec(select(Disclosure.recipient)).all()
    assert all(yoi_manager.email not in recipient for recipient in disclosed)
