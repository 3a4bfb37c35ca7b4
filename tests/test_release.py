"""Leaving custody: why and where to, and a death in custody that is never a routine release."""

import email
import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from tests.pages import field_error
from yoi_welfare import db
from yoi_welfare.outbox.services import FileTransport, deliver_due
from yoi_welfare.people.models import Placement, ReleaseDestination, ReleaseReason

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    world = World()
    world.yot_manager = create_user(world.yot, is_manager=True, email="m@yot.example.org")
    world.other_yot_manager = create_user(world.other_yot, is_manager=True, email="m@riv.org")
    world.acpc_member.email = "member@acpc.example.org"
    db.session().add(world.acpc_member)
    db.session().commit()
    return world


def held_child(world):
    child = create_child(world.area)
    create_placement(child, world.yoi, admitted_at=NOW - timedelta(days=10))
    return child


def placement_of(child) -> Placement:
    db.session().expire_all()
    return db.session().exec(select(Placement).where(Placement.young_person_id == child.id)).one()


WHEN = {"on_date": ["25", "11", "2026"], "at_time": "11:00"}


def test_a_release_says_why_and_where_the_child_went(client, world):
    child = held_child(world)
    sign_in(client, world.staff)
    response = client.post(f"/children/{child.id}/release", data=WHEN)
    assert field_error(response.text, "reason") == (
        "Error: Select why the child is leaving custody"
    )
    response = client.post(f"/children/{child.id}/release", data={**WHEN, "reason": "BAIL"})
    assert field_error(response.text, "destination") == "Error: Select where the child went"
    assert 'value="BAIL" checked' in response.text  # the answer is kept
    assert placement_of(child).left_at is None

    response = client.post(
        f"/children/{child.id}/release",
        data={**WHEN, "reason": "HOSPITAL", "destination": "OTHER"},
    )
    assert response.status_code in (302, 303), response.text
    placement = placement_of(child)
    assert (placement.release_reason, placement.release_destination) == (
        ReleaseReason.HOSPITAL,
        ReleaseDestination.OTHER,
    )
    page = html.unescape(client.get(f"/children/{child.id}").text)
    history = page.split('id="placement-history"', 1)[1].split("</table>", 1)[0]
    assert "Released: moved to hospital under the mental health act" in history
    assert "Went to: somewhere else" in history


def test_a_death_in_custody_is_told_at_once_to_the_yot_managers_and_the_acpc(
    app, client, world, tmp_path
):
    child = held_child(world)
    sign_in(client, world.staff)
    response = client.post(
        f"/children/{child.id}/release", data={**WHEN, "reason": "DEATH_IN_CUSTODY"}
    )
    assert response.status_code in (302, 303), response.text
    page = html.unescape(client.get(response.location).text)
    assert "death in custody has been recorded" in page
    assert "Not in custody" not in page
    where = BeautifulSoup(page, "html.parser").select_one("#current-placement").get_text()
    assert where == "Died in custody at Ashgrove YOI on 25 November 2026 at 11am."
    history = page.split('id="placement-history"', 1)[1].split("</table>", 1)[0]
    assert "Died in custody" in history and "Released" not in history
    assert "Died in custody at Ashgrove YOI" in page.split('id="chronology"', 1)[1]
    placement = placement_of(child)
    assert (placement.release_reason, placement.release_destination) == (
        ReleaseReason.DEATH_IN_CUSTODY,
        None,
    )

    # Through the real outbox: delivered as mail to the YOT's managers and the ACPC's members.
    db.commit()
    result = deliver_due(FileTransport(tmp_path), "service@example.org", now=NOW)
    assert result.sent == 2
    messages = [email.message_from_bytes(p.read_bytes()) for p in tmp_path.glob("*.eml")]
    assert sorted(m["To"] for m in messages) == ["m@yot.example.org", "member@acpc.example.org"]
    for message in messages:
        assert message["Subject"] == f"Death in custody: {child.initials} {child.local_reference}"
        body = message.get_payload()
        assert child.given_name not in body and f"/children/{child.id}" in body
