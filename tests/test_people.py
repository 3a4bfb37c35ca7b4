"""Registering a child, and admitting, transferring and releasing them."""

import html
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlmodel import func, select

from tests.factories import (
    World,
    create_action,
    create_agency,
    create_area,
    create_child,
    create_placement,
    create_sharing_agreement,
    create_user,
    sign_in,
)
from tests.pages import field_error
from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import AgencyKind
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.escalations.models import Escalation
from yoi_welfare.escalations.services import scan
from yoi_welfare.notifications.models import Delivery, Notification
from yoi_welfare.people.models import LeavingReason, LegalStatus, Placement, YoungPerson

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# Why a child leaves custody and where they go, as the release form asks.
RELEASED = {"reason": "BAIL", "destination": "HOME"}
# Why a move is recorded more than a day after it happened.
PAPER = "Recorded on paper at the time"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def child_form(world, **changes):
    data = {
        "given_name": "Jordan",
        "family_name": "Ellis",
        "date_of_birth": ["14", "3", "2010"],
        "sex": "MALE",
        "ethnicity": "White",
        "local_reference": "nth-0042",
        "pnc_number": "",
        "home_area": str(world.area.id),
        "legal_status": "REMAND",
        "looked_after": "yes",
        "child_protection_plan": "no",
    }
    data.update(changes)
    return data


def count_children() -> int:
    return db.session().exec(select(func.count()).select_from(YoungPerson)).one()


def test_officer_registers_a_child(client, world):
    sign_in(client, world.officer)
    response = client.post("/children/new", data=child_form(world, pnc_number="2024/0123456x"))
    assert response.status_code in (302, 303)
    page = client.get(response.location)
    assert "Jordan Ellis" in page.text
    assert "Jordan Ellis has been registered" in page.text
    child = db.session().exec(select(YoungPerson)).one()
    assert child.local_reference == "NTH-0042"
    assert child.pnc_number == "2024/0123456X"
    assert child.date_of_birth == date(2010, 3, 14)
    assert child.looked_after and not child.child_protection_plan
    assert child.created_by_id == world.officer.id


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"date_of_birth": ["1", "1", "2027"]}, "Date of birth must be in the past"),
        ({"date_of_birth": ["31", "2", "2010"]}, "Date of birth must be a real date"),
        ({"date_of_birth": ["", "2", "2010"]}, "Date of birth must include a day, month and year"),
        ({"date_of_birth": ["aa", "bb", "cccc"]}, "Date of birth must be a real date"),
        ({"date_of_birth": ["", "", ""]}, "Enter a date of birth"),
        ({"date_of_birth": ["1", "1", "2023"]}, "at least 10 years ago"),
        ({"given_name": "x" * 101}, "Given name must be 100 characters or fewer"),
        ({"given_name": "   "}, "Enter the child&#39;s given name"),
        ({"family_name": ""}, "Enter the child&#39;s family name"),
        ({"sex": ""}, "Select the child&#39;s sex"),
        ({"sex": "UNICORN"}, "Select one of the options"),
        ({"ethnicity": ""}, "Select the child&#39;s ethnicity"),
        ({"legal_status": ""}, "Select the child&#39;s legal status"),
        ({"looked_after": ""}, "Select yes if the child is looked after"),
        ({"local_reference": "a b c"}, "Local reference must only include letters"),
        ({"local_reference": "A" * 31}, "Local reference must be 30 characters or fewer"),
        ({"pnc_number": "not-a-pnc"}, "Enter a PNC number in the format"),
        ({"home_area": ""}, "Select the child&#39;s home area"),
    ],
)
def test_register_child_validation(client, world, changes, message):
    sign_in(client, world.officer)
    response = client.post("/children/new", data=child_form(world, **changes))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert response.text.count("<title>Error: ") == 1
    assert count_children() == 0


def test_a_post_that_omits_the_date_boxes_is_an_error_not_a_crash(client, world):
    sign_in(client, world.officer)
    data = child_form(world)
    data["date_of_birth"] = ["14"]
    response = client.post("/children/new", data=data)
    assert response.status_code == 200
    assert "Date of birth must include a day, month and year" in response.text


def test_local_reference_is_unique_in_an_area(client, world):
    create_child(world.area, local_reference="NTH-0042")
    sign_in(client, world.officer)
    response = client.post("/children/new", data=child_form(world))
    assert "already registered in this area" in response.text
    assert count_children() == 1


