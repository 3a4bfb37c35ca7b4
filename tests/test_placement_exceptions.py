"""Whom an establishment holds, and children placed outside it by a recorded exception."""

import html
import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from tests.factories import (
    World,
    create_agency,
    create_child,
    create_placement,
    create_user,
    sign_in,
)
from tests.pages import field_error
from yoi_welfare import db
from yoi_welfare.agencies.models import Agency, AgencyKind
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.governance.subject_access import gather, to_json
from yoi_welfare.notifications.models import Delivery
from yoi_welfare.outbox.models import OutboundEmail
from yoi_welfare.people.models import Placement, PlacementException, Sex

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GIRL_OF_12 = {"sex": Sex.FEMALE, "date_of_birth": date(2014, 6, 1)}
WHY = "No secure children's home or STC bed anywhere tonight; court ordered detention"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    world = World()
    # Managers who chose to be emailed each notice at once: an exception can wait for the digest.
    at_once = {"is_manager": True, "routine_notices": Delivery.IMMEDIATE}
    world.yoi_manager = create_user(world.yoi, email="m@ashgrove.example.org", **at_once)
    world.yot_manager = create_user(world.yot, email="m@yot.example.org", **at_once)
    world.other_yot_manager = create_user(
        world.other_yot, email="m@riverside.example.org", **at_once
    )
    return world


def admission(child, **changes) -> dict:
    born = child.date_of_birth
    data = {
        "home_area": str(child.home_area_id),
        "local_reference": child.local_reference,
        "date_of_birth": [str(born.day), str(born.month), str(born.year)],
        "on_date": ["25", "11", "2026"],
        "at_time": "09:15",
    }
    data.update(changes)
    return data


def placements(child) -> list[Placement]:
    db.session().expire_all()
    return list(
        db.session().exec(
            select(Placement).where(Placement.young_person_id == child.id).order_by(Placement.id)
        )
    )


def mail_about(child) -> list[OutboundEmail]:
    return list(
        db.session().exec(
            select(OutboundEmail)
            .where(OutboundEmail.cause_type == "placement_exception")
            .order_by(OutboundEmail.to_address)
        )
    )


def test_a_girl_of_12_is_admitted_to_a_yoi_only_by_an_exception_the_managers_are_told_of(
    app, client, world
):
    child = create_child(world.area, **GIRL_OF_12)
    sign_in(client, world.staff)
    form = client.get("/admissions/new").text
    assert 'name="exception_reason"' not in form  # asked only when needed

    response = client.post("/admissions/new", data=admission(child))
    assert field_error(response.text, "exception_reason") == (
        "Error: Ashgrove YOI holds boys aged 15 to 17, and this child is a girl and aged 12. "
        "To place them there all the same, enter why: this records a placement exception, "
        "and the managers are told"
    )
    assert 'name="exception_reason"' in response.text
    assert placements(child) == [] and mail_about(child) == []

    response = client.post("/admissions/new", data=admission(child, exception_reason=WHY))
    assert response.status_code in (302, 303), response.text
    [placement] = placements(child)
    exception = db.session().exec(select(PlacementException)).one()
    assert (exception.placement_id, exception.reason, exception.outside) == (
        placement.id,
        WHY,
        "Ashgrove YOI holds boys aged 15 to 17; the child was a girl and aged 12",
    )
    # The establishment's managers and the child's YOT's, at once; not another area's.
    emails = mail_about(child)
    assert [email.to_address for email in emails] == ["m@ashgrove.example.org", "m@yot.example.org"]
    assert all(child.local_reference in email.subject for email in emails)
    assert all(
        WHY not in email.body_text and child.given_name not in email.body_text for email in emails
    )

    # Shown where the child is now and in the placement history, to the YOT as well.
    officer = app.test_client()
    sign_in(officer, world.officer)
    page = html.unescape(officer.get(f"/children/{child.id}").text)
    now_section = BeautifulSoup(page, "html.parser").select_one("#current-placement-exception")
    assert WHY in now_section.get_text()
    history = page.split('id="placement-history"', 1)[1].split("</table>", 1)[0]
    assert "Placement exception" in history and WHY in history
    # And in what a subject access request gives the child.
    exported = json.loads(to_json(gather(child, "The young person", NOW)))
    [kept] = exported["placements"][0]["exceptions"]
    assert kept["fields"]["reason"] == WHY


