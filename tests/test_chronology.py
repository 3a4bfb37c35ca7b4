"""The child's chronology: one timeline, newest first, of what every agency recorded."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import World, create_action, create_child, create_placement, sign_in
from yoi_welfare.people.models import LeavingReason

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    world = World()
    world.child = create_child(world.area, given_name="Jordan", family_name="Ellis")
    create_placement(
        world.child,
        world.other_yoi,
        admitted_at=T0,
        left_at=T0 + timedelta(days=3),
        leaving_reason=LeavingReason.TRANSFER,
    )
    create_placement(world.child, world.yoi, admitted_at=T0 + timedelta(days=3))
    create_action(
        world.child,
        world.yoi,
        due_at=T0 + timedelta(days=5),
        title="Case review",
        created_at=T0 + timedelta(days=4),
        completed_at=T0 + timedelta(days=6),
    )
    return world


def timeline(response) -> list[str]:
    html = response.text.split('id="chronology-entries"', 1)[1]
    return [
        part.split("</h3>", 1)[0].strip()
        for part in html.split('<h3 class="moj-timeline__title">')[1:]
    ]


def test_chronology_lists_every_agencys_records_newest_first(client, world):
    sign_in(client, world.officer)
    titles = timeline(client.get(f"/children/{world.child.id}"))
    assert titles == [
        "Action completed: Case review",
        "Action set: Case review",
        "Admitted to Ashgrove YOI",
        "Transferred from Cedar Lodge STC",
        "Admitted to Cedar Lodge STC",
    ]


def test_chronology_filters_by_kind(client, world):
    sign_in(client, world.staff)
    titles = timeline(client.get(f"/children/{world.child.id}?kind=action"))
    assert titles == ["Action completed: Case review", "Action set: Case review"]
    everything = timeline(client.get(f"/children/{world.child.id}?kind=nonsense"))
    assert len(everything) == 5


def test_chronology_is_paginated(app, client, world):
    app.config["PAGE_SIZE"] = 2
    sign_in(client, world.officer)
    assert len(timeline(client.get(f"/children/{world.child.id}"))) == 2
    assert timeline(client.get(f"/children/{world.child.id}?page=3")) == [
        "Admitted to Cedar Lodge STC"
    ]