def test_establishment_staff_cannot_register_children(client, world):
    sign_in(client, world.staff)
    assert client.get("/children/new").status_code == 403


def admission_form(child, **changes):
    data = {
        "home_area": str(child.home_area_id),
        "local_reference": child.local_reference.lower(),
        "date_of_birth": [
            str(child.date_of_birth.day),
            str(child.date_of_birth.month),
            str(child.date_of_birth.year),
        ],
        "on_date": ["25", "11", "2026"],
        "at_time": "09:15",
    }
    data.update(changes)
    return data


def placements(child) -> list[Placement]:
    db.session().expire_all()
    return list(
        db.session().exec(
            select(Placement)
            .where(Placement.young_person_id == child.id)
            .order_by(Placement.admitted_at)
        )
    )


def test_staff_admit_transfer_and_release_a_child_keeping_the_history(client, world):
    child = create_child(world.area)
    sign_in(client, world.staff)
    response = client.post("/admissions/new", data=admission_form(child))
    assert response.status_code in (302, 303), response.text
    page = client.get(response.location).text
    assert "Held at <strong>Ashgrove YOI</strong> since 25 November 2026 at 9:15am" in page

    response = client.post(
        f"/children/{child.id}/transfer",
        data={
            "destination": str(world.other_yoi.id),
            "on_date": ["25", "11", "2026"],
            "at_time": "11:00",
        },
    )
    assert response.status_code in (302, 303), response.text
    sign_in(client_for_other := client.application.test_client(), world.other_staff)
    page = client_for_other.get(f"/children/{child.id}").text
    assert "Held at <strong>Cedar Lodge STC</strong>" in page
    response = client_for_other.post(
        f"/children/{child.id}/release",
        data={**RELEASED, "on_date": ["25", "11", "2026"], "at_time": "11:45"},
    )
    assert response.status_code in (302, 303), response.text
    history = placements(child)
    assert [(p.establishment_id, p.leaving_reason) for p in history] == [
        (world.yoi.id, LeavingReason.TRANSFER),
        (world.other_yoi.id, LeavingReason.RELEASE),
    ]
    assert history[0].left_at == history[1].admitted_at
    page = client_for_other.get(f"/children/{child.id}").text
    assert "Not in custody." in page
    history_table = page.split('id="placement-history"', 1)[1].split("</table>", 1)[0]
    assert history_table.count("Transferred") == 1 and history_table.count("Released") == 1


def test_no_child_is_moved_to_an_establishment_that_could_not_see_their_record(app, client, world):
    # Willow Hill has signed no agreement for Northmoor: its staff could not open the child's
    # page, and the child's deadlines and flags would be owned by people who cannot read them.
    outside = create_agency(AgencyKind.YOI, name="Willow Hill YOI")
    outside_staff = create_user(outside)
    child = create_child(world.area)
    create_placement(child, world.yoi, admitted_at=NOW - timedelta(days=3))
    sign_in(client, world.staff)
    form = client.get(f"/children/{child.id}/transfer").text
    assert "Willow Hill YOI" not in form and world.other_yoi.name in form
    response = client.post(
        f"/children/{child.id}/transfer",
        data={"destination": str(outside.id), "on_date": ["25", "11", "2026"], "at_time": "11:00"},
    )
    assert response.status_code == 200
    assert "Select an option from the list" in response.text
    # The service refuses it too, whatever a form sends.
    from yoi_welfare.people import services as people

    with pytest.raises(people.PeopleError) as refused:
        people.transfer(world.staff, child, outside, NOW, NOW)
    assert refused.value.message == (
        "Willow Hill YOI is not a party to a sharing agreement in force for Northmoor, so it "
        "could not see this child's record. An administrator must add it to Northmoor's "
        "agreement first"
    )
    db.session().rollback()
    assert [(p.establishment_id, p.left_at) for p in placements(child)] == [(world.yoi.id, None)]

    other = create_child(world.area)
    admitting = app.test_client()
    sign_in(admitting, outside_staff)
    response = admitting.post("/admissions/new", data=admission_form(other))
    assert response.status_code == 200
    assert "Your establishment is not a party to a sharing agreement in force for Northmoor" in (
        html.unescape(response.text)
    )
    assert placements(other) == []

    # Once it signs the area's agreement, the same transfer goes through.
    create_sharing_agreement(world.area, [outside], title="Willow Hill protocol")
    response = client.post(
        f"/children/{child.id}/transfer",
        data={"destination": str(outside.id), "on_date": ["25", "11", "2026"], "at_time": "11:00"},
    )
    assert response.status_code in (302, 303), response.text