def test_managers_list_the_exceptions_they_are_told_of(app, client, world):
    child = create_child(world.area, **GIRL_OF_12)
    sign_in(client, world.staff)
    client.post("/admissions/new", data=admission(child, exception_reason=WHY))
    for manager in (world.yoi_manager, world.yot_manager):
        reader = app.test_client()
        sign_in(reader, manager)
        page = html.unescape(reader.get("/placement-exceptions").text)
        assert "1 placement exception" in page and child.full_name in page and WHY in page
    # Another area's YOT manager is not told, and sees nothing of the child.
    other = app.test_client()
    sign_in(other, world.other_yot_manager)
    page = other.get("/placement-exceptions").text
    assert "0 placement exceptions" in page and child.full_name not in page
    # Staff who are not managers are not given the list.
    assert client.get("/placement-exceptions").status_code == 403


def test_a_transfer_outside_whom_the_receiving_establishment_holds_needs_an_exception(
    client, world
):
    # A girl of 15 at Cedar Lodge STC is moved to Ashgrove YOI, which holds boys only.
    child = create_child(world.area, sex=Sex.FEMALE, date_of_birth=date(2011, 1, 5))
    create_placement(child, world.other_yoi, admitted_at=datetime(2026, 11, 20, tzinfo=UTC))
    sign_in(client, world.other_staff)
    moving = {"destination": str(world.yoi.id), "on_date": ["25", "11", "2026"], "at_time": "10:00"}
    response = client.post(f"/children/{child.id}/transfer", data=moving)
    assert field_error(response.text, "exception_reason").startswith(
        "Error: Ashgrove YOI holds boys aged 15 to 17, and this child is a girl."
    )
    assert [p.left_at for p in placements(child)] == [None]
    response = client.post(
        f"/children/{child.id}/transfer", data={**moving, "exception_reason": WHY}
    )
    assert response.status_code in (302, 303), response.text
    _first, second = placements(child)
    exception = db.session().exec(select(PlacementException)).one()
    assert (exception.placement_id, exception.establishment_id) == (second.id, world.yoi.id)


def test_a_child_within_whom_the_establishment_holds_needs_no_exception(client, world):
    child = create_child(world.area)  # a boy of 16
    sign_in(client, world.staff)
    response = client.post("/admissions/new", data=admission(child))
    assert response.status_code in (302, 303), response.text
    assert db.session().exec(select(PlacementException)).all() == []


def test_administrators_change_whom_an_establishment_holds(app, client, world):
    sign_in(client, world.admin)
    index = html.unescape(client.get("/admin/").text)
    assert "Boys aged 15 to 17" in index and "Girls and boys aged 12 to 17" in index
    path = f"/admin/establishments/{world.yoi.id}/holds"
    page = client.get(path).text
    assert 'value="15"' in page and 'value="17"' in page

    response = client.post(path, data={"youngest": "15", "oldest": "17"})
    assert field_error(response.text, "sexes") == "Error: Select boys, girls or both"
    response = client.post(path, data={"sexes": ["boys"], "youngest": "16", "oldest": "15"})
    assert field_error(response.text, "oldest") == (
        "Error: The oldest age must be the same as the youngest age or more"
    )
    response = client.post(path, data={"sexes": ["boys"], "youngest": "9", "oldest": "x"})
    assert field_error(response.text, "youngest") == (
        "Error: The youngest age must be between 10 and 21"
    )
    assert field_error(response.text, "oldest") == "Error: Oldest age must be a whole number"

    response = client.post(
        path, data={"sexes": ["boys", "girls"], "youngest": "12", "oldest": "17"}
    )
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    assert db.session().get(Agency, world.yoi.id).holds.describe() == "girls and boys aged 12 to 17"
    event = (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "agency_holds_changed"))
        .one()
    )
    assert event.detail == "from boys aged 15 to 17 to girls and boys aged 12 to 17"

    # Now the same girl is admitted without an exception.
    child = create_child(world.area, **GIRL_OF_12)
    staff = app.test_client()
    sign_in(staff, world.staff)
    response = staff.post("/admissions/new", data=admission(child))
    assert response.status_code in (302, 303), response.text

    # Only establishments hold children, and only administrators say whom.
    assert client.get(f"/admin/establishments/{world.yot.id}/holds").status_code == 404
    assert staff.get(path).status_code == 403


def test_a_new_establishment_starts_with_its_kinds_default(client, world):
    sign_in(client, world.admin)
    response = client.post(
        "/admin/agencies/new",
        data={"code": "OAK", "name": "Oakfield Secure Home", "kind": "SCH", "area": ""},
    )
    assert response.status_code in (302, 303), response.text
    home = db.session().exec(select(Agency).where(Agency.code == "OAK")).one()
    assert (home.holds_boys, home.holds_girls, home.holds_youngest, home.holds_oldest) == (
        True,
        True,
        10,
        17,
    )
    assert create_agency(AgencyKind.YOI).holds.describe() == "boys aged 15 to 17"
