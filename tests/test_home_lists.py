"""The lists of children held, most urgent first: an establishment's and a YOT's caseload."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from tests.factories import World, create_action, create_child, create_placement, sign_in
from tests.test_screenings import statements_for
from yoi_welfare import db
from yoi_welfare.alerts.models import Alert, AlertCode
from yoi_welfare.self_harm.models import ObservationLevel, RiskLevel, SelfHarmFlag

# Wednesday 25 November 2026, 10:00 UK time (GMT).
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def held(world, family_name: str, establishment=None):
    child = create_child(world.area, given_name="Kid", family_name=family_name)
    create_placement(child, establishment or world.yoi, admitted_at=NOW - timedelta(days=5))
    return child


def flag(world, child, risk: RiskLevel, observation=ObservationLevel.EVERY_15_MINUTES):
    db.session().add(
        SelfHarmFlag(
            young_person_id=child.id,
            concern="Said he would hurt himself",
            risk_level=risk,
            observation_level=observation,
            opened_at=NOW - timedelta(hours=5),
            opened_by_id=world.staff.id,
            opened_establishment_id=world.yoi.id,
            reviewed_establishment_id=world.yoi.id,
            next_review_due=NOW + timedelta(hours=20),
        )
    )
    db.session().commit()


def mixed_children(world):
    """One child of each kind of urgency, named so that name order is the reverse."""
    rest = held(world, "Adams")
    today = held(world, "Baker")
    create_action(today, world.yoi, due_at=NOW + timedelta(hours=6))  # 4pm today
    create_action(today, world.yoi, due_at=NOW + timedelta(days=1))  # tomorrow
    one_overdue = held(world, "Clark")
    create_action(one_overdue, world.yoi, due_at=NOW - timedelta(hours=1))
    two_overdue = held(world, "Davis")
    create_action(two_overdue, world.yot, due_at=NOW - timedelta(days=1))
    create_action(two_overdue, world.yoi, due_at=NOW - timedelta(hours=2))
    raised = held(world, "Evans")
    flag(world, raised, RiskLevel.RAISED)
    low = held(world, "Ford")
    flag(world, low, RiskLevel.LOW)
    high = held(world, "Grant")
    flag(world, high, RiskLevel.HIGH, ObservationLevel.CONSTANT_WATCH)
    db.session().add(
        Alert(
            young_person_id=high.id,
            code=AlertCode.TONIGHT,
            description="Said he would kill himself tonight",
            active_from=NOW,
            raised_by_id=world.officer.id,
        )
    )
    db.session().commit()
    return {"rest": rest, "today": today, "high": high}


def rows(response) -> list[list[str]]:
    table = BeautifulSoup(response.text, "html5lib").find(id="children-held")
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]
        for row in table.tbody.find_all("tr")
    ]


def names(response) -> list[str]:
    return [row[0].split()[1] for row in rows(response)]


URGENT_FIRST = ["Grant", "Evans", "Davis", "Clark", "Baker", "Adams", "Ford"]


@pytest.mark.parametrize("who", ["staff", "officer"])
def test_the_children_held_are_listed_most_urgent_first(client, world, who):
    mixed_children(world)
    held(world, "Zed", world.other_yoi)  # held elsewhere: on the YOT's list only
    sign_in(client, getattr(world, who))
    response = client.get("/")
    expected = URGENT_FIRST + (["Zed"] if who == "officer" else [])
    # High risk, raised risk, the most overdue, overdue, due today, then the rest by name (a
    # flag at low risk is not urgent in itself).
    assert names(response) == expected
    by_name = client.get("/?sort=name")
    assert names(by_name) == sorted(expected)
    grant = rows(response)[0]
    if who == "staff":
        assert grant[1:] == [
            "Must know tonight : Said he would kill himself tonight",
            "No screening",
            "High risk Observations: constant watch",
            "26 November 2026 at 6am",
            "0",
        ]
    baker = next(row for row in rows(response) if "Baker" in row[0])
    assert baker[-1] == "0 1 due today"


def test_the_establishments_list_is_a_fixed_number_of_queries_however_long(app, client, world):
    sign_in(client, world.staff)

    def statements_for_home_page() -> int:
        return statements_for(client, "/")

    mixed_children(world)
    small = statements_for_home_page()
    for n in range(30):
        child = held(world, f"More{n:02d}")
        flag(world, child, list(RiskLevel)[n % 3])
        create_action(child, world.yoi, due_at=NOW - timedelta(hours=n + 1))
        db.session().add(
            Alert(
                young_person_id=child.id,
                code=AlertCode.HEALTH,
                description="Asthma",
                active_from=NOW,
                raised_by_id=world.officer.id,
            )
        )
    db.session().commit()
    assert statements_for_home_page() == small
    assert len(names(client.get("/"))) == 25


# A manager's home


def test_a_managers_home_leads_with_the_agencys_late_work(client, world):
    from tests.factories import create_user
    from yoi_welfare.escalations.services import scan

    manager = create_user(world.yoi, is_manager=True, name="Ian Manager")
    first = held(world, "Adams")
    second = held(world, "Baker")
    create_action(first, world.yoi, due_at=NOW - timedelta(days=7), title="Old action")
    create_action(
        first, world.yoi, due_at=NOW - timedelta(hours=1), kind="first_case_review", title="CR"
    )
    create_action(second, world.yoi, due_at=NOW - timedelta(hours=2), title="Recent")
    create_action(second, world.yoi, due_at=NOW + timedelta(hours=2), title="Not yet due")
    create_action(second, world.yot, due_at=NOW - timedelta(days=2), title="The YOT's")
    create_action(
        second,
        world.yoi,
        due_at=NOW + timedelta(days=2),
        title="Northmoor ACPC asks you to act",
        source_type="escalation_response",
        source_id=1,
    )
    scan(NOW)
    db.session().commit()
    sign_in(client, manager)
    soup = BeautifulSoup(client.get("/").text, "html5lib")
    summary = soup.select_one("#manager-summary")
    links = {" ".join(a.get_text().split()): a["href"] for a in summary.select("a")}
    assert links["3 open escalations"] == "/escalations"
    assert links["3 overdue actions"] == "/actions?status=overdue"
    assert links["Added by hand: 2"] == "/actions?status=overdue&kind=manual"
    assert links["Kid Adams: 2"] == f"/children/{first.id}#welfare-actions"
    assert links["Kid Baker: 1"] == f"/children/{second.id}#welfare-actions"
    assert "Northmoor ACPC asks you to act" in summary.select_one("#acpc-requests").get_text()
    # Staff who are not managers see none of it.
    other = client.application.test_client()
    sign_in(other, world.staff)
    assert 'id="manager-summary"' not in other.get("/").text