def in_caseload(client, child) -> bool:
    return f'href="/children/{child.id}"' in client.get("/").text


def flag_of(child) -> bool:
    db.session().rollback()
    return db.session().exec(select(YoungPerson.in_custody).where(YoungPerson.id == child.id)).one()


def test_the_yots_caseload_follows_admission_transfer_and_release(client, world):
    # The caseload reads the children held now from a flag the database keeps from the
    # placements: whichever way a placement is written, the flag and the caseload follow it.
    child = create_child(world.area)
    yot = client.application.test_client()
    sign_in(yot, world.officer)
    assert (flag_of(child), in_caseload(yot, child)) == (False, False)
    sign_in(client, world.staff)
    client.post("/admissions/new", data=admission_form(child))
    assert (flag_of(child), in_caseload(yot, child)) == (True, True)
    when = {"on_date": ["25", "11", "2026"], "at_time": "11:00"}
    client.post(
        f"/children/{child.id}/transfer", data={"destination": str(world.other_yoi.id), **when}
    )
    assert (flag_of(child), in_caseload(yot, child)) == (True, True)
    sign_in(other := client.application.test_client(), world.other_staff)
    response = other.post(
        f"/children/{child.id}/release", data={**RELEASED, **when, "at_time": "11:45"}
    )
    assert response.status_code in (302, 303), response.text
    assert (flag_of(child), in_caseload(yot, child)) == (False, False)
    # Written by other means than the services: a placement inserted, then deleted.
    placement = create_placement(child, world.yoi)
    assert (flag_of(child), in_caseload(yot, child)) == (True, True)
    db.session().delete(db.session().get(Placement, placement.id))
    db.session().commit()
    assert (flag_of(child), in_caseload(yot, child)) == (False, False)


def test_admission_needs_all_three_identifiers_to_match(client, world):
    child = create_child(world.area)
    sign_in(client, world.staff)
    response = client.post(
        "/admissions/new", data=admission_form(child, date_of_birth=["1", "1", "2009"])
    )
    assert "No registered child matches" in response.text
    assert placements(child) == []


def test_cannot_admit_a_child_held_elsewhere(client, world):
    child = create_child(world.area)
    create_placement(child, world.other_yoi)
    sign_in(client, world.staff)
    response = client.post("/admissions/new", data=admission_form(child))
    assert "held at another establishment" in response.text
    assert len(placements(child)) == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"on_date": ["26", "11", "2026"]}, "must not be in the future"),
        ({"at_time": "25:00"}, "Enter a time such as 14:30"),
        ({"at_time": ""}, "Enter the time"),
        ({"on_date": ["", "", ""]}, "Enter the date of admission"),
        ({"home_area": "abc"}, "Select an option from the list"),
    ],
)
def test_admission_validation(client, world, changes, message):
    child = create_child(world.area)
    sign_in(client, world.staff)
    response = client.post("/admissions/new", data=admission_form(child, **changes))
    assert message in response.text
    assert placements(child) == []


def test_a_move_cannot_be_dated_before_the_last_one(client, world):
    child = create_child(world.area)
    create_placement(child, world.yoi, admitted_at=NOW - timedelta(hours=2))
    sign_in(client, world.staff)
    response = client.post(
        f"/children/{child.id}/release",
        data={**RELEASED, "on_date": ["24", "11", "2026"], "at_time": "10:00"},
    )
    assert "after the child&#39;s last recorded move" in response.text
    assert placements(child)[0].left_at is None


def test_an_admission_before_the_child_was_born_is_refused_on_the_date(client, world):
    child = create_child(world.area, date_of_birth=date(2010, 3, 14))
    sign_in(client, world.staff)
    response = client.post(
        "/admissions/new",
        data=admission_form(child, on_date=["14", "3", "2005"], late_reason="Paper record"),
    )
    assert "The date must be after the child's date of birth" in field_error(
        response.text, "on_date"
    )
    # The answers are kept for the user to fix.
    assert 'value="2005"' in response.text and "Paper record" in response.text
    assert placements(child) == []


