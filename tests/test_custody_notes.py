"""Custody welfare notes: append-only, amended with the original kept, read by the YOT at once."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import func, select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.custody import services
from yoi_welfare.custody.models import CustodyWelfareNote, NoteAmendment, NoteCategory
from yoi_welfare.people.models import LeavingReason

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEXT = "Quiet at breakfast, then spoke to his key worker about home"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def held_child(world, establishment=None, **fields):
    child = create_child(world.area, given_name="Jordan", family_name="Ellis", **fields)
    create_placement(child, establishment or world.yoi, admitted_at=NOW - timedelta(days=3))
    return child


def write(world, child, text=TEXT, category=NoteCategory.DAILY_WELFARE, at=NOW, by=None):
    note = services.write_note(child, by=by or world.staff, category=category, text=text, now=at)
    db.session().commit()
    return note


def notes() -> list[CustodyWelfareNote]:
    db.session().rollback()
    return list(db.session().exec(select(CustodyWelfareNote).order_by(CustodyWelfareNote.id)))


def count(model) -> int:
    db.session().rollback()
    return db.session().exec(select(func.count()).select_from(model)).one()


def audited(name: str) -> list[AuditEvent]:
    db.session().rollback()
    return list(db.session().exec(select(AuditEvent).where(AuditEvent.action == name)))


def timeline_titles(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html5lib")
    return [h3.get_text(strip=True) for h3 in soup.select("#chronology-entries h3")]


def caseload_cell(page: str, child) -> str:
    soup = BeautifulSoup(page, "html5lib")
    link = soup.select_one(f'#children-held a[href="/children/{child.id}"]')
    return " ".join(link.find_parent("td").get_text(" ").split())


# Writing


def test_staff_write_a_note_and_the_yot_reads_it_at_once(client, world):
    child = held_child(world)
    sign_in(client, world.staff)
    assert f"/children/{child.id}/notes/new" in client.get(f"/children/{child.id}").text
    response = client.post(
        f"/children/{child.id}/notes/new",
        data={"category": "FAMILY_CONTACT", "text": f"  {TEXT}\nCalled his nan.  "},
    )
    assert response.status_code in (302, 303), response.text
    (note,) = notes()
    assert (note.category, note.text) == (NoteCategory.FAMILY_CONTACT, f"{TEXT}\nCalled his nan.")
    assert (note.author_id, note.establishment_id, note.written_at) == (
        world.staff.id,
        world.yoi.id,
        NOW,
    )
    assert "Ellis&#39;s YOT can read it now" in client.get(response.location).text
    (event,) = audited("custody_note_written")
    assert (event.young_person_id, event.object_id, event.detail) == (
        child.id,
        note.id,
        "Family contact",
    )

    officer = client.application.test_client()
    sign_in(officer, world.officer)
    assert "1 new note" in caseload_cell(officer.get("/").text, child)
    page = officer.get(f"/children/{child.id}").text
    assert f"{TEXT}<br>Called his nan." in page
    assert "Custody welfare note: Family contact" in timeline_titles(page)
    notes_section = page.split('id="custody-notes"', 1)[1].split("</ul>", 1)[0]
    assert "New" in notes_section and "Wing Officer, Ashgrove YOI" in notes_section
    # Having read the child's page, nothing is new any more.
    assert "new note" not in caseload_cell(officer.get("/").text, child)
    # Nothing of the welfare text goes into the audit trail.
    assert not [e for e in db.session().exec(select(AuditEvent)) if TEXT in (e.detail or "")]


@pytest.mark.parametrize("amended", [0, 6])
def test_the_childs_page_shows_the_notes_written_last_whichever_were_amended(
    client, world, amended
):
    # A page of 5 entries: the chronology loads the 6 notes changed last. When the 6 oldest
    # were amended since, those are not the 5 written last, which the page shows all the same.
    client.application.config["PAGE_SIZE"] = 5
    child = held_child(world)
    written = [
        write(world, child, text=f"Note {n}", at=NOW - timedelta(hours=20 - n)) for n in range(8)
    ]
    for note in written[:amended]:
        services.amend_note(
            note,
            by=world.staff,
            category=NoteCategory.DAILY_WELFARE,
            text=f"{note.text} amended",
            reason="Typo",
            now=NOW - timedelta(minutes=10),
        )
        db.session().commit()
    sign_in(client, world.officer)
    soup = BeautifulSoup(client.get(f"/children/{child.id}").text, "html5lib")
    latest = soup.select_one("#latest-notes").get_text(" ")
    shown = [n for n in range(8) if f"Note {n}" in latest]
    assert shown == [3, 4, 5, 6, 7]
    assert latest.index("Note 7") < latest.index("Note 3")
    assert "All notes (8)" in soup.get_text(" ")


def test_new_notes_are_counted_for_each_officer_since_they_last_looked(client, world):
    child = held_child(world)
    colleague = create_user(world.yot, name="Colleague")
    write(world, child, at=NOW - timedelta(hours=2))
    client.application.config["SESSION_IDLE_MINUTES"] = 120  # the officer comes back an hour later
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        sign_in(client, world.officer)
        client.get(f"/children/{child.id}/notes")
        assert "new note" not in caseload_cell(client.get("/").text, child)

    write(world, child, "Second", at=NOW - timedelta(minutes=30))
    write(world, child, "Third", at=NOW - timedelta(minutes=20))
    assert "2 new notes" in caseload_cell(client.get("/").text, child)
    # A colleague who never looked sees every note as new.
    other = client.application.test_client()
    sign_in(other, colleague)
    assert "3 new notes" in caseload_cell(other.get("/").text, child)

    # Reading marks the notes seen; an amendment afterwards is new again.
    page = client.get(f"/children/{child.id}/notes").text
    assert page.count('govuk-tag--blue">New') == 2
    (first, *_rest) = notes()
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        services.amend_note(
            first,
            by=world.staff,
            category=NoteCategory.HEALTH,
            text="Corrected",
            reason="Wrong category",
            now=NOW + timedelta(minutes=5),
        )
        db.session().commit()
        assert "1 new note" in caseload_cell(client.get("/").text, child)


def test_a_note_no_page_showed_stays_new_whatever_time_it_bears(client, world):
    # What an officer has read is the notes a page showed them, one by one: not a time, and not
    # every note older than the newest they saw.
    child = held_child(world)
    client.application.config["PAGE_SIZE"] = 1
    write(world, child, "Oldest", at=NOW - timedelta(hours=3))
    write(world, child, "Newest", at=NOW - timedelta(hours=2))
    sign_in(client, world.officer)
    client.get(f"/children/{child.id}")  # the chronology shows only the newest entry
    write(world, child, "Written meanwhile", at=NOW - timedelta(hours=1))
    assert "2 new notes" in caseload_cell(client.get("/").text, child)
    # Reading an older page of notes later reads that note only.
    page = client.get(f"/children/{child.id}/notes", query_string={"page": 3}).text
    assert "Oldest" in page
    assert "1 new note" in caseload_cell(client.get("/").text, child)
    client.get(f"/children/{child.id}/notes")
    assert "new note" not in caseload_cell(client.get("/").text, child)


def test_opening_the_childs_page_does_not_read_the_notes_it_does_not_show(app, world):
    child = held_child(world)
    write(world, child, "Settled on the wing", at=NOW - timedelta(hours=2))
    write(world, child, "Phoned his nan", at=NOW - timedelta(hours=1))
    officer, colleague = app.test_client(), app.test_client()
    sign_in(officer, world.officer)
    sign_in(colleague, create_user(world.yot, name="Colleague"))
    # The chronology open at placements only: the latest notes are listed, but not read.
    page = officer.get(f"/children/{child.id}", query_string={"kind": "placement"}).text
    assert page.count('govuk-tag--blue">New') == 2
    assert "2 new notes" in caseload_cell(officer.get("/").text, child)
    # Opening one note reads it, for this officer only.
    (first, second) = notes()
    officer.get(f"/notes/{second.id}")
    assert "1 new note" in caseload_cell(officer.get("/").text, child)
    assert "2 new notes" in caseload_cell(colleague.get("/").text, child)
    # The chronology showing the other reads it too.
    officer.get(f"/children/{child.id}", query_string={"kind": "note"})
    assert "new note" not in caseload_cell(officer.get("/").text, child)
    assert "2 new notes" in caseload_cell(colleague.get("/").text, child)


def test_reading_notes_already_read_writes_nothing_about_them(client, world):
    child = held_child(world)
    write(world, child, at=NOW - timedelta(hours=1))
    sign_in(client, world.officer)
    writes = []

    def capture(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO CUSTODY_NOTE_READ"):
            writes.append(statement)

    sa.event.listen(db.engine(), "before_cursor_execute", capture)
    try:
        client.get(f"/children/{child.id}")
        assert len(writes) == 1
        client.get(f"/children/{child.id}")
        client.get(f"/children/{child.id}/notes")
        assert len(writes) == 1
        write(world, child, "Later", at=NOW)
        client.get(f"/children/{child.id}")
        assert len(writes) == 2
    finally:
        sa.event.remove(db.engine(), "before_cursor_execute", capture)
    assert "new note" not in caseload_cell(client.get("/").text, child)


# Amending


def test_an_amendment_keeps_the_original_and_says_who_changed_what_when_and_why(client, world):
    child = held_child(world)
    note = write(world, child, at=NOW - timedelta(hours=1))
    colleague = create_user(world.yoi, name="Night Manager")
    sign_in(client, colleague)
    page = client.get(f"/notes/{note.id}").text
    assert f"/notes/{note.id}/amend" in page
    form = client.get(f"/notes/{note.id}/amend").text
    assert TEXT in form

    response = client.post(
        f"/notes/{note.id}/amend",
        data={
            "category": "DAILY_WELFARE",
            "text": TEXT.replace("key worker", "personal officer"),
            "reason": "Named the wrong member of staff",
        },
    )
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    assert db.session().get(CustodyWelfareNote, note.id).text == TEXT  # the original, untouched
    (amendment,) = db.session().exec(select(NoteAmendment)).all()
    assert (amendment.amended_by_id, amendment.amended_at) == (colleague.id, NOW)

    page = client.get(response.location).text
    soup = BeautifulSoup(page, "html5lib")
    assert soup.select_one("#original-text").get_text(strip=True) == TEXT
    amendments = soup.select_one("#amendment-list").get_text(" ")
    assert "personal officer" in amendments
    assert "Night Manager, Ashgrove YOI" in amendments
    assert "Reason: Named the wrong member of staff" in amendments
    assert "25 November 2026 at 12pm" in amendments

    # Everyone else reads the note as it now reads, and sees both in the chronology.
    officer = client.application.test_client()
    sign_in(officer, world.officer)
    child_page = officer.get(f"/children/{child.id}").text
    latest = child_page.split('id="latest-notes"', 1)[1].split("</ul>", 1)[0]
    assert "personal officer" in latest and "Amended 25 November 2026 at 12pm" in latest
    assert timeline_titles(child_page)[:2] == [
        "Custody welfare note amended: Daily welfare",
        "Custody welfare note: Daily welfare",
    ]
    assert [e.object_id for e in audited("custody_note_amended")] == [note.id]


def test_the_database_refuses_to_change_a_note_or_an_amendment(world):
    child = held_child(world)
    note = write(world, child)
    services.amend_note(
        note, by=world.staff, category=note.category, text="New", reason="Typo", now=NOW
    )
    db.session().commit()
    for statement in (
        "UPDATE custody_welfare_note SET text = 'x'",
        "UPDATE custody_welfare_note_amendment SET text = 'x'",
    ):
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            db.engine().begin() as connection,
        ):
            connection.execute(sa.text(statement))
    assert notes()[0].text == TEXT


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reason": "  "}, "Enter why the note is being amended"),
        ({"text": ""}, "Enter the note as it should read"),
        ({"text": TEXT}, "Change the note&#39;s category or text, or go back without amending"),
        ({"category": ""}, "Select what the note is about"),
        ({"reason": "x" * 501}, "The reason must be 500 characters or fewer"),
    ],
)
def test_an_amendment_must_change_something_and_say_why(client, world, changes, message):
    child = held_child(world)
    note = write(world, child)
    sign_in(client, world.staff)
    data = {"category": "DAILY_WELFARE", "text": "Corrected text", "reason": "Typo"}
    data.update(changes)
    response = client.post(f"/notes/{note.id}/amend", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text
    assert count(NoteAmendment) == 0


def test_another_agency_cannot_amend_a_note_and_nothing_changes(client, world):
    child = held_child(world)
    note = write(world, child)
    # The child moves to Cedar Lodge, whose staff can now read the note but not amend it.
    staff = client.application.test_client()
    sign_in(staff, world.staff)
    response = staff.post(
        f"/children/{child.id}/transfer",
        data={
            "destination": str(world.other_yoi.id),
            "on_date": ["25", "11", "2026"],
            "at_time": "11:30",
        },
    )
    assert response.status_code in (302, 303), response.text
    sign_in(client, world.other_staff)
    page = client.get(f"/notes/{note.id}").text
    assert TEXT in page and f"/notes/{note.id}/amend" not in page
    assert client.get(f"/notes/{note.id}/amend").status_code == 404
    data = {"category": "OTHER", "text": "Rewritten", "reason": "Because"}
    assert client.post(f"/notes/{note.id}/amend", data=data).status_code == 404
    denied = [e for e in audited("access_denied") if e.user_id == world.other_staff.id]
    assert [(e.object_type, e.object_id) for e in denied] == [("custody_welfare_note", note.id)] * 2
    with pytest.raises(services.CustodyError, match="Only Ashgrove YOI, who wrote this note"):
        services.amend_note(
            note, by=world.other_staff, category=NoteCategory.OTHER, text="x", reason="y", now=NOW
        )
    # The author's establishment no longer holds the child, so it cannot amend either.
    assert staff.get(f"/notes/{note.id}/amend").status_code == 404
    with pytest.raises(services.CustodyError, match="Only the establishment holding Jordan Ellis"):
        services.amend_note(
            note, by=world.staff, category=NoteCategory.OTHER, text="x", reason="y", now=NOW
        )
    db.session().rollback()
    assert count(NoteAmendment) == 0 and notes()[0].text == TEXT


# Bad input


@pytest.mark.parametrize(
    "data, message",
    [
        ({"category": "HEALTH", "text": "   "}, "Enter the note"),
        ({"text": "Something"}, "Select what the note is about"),
        ({"category": "GOSSIP", "text": "Something"}, "Select one of the options"),
        ({"category": "HEALTH", "text": "x" * 5001}, "The note must be 5000 characters or fewer"),
    ],
)
def test_a_note_must_have_a_category_and_text(client, world, data, message):
    child = held_child(world)
    sign_in(client, world.staff)
    response = client.post(f"/children/{child.id}/notes/new", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert "<title>Error: " in response.text
    assert count(CustodyWelfareNote) == 0


def test_notes_are_only_for_children_the_establishment_holds_now(client, world):
    released = create_child(world.area)
    create_placement(
        released,
        world.yoi,
        admitted_at=NOW - timedelta(days=9),
        left_at=NOW - timedelta(days=1),
        leaving_reason=LeavingReason.RELEASE,
    )
    elsewhere = held_child(world, establishment=world.other_yoi)
    sign_in(client, world.staff)
    # A child the establishment held reads as before, but takes no new notes.
    assert client.get(f"/children/{released.id}").status_code == 200
    assert f"/children/{released.id}/notes/new" not in client.get(f"/children/{released.id}").text
    for child in (released, elsewhere):
        assert client.get(f"/children/{child.id}/notes/new").status_code == 404
        response = client.post(
            f"/children/{child.id}/notes/new", data={"category": "HEALTH", "text": "Hello"}
        )
        assert response.status_code == 404
        with pytest.raises(services.CustodyError, match="Only the establishment holding"):
            services.write_note(
                child, by=world.staff, category=NoteCategory.HEALTH, text="Hello", now=NOW
            )
        db.session().rollback()
    assert count(CustodyWelfareNote) == 0


# Who sees what


@pytest.mark.parametrize("who", ["other_staff", "other_officer", "other_acpc_member"])
def test_another_establishment_or_area_sees_no_note(client, world, who):
    child = held_child(world)
    note = write(world, child)
    sign_in(client, getattr(world, who))
    assert client.get(f"/notes/{note.id}").status_code == 404
    assert client.get(f"/children/{child.id}/notes").status_code == 404
    assert TEXT not in client.get("/").text


def test_the_yot_and_acpc_read_notes_but_write_none(client, world):
    child = held_child(world)
    note = write(world, child)
    for user in (world.officer, world.acpc_member):
        reader = client.application.test_client()
        sign_in(reader, user)
        assert TEXT in reader.get(f"/children/{child.id}/notes").text
        assert TEXT in reader.get(f"/notes/{note.id}").text
        assert reader.get(f"/children/{child.id}/notes/new").status_code == 403
        assert reader.post(f"/notes/{note.id}/amend", data={}).status_code == 403
    sign_in(client, world.admin)
    assert client.get(f"/notes/{note.id}").status_code == 403
    assert len(audited("custody_note_viewed")) == 2
    assert len(audited("custody_notes_viewed")) == 2
    assert client.get("/notes/999").status_code == 403


def test_a_note_that_does_not_exist_is_not_found(client, world):
    sign_in(client, world.staff)
    assert client.get("/notes/999").status_code == 404
    assert client.get("/notes/999/amend").status_code == 404


# Demo data


def test_demo_data_has_custody_welfare_records_made_through_the_services(app):
    from yoi_welfare.demo import load_demo_data
    from yoi_welfare.reviews.models import PlacementReview, ReviewKind
    from yoi_welfare.self_harm.models import CaseReview, FlagState, SelfHarmFlag

    load_demo_data("demo-password-2026")
    db.session().commit()
    assert count(CustodyWelfareNote) >= 5
    assert count(NoteAmendment) == 1
    flags = list(db.session().exec(select(SelfHarmFlag)))
    assert {flag.state for flag in flags} == {FlagState.OPEN, FlagState.CLOSED}
    assert count(CaseReview) == 3
    (review,) = db.session().exec(select(PlacementReview)).all()
    assert review.kind is ReviewKind.LAC_REVIEW and review.next_review_due is not None
    before = {model: count(model) for model in (CustodyWelfareNote, SelfHarmFlag, PlacementReview)}
    load_demo_data("demo-password-2026")
    assert {model: count(model) for model in before} == before
