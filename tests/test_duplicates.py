"""Possible duplicates before registering or admitting a child: what the user is shown, what
they decide, and that another area's child is never revealed."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import func, select

from tests.factories import World, create_child, create_placement, sign_in
from tests.test_people import admission_form, child_form
from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.people.models import DuplicateDismissal, Placement, YoungPerson

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
KAI = {"given_name": "Kai", "family_name": "Khan", "date_of_birth": date(2011, 9, 25)}
KAI_TYPED_AGAIN = {
    "given_name": "kai",
    "family_name": "KHAN",
    "date_of_birth": ["25", "9", "2011"],
    "local_reference": "NTH-9999",
}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def children() -> int:
    return db.session().exec(select(func.count()).select_from(YoungPerson)).one()


def asked(page: str) -> dict:
    """The question on the page: each radio's value and label, and the fingerprint to send."""
    soup = BeautifulSoup(page, "html.parser")
    radios = {
        radio["value"]: " ".join(soup.select_one(f'label[for="{radio["id"]}"]').get_text().split())
        for radio in soup.select('input[name="duplicate_choice"]')
    }
    checked = soup.select_one('input[name="duplicates_checked"]')
    return {"choices": radios, "checked": checked["value"] if checked else ""}


def audited(action: str) -> list[AuditEvent]:
    return list(db.session().exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_registering_a_child_again_asks_first_and_leads_to_the_existing_record(client, world):
    kai = create_child(world.area, local_reference="NTH-0001", **KAI)
    sign_in(client, world.officer)
    page = client.post("/children/new", data=child_form(world, **KAI_TYPED_AGAIN)).text
    assert "This child may be recorded already" in page
    question = asked(page)
    assert question["choices"] == {
        str(kai.id): "Yes, this is Kai Khan, born 25 September 2011, reference NTH-0001",
        "different": "No, this is a different child",
    }
    assert children() == 1

    response = client.post(
        "/children/new",
        data=child_form(
            world,
            **KAI_TYPED_AGAIN,
            duplicate_choice=str(kai.id),
            duplicates_checked=question["checked"],
        ),
    )
    assert response.location == f"/children/{kai.id}"
    assert (
        "No new record was made: Kai Khan is registered already"
        in client.get(response.location).text
    )
    assert children() == 1
    assert [e.young_person_id for e in audited("possible_duplicate_chosen")] == [kai.id]


def test_a_different_child_is_registered_with_the_reason_kept_and_audited(client, world):
    kai = create_child(world.area, local_reference="NTH-0001", **KAI)
    sign_in(client, world.officer)
    checked = asked(client.post("/children/new", data=child_form(world, **KAI_TYPED_AGAIN)).text)
    form = child_form(
        world,
        **KAI_TYPED_AGAIN,
        duplicate_choice="different",
        duplicates_checked=checked["checked"],
    )
    page = client.post("/children/new", data=form).text
    assert "Enter why this is a different child" in page
    assert children() == 1

    response = client.post(
        "/children/new", data={**form, "different_reason": "Twin brother, born the same day"}
    )
    assert response.status_code in (302, 303)
    new = db.session().exec(select(YoungPerson).where(YoungPerson.id != kai.id)).one()
    dismissal = db.session().exec(select(DuplicateDismissal)).one()
    assert (dismissal.young_person_id, dismissal.other_young_person_id) == (new.id, kai.id)
    assert dismissal.reason == "Twin brother, born the same day"
    assert dismissal.dismissed_by_id == world.officer.id
    [event] = audited("possible_duplicate_dismissed")
    assert (event.young_person_id, event.object_id) == (new.id, dismissal.id)
    assert "Twin" not in (event.detail or "")  # the reason is kept, not in the audit trail


def test_changed_details_ask_again(client, world):
    create_child(world.area, local_reference="NTH-0001", **KAI)
    create_child(
        world.area,
        local_reference="NTH-0002",
        given_name="Kai",
        family_name="Kahn",
        date_of_birth=date(2011, 9, 26),
    )
    sign_in(client, world.officer)
    checked = asked(client.post("/children/new", data=child_form(world, **KAI_TYPED_AGAIN)).text)
    page = client.post(
        "/children/new",
        data=child_form(
            world,
            **{**KAI_TYPED_AGAIN, "date_of_birth": ["26", "9", "2011"]},
            duplicate_choice="different",
            different_reason="Not him",
            duplicates_checked=checked["checked"],
        ),
    ).text
    assert "This child may be recorded already" in page
    assert "NTH-0002" in page and "NTH-0001" not in page
    assert children() == 2


def test_a_match_in_another_area_is_only_said_to_exist(client, world):
    hidden = create_child(
        world.other_area,
        local_reference="RIV-0777",
        given_name="Tariq",
        family_name="Osei",
        date_of_birth=date(2010, 2, 3),
        pnc_number="2023/0004567Q",
    )
    sign_in(client, world.officer)
    page = client.post("/children/new", data=child_form(world, pnc_number="23/4567q")).text
    assert "A possible match is recorded elsewhere; ask an administrator." in page
    for revealing in (
        "Tariq",
        "Osei",
        "RIV-0777",
        "Riverside",
        "2023/0004567Q",
        "3 February 2010",
        f"/children/{hidden.id}",
    ):
        assert revealing not in page
    question = asked(page)
    assert list(question["choices"]) == ["different"]
    response = client.post(
        "/children/new",
        data=child_form(
            world,
            pnc_number="23/4567q",
            duplicate_choice=str(hidden.id),  # guessed: not a choice offered
            duplicates_checked=question["checked"],
        ),
    )
    assert response.status_code == 200
    assert "Select one of the children shown" in response.text
    assert "Tariq" not in response.text
    assert children() == 1


def test_admitting_asks_about_a_possible_duplicate_once(client, world):
    child = create_child(world.area, local_reference="NTH-0001", **KAI)
    create_child(
        world.other_area,
        local_reference="RIV-0001",
        given_name="Kai",
        family_name="Khan",
        date_of_birth=date(2011, 9, 25),
    )
    sign_in(client, world.staff)
    page = client.post("/admissions/new", data=admission_form(child)).text
    assert "A possible match is recorded elsewhere; ask an administrator." in page
    assert "RIV-0001" not in page
    question = asked(page)
    assert question["choices"] == {
        "different": "No, they are different children: admit Kai Khan, born 25 September 2011, "
        "reference NTH-0001"
    }
    response = client.post(
        "/admissions/new",
        data=admission_form(
            child,
            duplicate_choice="different",
            different_reason="Checked with both YOTs",
            duplicates_checked=question["checked"],
        ),
    )
    assert response.location == f"/children/{child.id}"
    assert db.session().exec(select(DuplicateDismissal)).one().young_person_id == child.id

    # Released and admitted again: the pair was told apart, so nothing is asked.
    placement = db.session().exec(select(Placement)).one()
    placement.left_at = NOW - timedelta(minutes=30)
    db.session().add(placement)
    db.session().commit()
    response = client.post("/admissions/new", data=admission_form(child, at_time="11:45"))
    assert response.status_code in (302, 303), response.text


def test_admitting_offers_a_match_the_establishment_has_held(client, world):
    held_before = create_child(world.area, local_reference="NTH-0001", **KAI)
    create_placement(
        held_before,
        world.yoi,
        admitted_at=NOW - timedelta(days=90),
        left_at=NOW - timedelta(days=60),
    )
    again = create_child(
        world.area,
        local_reference="NTH-0002",
        given_name="Kai",
        family_name="Kahn",
        date_of_birth=date(2011, 9, 25),
    )
    sign_in(client, world.staff)
    question = asked(client.post("/admissions/new", data=admission_form(again)).text)
    assert question["choices"][str(held_before.id)] == (
        "Yes: admit Kai Khan, born 25 September 2011, reference NTH-0001"
    )
    response = client.post(
        "/admissions/new",
        data=admission_form(
            again, duplicate_choice=str(held_before.id), duplicates_checked=question["checked"]
        ),
    )
    assert response.location == f"/children/{held_before.id}"
    current = db.session().exec(select(Placement).where(Placement.left_at.is_(None))).one()
    assert current.young_person_id == held_before.id