def test_no_child_is_held_before_their_tenth_birthday(client, world):
    child = create_child(world.area, date_of_birth=date(2016, 6, 1))
    sign_in(client, world.staff)
    # A child of 10 is held in a YOI only by a placement exception.
    late = {"late_reason": "Recorded on paper", "exception_reason": "No other bed"}
    response = client.post(
        "/admissions/new", data=admission_form(child, on_date=["31", "5", "2026"], **late)
    )
    assert field_error(response.text, "on_date") == (
        "Error: The date must be on or after the child's 10th birthday: "
        "no child under 10 can be held in custody"
    )
    assert placements(child) == []
    response = client.post(
        "/admissions/new", data=admission_form(child, on_date=["1", "6", "2026"], **late)
    )
    assert response.status_code in (302, 303), response.text


def test_a_move_recorded_more_than_a_day_late_says_why_in_the_history(client, world):
    child = create_child(world.area)
    sign_in(client, world.staff)
    three_days_ago = {"on_date": ["22", "11", "2026"], "at_time": "09:15"}
    response = client.post("/admissions/new", data=admission_form(child, **three_days_ago))
    assert field_error(response.text, "late_reason") == (
        "Error: Enter why this is recorded more than 24 hours after it happened"
    )
    assert placements(child) == []
    # A day ago to the minute is not late.
    response = client.post(
        "/admissions/new", data=admission_form(child, on_date=["24", "11", "2026"], at_time="12:00")
    )
    assert response.status_code in (302, 303), response.text
    assert placements(child)[0].admission_late_reason is None
    # A reason given for a move that is not late is not kept as one.
    response = client.post(
        f"/children/{child.id}/release",
        data={
            **RELEASED,
            "on_date": ["24", "11", "2026"],
            "at_time": "12:30",
            "late_reason": "Not late",
        },
    )
    assert response.status_code in (302, 303), response.text
    assert placements(child)[0].leaving_late_reason is None

    other = create_child(world.area)
    response = client.post(
        "/admissions/new",
        data=admission_form(other, **three_days_ago, late_reason="Reception's computer was down"),
    )
    assert response.status_code in (302, 303), response.text
    response = client.post(
        f"/children/{other.id}/transfer",
        data={
            "destination": str(world.other_yoi.id),
            "on_date": ["23", "11", "2026"],
            "at_time": "10:00",
        },
    )
    assert field_error(response.text, "late_reason").endswith("24 hours after it happened")
    assert placements(other)[0].left_at is None
    response = client.post(
        f"/children/{other.id}/transfer",
        data={
            "destination": str(world.other_yoi.id),
            "on_date": ["23", "11", "2026"],
            "at_time": "10:00",
            "late_reason": "Escort's paperwork arrived today",
        },
    )
    assert response.status_code in (302, 303), response.text
    first, second = placements(other)
    assert (
        first.leaving_late_reason
        == second.admission_late_reason
        == ("Escort's paperwork arrived today")
    )
    sign_in(receiving := client.application.test_client(), world.other_staff)
    page = html.unescape(receiving.get(f"/children/{other.id}").text)
    history = page.split('id="placement-history"', 1)[1].split("</table>", 1)[0]
    assert "Recorded late: Reception's computer was down" in history
    assert history.count("Recorded late: Escort's paperwork arrived today") == 2


def test_search_is_paginated(client, world, app):
    app.config["PAGE_SIZE"] = 5
    for n in range(12):
        create_child(world.area, family_name=f"Pager{n:02d}")
    sign_in(client, world.officer)
    first = client.get("/children?q=pager").text
    assert "12 children matching" in first
    assert "Pager00" in first and "Pager05" not in first
    third = client.get("/children?q=pager&page=3").text
    assert "Pager10" in third and "Pager11" in third and "Pager00" not in third
    assert client.get("/children?page=banana").status_code == 200


