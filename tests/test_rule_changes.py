"""Timescale rules have bounds, and a longer rule waits for a second administrator."""

from datetime import UTC, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from tests.factories import World, create_user, sign_in
from yoi_welfare import db
from yoi_welfare.accounts.models import Role
from yoi_welfare.actions.models import TimescaleRule
from yoi_welfare.approvals.models import Approval, ApprovalState
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.domain.rule_bounds import bounds_for, exceeded, lengthens
from yoi_welfare.domain.timescales import Unit

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    world = World()
    world.second_admin = create_user(world.yot, Role.ADMINISTRATOR, name="Second Administrator")
    return world


def rule(key: str) -> TimescaleRule:
    db.session().rollback()
    db.session().expire_all()
    return db.session().exec(select(TimescaleRule).where(TimescaleRule.key == key)).one()


def edit(client, current: TimescaleRule, due: tuple | None, grace: tuple):
    data = {
        "acpc_grace_offset": str(grace[0]),
        "acpc_grace_unit": grace[1],
        "version_id": str(current.version_id),
    }
    if due is not None:
        data.update(due_offset=str(due[0]), due_unit=due[1])
    return client.post(f"/admin/timescales/{current.id}/edit", data=data)


def error_summary(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html5lib")
    return [" ".join(a.get_text().split()) for a in soup.select(".govuk-error-summary__list a")]


# The rules on their own


def test_periods_in_different_units_are_compared_by_their_length():
    assert lengthens((1, Unit.HOURS), (2, Unit.HOURS))
    assert lengthens((1, Unit.WORKING_DAYS), (2, Unit.CALENDAR_DAYS))
    assert not lengthens((1, Unit.WORKING_DAYS), (24, Unit.HOURS))
    assert not lengthens(None, (3, Unit.MONTHS))


def test_every_rule_stops_at_a_year_acct_steps_at_72_hours_and_the_law_at_its_figure():
    assert exceeded(12, Unit.MONTHS, bounds_for("welfare_screening_due")) is None
    assert exceeded(13, Unit.MONTHS, bounds_for("welfare_screening_due")).text == "a year"
    assert exceeded(72, Unit.HOURS, bounds_for("immediate_action_plan")) is None
    assert exceeded(4, Unit.CALENDAR_DAYS, bounds_for("immediate_action_plan")).text == ("72 hours")
    assert exceeded(20, Unit.WORKING_DAYS, bounds_for("first_lac_review")) is None
    assert exceeded(21, Unit.WORKING_DAYS, bounds_for("first_lac_review")).text == (
        "20 working days"
    )
    assert exceeded(400, Unit.CALENDAR_DAYS, bounds_for("immediate_action_plan", grace=True))


# Through the pages


@pytest.mark.parametrize(
    "key, due, grace, message",
    [
        (
            "welfare_screening_due",
            (13, "MONTHS"),
            (2, "WORKING_DAYS"),
            "Due period must be no longer than a year: no deadline is set further ahead than that",
        ),
        (
            "immediate_action_plan",
            (73, "HOURS"),
            (12, "HOURS"),
            "Due period must be no longer than 72 hours: ACCT (PSI 64/2011) counts this step in "
            "hours",
        ),
        (
            "immediate_action_plan",
            (1, "HOURS"),
            (1000, "MONTHS"),
            "ACPC grace period must be no longer than a year",
        ),
        (
            "first_lac_review",
            (25, "WORKING_DAYS"),
            (2, "WORKING_DAYS"),
            "Due period must be no longer than 20 working days: the Care Planning, Placement "
            "and Case Review (England) Regulations 2010 set it, and a rule cannot allow longer",
        ),
    ],
)
def test_a_rule_beyond_its_bounds_is_refused_saying_why(client, world, key, due, grace, message):
    sign_in(client, world.admin)
    current = rule(key)
    response = edit(client, current, due, grace)
    assert response.status_code == 200
    assert any(message in error for error in error_summary(response.text)), response.text
    assert rule(key).version_id == current.version_id
    assert db.session().exec(select(Approval)).all() == []


def test_the_edit_page_says_how_long_the_rule_may_be_and_why(client, world):
    sign_in(client, world.admin)
    page = client.get(f"/admin/timescales/{rule('first_lac_review').id}/edit").text
    assert "At most 20 working days" in page
    assert "Regulations 2010 set it" in page


def test_a_shorter_rule_applies_at_once(client, world):
    sign_in(client, world.admin)
    response = edit(client, rule("assessment_interview"), (12, "HOURS"), (6, "HOURS"))
    assert response.status_code in (302, 303), response.text
    changed = rule("assessment_interview")
    assert (changed.due_offset, changed.acpc_grace_offset) == (12, 6)


def test_a_longer_rule_waits_for_a_second_administrator(client, world):
    sign_in(client, world.admin)
    plan = rule("immediate_action_plan")
    response = edit(client, plan, (2, "HOURS"), (12, "HOURS"))
    assert response.status_code in (302, 303), response.text
    page = client.get(response.location).text
    assert "a longer rule needs another administrator&#39;s approval" in page
    # The old rule applies meanwhile.
    assert rule("immediate_action_plan").due_offset == 1
    (approval,) = db.session().exec(select(Approval)).all()
    assert approval.summary == "Lengthen the rule “Immediate action plan”: due after 2 hours"
    assert approval.proposed["due_offset"] == 2
    home = client.get("/admin/").text
    assert "Lengthen the rule “Immediate action plan”: due after 2 hours" in home
    # The one who asked cannot approve it.
    page = client.get(f"/admin/timescales/changes/{approval.id}").text
    assert "You asked for this approval, so someone else must decide it" in page
    response = client.post(
        f"/admin/timescales/changes/{approval.id}",
        data={"version_id": str(approval.version_id), "decision": "approve"},
    )
    assert rule("immediate_action_plan").due_offset == 1
    client.post("/sign-out")

    sign_in(client, world.second_admin)
    response = client.post(
        f"/admin/timescales/changes/{approval.id}",
        data={"version_id": str(approval.version_id), "decision": "approve"},
    )
    assert response.status_code in (302, 303), response.text
    changed = rule("immediate_action_plan")
    assert (changed.due_offset, changed.updated_by_id) == (2, world.admin.id)
    approval = db.session().get(Approval, approval.id)
    assert (approval.state, approval.decided_by_id) == (
        ApprovalState.APPROVED,
        world.second_admin.id,
    )
    recorded = {e.action for e in db.session().exec(select(AuditEvent))}
    assert {"approval_requested", "approval_approved", "timescale_rule_changed"} <= recorded


def test_a_returned_change_leaves_the_rule_as_it_was(client, world):
    sign_in(client, world.admin)
    edit(client, rule("post_closure_review"), (7, "CALENDAR_DAYS"), (2, "CALENDAR_DAYS"))
    client.post("/sign-out")
    (approval,) = db.session().exec(select(Approval)).all()
    assert approval.summary == ("Lengthen the rule “Post-closure review”: to the ACPC after 2 days")
    sign_in(client, world.second_admin)
    response = client.post(
        f"/admin/timescales/changes/{approval.id}",
        data={
            "version_id": str(approval.version_id),
            "decision": "return",
            "reason": "Twelve hours is what ACCT expects",
        },
    )
    assert response.status_code in (302, 303), response.text
    kept = rule("post_closure_review")
    assert (kept.acpc_grace_offset, kept.acpc_grace_unit) == (12, Unit.HOURS)
    assert "Lengthen the rule" not in client.get("/admin/").text


def test_a_second_longer_change_waits_for_the_first_to_be_decided(client, world):
    sign_in(client, world.admin)
    edit(client, rule("immediate_action_plan"), (2, "HOURS"), (12, "HOURS"))
    response = edit(client, rule("immediate_action_plan"), (3, "HOURS"), (12, "HOURS"))
    assert response.status_code == 200
    assert "A change to this rule is already waiting for another administrator" in response.text
    assert len(db.session().exec(select(Approval)).all()) == 1


def test_only_administrators_reach_a_rule_change(client, world):
    sign_in(client, world.admin)
    edit(client, rule("immediate_action_plan"), (2, "HOURS"), (12, "HOURS"))
    client.post("/sign-out")
    (approval,) = db.session().exec(select(Approval)).all()
    manager = create_user(world.yoi, is_manager=True)
    sign_in(client, manager)
    assert client.get(f"/admin/timescales/changes/{approval.id}").status_code == 403
    assert client.get(f"/approvals/{approval.id}").status_code == 404


# Pages state the rules in force


def stated(client, url: str, element_id: str) -> str:
    page = BeautifulSoup(client.get(url).text, "html5lib")
    return " ".join(page.find(id=element_id).get_text().split())


def set_due(key: str, offset: int, unit: Unit) -> None:
    current = rule(key)
    current.due_offset, current.due_unit = offset, unit
    db.session().add(current)
    db.session().commit()


def test_the_screening_states_its_deadlines_from_the_rules_in_force(client, world):
    from tests.factories import create_child

    child = create_child(world.area)
    sign_in(client, world.officer)
    url = f"/children/{child.id}/screenings/new"
    assert stated(client, url, "screening-deadlines") == (
        "An admission makes the screening due within 1 working day, and once it reaches the "
        "establishment holding the child, reading it is due there within 4 hours."
    )
    set_due("welfare_screening_due", 2, Unit.WORKING_DAYS)
    set_due("welfare_screening_read", 6, Unit.HOURS)
    assert stated(client, url, "screening-deadlines") == (
        "An admission makes the screening due within 2 working days, and once it reaches the "
        "establishment holding the child, reading it is due there within 6 hours."
    )


def test_the_lac_review_form_states_the_timetable_in_force(client, world):
    from tests.factories import create_child, create_placement
    from yoi_welfare.people.models import LegalStatus

    child = create_child(world.area, legal_status=LegalStatus.REMAND, looked_after=True)
    create_placement(child, world.yoi)
    sign_in(client, world.staff)
    url = f"/children/{child.id}/lac-reviews/new"
    assert stated(client, url, "lac-timetable") == (
        "Saving the review completes the LAC review that is due and sets the next on the "
        "statutory timetable: 3 months after the first review, then every 6 months."
    )
    set_due("second_lac_review", 2, Unit.MONTHS)
    set_due("later_lac_review", 5, Unit.MONTHS)
    assert "2 months after the first review, then every 5 months." in stated(
        client, url, "lac-timetable"
    )


def test_the_timescales_page_states_the_bounds_the_code_enforces(client, world):
    sign_in(client, world.admin)
    page = " ".join(
        BeautifulSoup(client.get("/admin/timescales/").text, "html5lib").get_text().split()
    )
    assert (
        "No rule is longer than a year, the ACCT steps counted in hours are due within 72 hours"
        in page
    )