def test_release_cancels_the_establishments_open_actions_and_their_escalations(client, world):
    child = create_child(world.area)
    create_placement(child, world.yoi, admitted_at=NOW - timedelta(days=5))
    overdue = create_action(child, world.yoi, due_at=NOW - timedelta(days=1), title="Case review")
    later = create_action(child, world.yoi, due_at=NOW + timedelta(days=3), title="Keyworker")
    yots = create_action(child, world.yot, due_at=NOW + timedelta(days=3), title="YOT visit")
    scan(NOW)
    db.session().commit()
    assert db.session().exec(select(Escalation).where(Escalation.action_id == overdue.id)).all()

    sign_in(client, world.staff)
    response = client.post(
        f"/children/{child.id}/release",
        data={**RELEASED, "on_date": ["25", "11", "2026"], "at_time": "11:45"},
    )
    assert response.status_code in (302, 303), response.text

    db.session().expire_all()
    for action in (overdue, later):
        action = db.session().get(WelfareAction, action.id)
        assert action.cancelled_at is not None
        assert action.cancellation_reason == (
            "The child was released from Ashgrove YOI on 25 November 2026"
        )
    assert db.session().get(WelfareAction, yots.id).is_open  # the YOT's work goes on
    (escalation,) = (
        db.session().exec(select(Escalation).where(Escalation.action_id == overdue.id)).all()
    )
    assert escalation.resolved_at is not None


# Correcting a child's details


def registered(client, world, **changes) -> YoungPerson:
    response = client.post("/children/new", data=child_form(world, **changes))
    assert response.status_code in (302, 303), response.text
    return db.session().exec(select(YoungPerson).order_by(YoungPerson.id.desc())).first()


def change_form(client, child, **changes) -> dict:
    """What the change page posts: the details as they are, with ``changes``, and the page's
    record of the details it read."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(f"/children/{child.id}/details").text, "html5lib")
    born = child.date_of_birth
    data = {
        "given_name": page.find(attrs={"name": "given_name"})["value"],
        "family_name": page.find(attrs={"name": "family_name"})["value"],
        "date_of_birth": [box["value"] for box in page.find_all(attrs={"name": "date_of_birth"})]
        or [str(born.day), str(born.month), str(born.year)],
        "sex": page.find(attrs={"name": "sex", "checked": True})["value"],
        "ethnicity": page.find("select", attrs={"name": "ethnicity"}).find("option", selected=True)[
            "value"
        ],
        "local_reference": page.find(attrs={"name": "local_reference"})["value"],
        "pnc_number": page.find(attrs={"name": "pnc_number"}).get("value", ""),
        "legal_status": page.find(attrs={"name": "legal_status", "checked": True})["value"],
        "looked_after": page.find(attrs={"name": "looked_after", "checked": True})["value"],
        "child_protection_plan": page.find(
            attrs={"name": "child_protection_plan", "checked": True}
        )["value"],
        "seen": page.find(attrs={"name": "seen"})["value"],
    }
    data.update(changes)
    return data


def test_the_childs_yot_corrects_their_details_and_the_change_is_audited(app, client, world):
    sign_in(client, world.officer)
    child = registered(client, world, date_of_birth=["14", "3", "2011"])  # a typo: 2010
    assert f"/children/{child.id}/details" in client.get(f"/children/{child.id}").text

    unchanged = change_form(client, child)
    assert unchanged["date_of_birth"] == ["14", "03", "2011"]
    assert (unchanged["legal_status"], unchanged["looked_after"]) == ("REMAND", "yes")
    response = client.post(
        f"/children/{child.id}/details",
        data={
            **unchanged,
            "date_of_birth": ["14", "3", "2010"],
            "legal_status": "DTO",
            "status_change": "corrected",
        },
    )
    assert response.location == f"/children/{child.id}", response.text
    page = html.unescape(client.get(response.location).text)
    assert "Jordan Ellis's date of birth and legal status changed" in page
    db.session().expire_all()
    child = db.session().get(YoungPerson, child.id)
    assert child.date_of_birth == date(2010, 3, 14)
    assert child.legal_status is LegalStatus.DTO
    events = (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "child_details_changed"))
        .all()
    )
    assert [(e.young_person_id, e.user_id, e.detail) for e in events] == [
        (child.id, world.officer.id, "date of birth, legal status")
    ]

    # With the date of birth right, the establishment's reception finds the child.
    staff = app.test_client()
    sign_in(staff, world.staff)
    response = staff.post(
        "/admissions/new",
        data=admission_form(child, date_of_birth=["14", "3", "2010"]),
    )
    assert response.status_code in (302, 303), response.text


def test_a_change_with_a_problem_saves_nothing_and_says_what(client, world):
    sign_in(client, world.officer)
    child = registered(client, world)
    registered(client, world, given_name="Ava", local_reference="nth-0043")
    for changes, message in (
        ({"given_name": "  "}, "Enter the child's given name"),
        ({"local_reference": "NTH-0043"}, "Another child in this area has this local reference"),
    ):
        response = client.post(
            f"/children/{child.id}/details", data=change_form(client, child, **changes)
        )
        assert response.status_code == 200
        assert message in html.unescape(response.text)
    db.session().expire_all()
    assert db.session().get(YoungPerson, child.id).given_name == "Jordan"


def test_a_grown_up_childs_old_record_can_still_be_corrected(client, world):
    sign_in(client, world.officer)
    child = registered(client, world)
    child.date_of_birth = date(2001, 3, 14)  # registered years ago
    db.session().add(child)
    db.session().commit()
    response = client.post(
        f"/children/{child.id}/details", data=change_form(client, child, given_name="Jordon")
    )
    assert response.location == f"/children/{child.id}", response.text
    page = html.unescape(client.get(f"/children/{child.id}/details").text)
    assert (
        page.index('name="given_name"')
        < page.index('name="date_of_birth"')
        < page.index('name="sex"')
    )


def test_a_change_from_a_page_read_before_someone_elses_is_refused(client, world):
    from yoi_welfare.people import services

    sign_in(client, world.officer)
    child = registered(client, world)
    stale = change_form(client, child, family_name="Elliss")
    services.change_child(
        world.officer, child, seen=services.details_fingerprint(child), child_protection_plan=True
    )
    db.session().commit()
    response = client.post(f"/children/{child.id}/details", data=stale)
    assert response.location == f"/children/{child.id}/details"
    page = html.unescape(client.get(response.location).text)
    assert "Someone else changed this child's details while you were editing" in page
    db.session().expire_all()
    kept = db.session().get(YoungPerson, child.id)
    assert (kept.family_name, kept.child_protection_plan) == ("Ellis", True)


def test_only_the_childs_own_yot_changes_their_details(app, client, world):
    sign_in(client, world.officer)
    child = registered(client, world)
    create_placement(child, world.yoi, admitted_at=NOW - timedelta(days=1))
    for user, status in ((world.staff, 403), (world.other_officer, 404)):
        other = app.test_client()
        sign_in(other, user)
        assert other.get(f"/children/{child.id}/details").status_code == status
        assert f"/children/{child.id}/details" not in other.get(f"/children/{child.id}").text


def admission_deadlines(child) -> list[tuple[str, str, datetime | None, int | None]]:
    """The child's first LAC review and initial planning meeting: kind, state, due, source."""
    db.session().expire_all()
    rows = db.session().exec(
        select(WelfareAction)
        .where(
            WelfareAction.young_person_id == child.id,
            WelfareAction.kind.in_(["first_lac_review", "initial_planning_meeting"]),
        )
        .order_by(WelfareAction.id)
    )
    return [
        (
            a.kind,
            "cancelled" if a.cancelled_at else "completed" if a.completed_at else "open",
            a.due_at.replace(tzinfo=UTC) if a.due_at.tzinfo is None else a.due_at,
            a.source_id,
        )
        for a in rows
    ]


def test_a_corrected_legal_status_moves_the_deadlines_the_admission_set(app, client, world):
    # Admitted as remanded on Wednesday 18 November, then moved; the YOT finds it was a sentence.
    child = create_child(world.area, legal_status=LegalStatus.REMAND)
    staff = app.test_client()
    sign_in(staff, world.staff)
    response = staff.post(
        "/admissions/new",
        data=admission_form(child, on_date=["18", "11", "2026"], late_reason=PAPER),
    )
    assert response.status_code in (302, 303), response.text
    response = staff.post(
        f"/children/{child.id}/transfer",
        data={
            "destination": str(world.other_yoi.id),
            "on_date": ["20", "11", "2026"],
            "at_time": "10:00",
            "late_reason": PAPER,
        },
    )
    assert response.status_code in (302, 303), response.text
    admission = placements(child)[0]
    first_lac = datetime(2026, 12, 16, 9, 15, tzinfo=UTC)  # 20 working days on
    assert admission_deadlines(child) == [("first_lac_review", "open", first_lac, admission.id)]

    sign_in(client, world.officer)
    # Saying neither why nor how it moved saves nothing.
    response = client.post(
        f"/children/{child.id}/details", data=change_form(client, child, legal_status="DTO")
    )
    assert response.status_code == 200
    assert (
        "Select whether the legal status was recorded wrongly or the child's status has changed"
        in html.unescape(response.text)
    )
    assert db.session().get(YoungPerson, child.id).legal_status is LegalStatus.REMAND
    response = client.post(
        f"/children/{child.id}/details",
        data=change_form(client, child, legal_status="DTO", status_change="corrected"),
    )
    assert response.location == f"/children/{child.id}", response.text
    page = html.unescape(client.get(response.location).text)
    assert (
        "The admission's deadlines now fit the legal status: First LAC review cancelled and "
        "Initial planning meeting due 2 December 2026 at 9:15am." in page
    )
    planning = datetime(2026, 12, 2, 9, 15, tzinfo=UTC)  # 10 working days on
    assert admission_deadlines(child) == [
        ("first_lac_review", "cancelled", first_lac, admission.id),
        ("initial_planning_meeting", "open", planning, admission.id),
    ]
    cancelled = (
        db.session()
        .exec(select(WelfareAction).where(WelfareAction.kind == "first_lac_review"))
        .one()
    )
    assert cancelled.cancellation_reason == (
        "No longer applies: the child's legal status was corrected on 25 November 2026"
    )
    assert cancelled.cancelled_by_id == world.officer.id
    # The child's page lists the meeting among the open actions.
    assert "Initial planning meeting" in page.split('id="open-actions"', 1)[1].split("</table>")[0]

    # One sentence for another moves nothing; back to remand makes the LAC review again.
    client.post(
        f"/children/{child.id}/details", data=change_form(client, child, legal_status="S250")
    )
    assert len(admission_deadlines(child)) == 2
    client.post(
        f"/children/{child.id}/details",
        data=change_form(client, child, legal_status="REMAND", status_change="corrected"),
    )
    assert admission_deadlines(child) == [
        ("first_lac_review", "cancelled", first_lac, admission.id),
        ("initial_planning_meeting", "cancelled", planning, admission.id),
        ("first_lac_review", "open", first_lac, admission.id),
    ]


def test_a_legal_status_corrected_out_of_custody_moves_no_deadline(app, client, world):
    child = create_child(world.area, legal_status=LegalStatus.REMAND, looked_after=True)
    create_placement(
        child,
        world.yoi,
        admitted_at=NOW - timedelta(days=40),
        left_at=NOW - timedelta(days=2),
        leaving_reason=LeavingReason.RELEASE,
    )
    create_action(child, world.yot, kind="first_lac_review")
    sign_in(client, world.officer)
    response = client.post(
        f"/children/{child.id}/details",
        data=change_form(
            client, child, legal_status="DTO", looked_after="no", status_change="changed"
        ),
    )
    assert response.location == f"/children/{child.id}", response.text
    page = html.unescape(client.get(response.location).text)
    assert f"{child.full_name}'s legal status and looked-after status changed" in page
    assert "The admission's deadlines" not in page
    assert [state for _kind, state, _due, _source in admission_deadlines(child)] == ["open"]


def test_a_remanded_child_sentenced_has_the_planning_meeting_counted_from_the_sentence(
    app, client, world
):
    child = create_child(world.area, legal_status=LegalStatus.REMAND, looked_after=True)
    staff = app.test_client()
    sign_in(staff, world.staff)
    response = staff.post(
        "/admissions/new", data=admission_form(child, on_date=["2", "9", "2026"], late_reason=PAPER)
    )
    assert response.status_code in (302, 303), response.text
    admission = placements(child)[0]
    assert [(kind, state) for kind, state, _due, _src in admission_deadlines(child)] == [
        ("first_lac_review", "open")
    ]

    sign_in(client, world.officer)
    response = client.post(
        f"/children/{child.id}/details",
        data=change_form(client, child, legal_status="DTO", status_change="changed"),
    )
    assert response.location == f"/children/{child.id}", response.text
    page = html.unescape(client.get(response.location).text)
    # Ten working days from today, not from an admission twelve weeks ago.
    assert "Initial planning meeting due 9 December 2026 at 12pm." in page
    first_lac = admission_deadlines(child)[0][2]
    assert admission_deadlines(child) == [
        ("first_lac_review", "cancelled", first_lac, admission.id),
        ("initial_planning_meeting", "open", datetime(2026, 12, 9, 12, tzinfo=UTC), admission.id),
    ]
    reason = (
        db.session()
        .exec(
            select(WelfareAction.cancellation_reason).where(
                WelfareAction.kind == "first_lac_review"
            )
        )
        .one()
    )
    assert reason == "No longer applies: the child's legal status changed on 25 November 2026"


def test_an_admission_no_team_could_follow_up_is_refused_with_a_message(client, world):
    # An area whose YOT has gone: no one could own the screening the admission makes due.
    eastfield = create_area("Eastfield", "EST")
    create_sharing_agreement(eastfield, [world.yoi])
    child = create_child(eastfield)
    sign_in(client, world.staff)
    response = client.post("/admissions/new", data=admission_form(child))
    assert response.status_code == 200
    assert "The child's home area has no youth offending team to own the action" in (
        html.unescape(response.text)
    )
    assert placements(child) == []


def test_the_movement_forms_start_at_the_uk_date_after_midnight_in_summer(client, world):
    # 00:30 on 2 July in the UK is still 1 July on a server clock that keeps UTC.
    child = create_child(world.area)
    create_placement(child, world.yoi, admitted_at=datetime(2026, 6, 1, 9, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), tick=False):
        sign_in(client, world.staff)
        for path in (
            "/admissions/new",
            f"/children/{child.id}/transfer",
            f"/children/{child.id}/release",
        ):
            page = client.get(path).text
            assert 'id="on_date-day" name="on_date" type="text" value="02"' in page, path
            assert 'id="on_date-month" name="on_date" type="text" value="07"' in page, path


def _admission_mail() -> list:
    from yoi_welfare.outbox.models import OutboundEmail

    db.session().expire_all()
    return list(
        db.session().exec(select(OutboundEmail).where(OutboundEmail.cause_type == "placement"))
    )


def test_the_childs_yot_managers_hear_of_every_admission(client, world):
    # One chose each notice at once; the other has it in the morning's digest.
    manager = create_user(world.yot, is_manager=True, routine_notices=Delivery.IMMEDIATE)
    digest_reader = create_user(world.yot, is_manager=True)
    child = create_child(world.area, given_name="Jordan", family_name="Ellis")  # registered now
    sign_in(client, world.staff)
    assert client.post("/admissions/new", data=admission_form(child)).status_code in (302, 303)
    [email] = _admission_mail()
    assert email.to_address == manager.email
    assert email.subject.startswith("Child admitted: JE ")
    assert "Ashgrove YOI has admitted a child of your area" in email.body_text
    assert "Jordan" not in email.body_text
    waiting = (
        db.session()
        .exec(select(Notification).where(Notification.user_id == digest_reader.id))
        .one()
    )
    assert waiting.digest_due and waiting.subject == "Child admitted"
    confirm = [a for a in actions_of_kind(child, "manual") if a.title.startswith("Confirm")]
    assert confirm == []  # registered by the YOT this month: expected


def test_an_admission_the_yot_did_not_expect_is_listed_for_it_to_confirm(client, world):
    manager = create_user(world.yot, is_manager=True, routine_notices=Delivery.IMMEDIATE)
    child = create_child(world.area, given_name="Jordan", family_name="Ellis")
    child.created_at = NOW - timedelta(days=400)
    db.session().add(child)
    create_placement(
        child,
        world.other_yoi,
        admitted_at=NOW - timedelta(days=300),
        left_at=NOW - timedelta(days=200),
    )
    sign_in(client, world.staff)
    assert client.post("/admissions/new", data=admission_form(child)).status_code in (302, 303)
    [email] = _admission_mail()
    assert email.to_address == manager.email
    assert email.subject.startswith("Child admitted, not expected: please confirm")
    [confirm] = actions_of_kind(child, "manual")
    assert confirm.owner_agency_id == world.yot.id
    assert confirm.title.startswith("Confirm that Ashgrove YOI should hold this child")
    officer = client.application.test_client()
    sign_in(officer, world.officer)
    assert "Confirm that Ashgrove YOI should hold this child" in officer.get("/actions").text


def actions_of_kind(child, kind: str) -> list[WelfareAction]:
    db.session().expire_all()
    return list(
        db.session().exec(
            select(WelfareAction).where(
                WelfareAction.young_person_id == child.id, WelfareAction.kind == kind
            )
        )
    )
