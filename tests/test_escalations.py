"""The escalation scan: overdue actions reach the owner agency, then the ACPC, exactly once."""

import html
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from sqlmodel import func, select

from tests.factories import (
    World,
    create_action,
    create_child,
    create_placement,
    create_user,
    sign_in,
)
from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.domain.timescales import EscalationLevel, Unit, due_at
from yoi_welfare.escalations.models import Escalation, EscalationResponse
from yoi_welfare.escalations.services import scan
from yoi_welfare.outbox.models import OutboundEmail

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def world(app):
    world = World()
    world.yot_manager = create_user(world.yot, is_manager=True, name="Yvonne Manager")
    world.yoi_manager = create_user(world.yoi, is_manager=True, name="Ian Manager")
    world.child = create_child(
        world.area, given_name="Jordan", family_name="Ellis", local_reference="NTH-7"
    )
    create_placement(world.child, world.yoi, admitted_at=T0 - timedelta(days=5))
    return world


def escalations() -> list[tuple[int, EscalationLevel]]:
    db.session().expire_all()
    return [
        (e.action_id, e.level)
        for e in db.session().exec(
            select(Escalation).order_by(Escalation.action_id, Escalation.level)
        )
    ]


def run(now):
    result = scan(now)
    db.commit()
    return result


def test_overdue_action_goes_to_the_owner_agency_at_due_and_the_acpc_after_grace(world):
    action = create_action(world.child, world.yoi, due_at=T0, acpc_due_at=T0 + timedelta(hours=12))
    assert run(T0 - timedelta(minutes=1)).raised_agency == 0
    result = run(T0)
    assert (result.raised_agency, result.raised_acpc, result.still_open) == (1, 0, 1)
    assert escalations() == [(action.id, EscalationLevel.AGENCY)]
    result = run(T0 + timedelta(hours=12))
    assert (result.raised_agency, result.raised_acpc, result.still_open) == (0, 1, 2)
    acpc = (
        db.session().exec(select(Escalation).where(Escalation.level == EscalationLevel.ACPC)).one()
    )
    assert acpc.agency_id == world.acpc.id
    assert acpc.became_due_at == T0 + timedelta(hours=12)


def test_running_the_scan_again_raises_nothing_twice(world):
    create_action(world.child, world.yoi, due_at=T0, acpc_due_at=T0 + timedelta(hours=1))
    first = run(T0 + timedelta(days=1))
    second = run(T0 + timedelta(days=1))
    third = run(T0 + timedelta(days=2))
    assert (first.raised_agency, first.raised_acpc) == (1, 1)
    assert (second.raised_agency, second.raised_acpc, third.raised_agency, third.raised_acpc) == (
        0,
        0,
        0,
        0,
    )
    assert len(escalations()) == 2
    emails = db.session().exec(select(func.count()).select_from(OutboundEmail)).one()
    assert emails == first.emails == 2  # one manager at the YOI, one ACPC member


def test_completed_cancelled_and_not_yet_due_actions_are_not_raised(world):
    create_action(world.child, world.yoi, due_at=T0, completed_at=T0 - timedelta(hours=1))
    create_action(
        world.child,
        world.yoi,
        due_at=T0,
        cancelled_at=T0 - timedelta(hours=1),
        cancellation_reason="x",
    )
    create_action(world.child, world.yoi, due_at=T0 + timedelta(hours=1))
    assert run(T0).raised_agency == 0


def test_closing_the_action_resolves_its_escalations(world):
    action = create_action(world.child, world.yoi, due_at=T0, acpc_due_at=T0)
    run(T0)
    stored = db.session().get(WelfareAction, action.id)
    stored.completed_at = T0 + timedelta(hours=2)
    db.session().commit()
    result = run(T0 + timedelta(hours=3))
    assert result.resolved == 2 and result.still_open == 0


def test_catch_up_after_three_days_down_raises_everything_at_the_right_level(world):
    # Due during the three days: some past their grace by the time the scheduler returns.
    long_overdue = create_action(
        world.child, world.yoi, due_at=T0, acpc_due_at=T0 + timedelta(days=1)
    )
    recent = create_action(
        world.child,
        world.yot,
        due_at=T0 + timedelta(days=2, hours=20),
        acpc_due_at=T0 + timedelta(days=4),
    )
    not_due = create_action(world.child, world.yot, due_at=T0 + timedelta(days=4))
    result = run(T0 + timedelta(days=3))
    assert (result.raised_agency, result.raised_acpc) == (2, 1)
    assert set(escalations()) == {
        (long_overdue.id, EscalationLevel.AGENCY),
        (long_overdue.id, EscalationLevel.ACPC),
        (recent.id, EscalationLevel.AGENCY),
    }
    assert not_due.id not in {action_id for action_id, _ in escalations()}


def test_escalation_email_carries_initials_and_reference_not_the_name(world):
    create_action(world.child, world.yoi, due_at=T0, title="Hold the first case review")
    run(T0 + timedelta(hours=5))
    email = db.session().exec(select(OutboundEmail)).one()
    assert email.to_address == world.yoi_manager.email
    assert "JE (NTH-7)" in email.body_text
    assert "Hold the first case review" in email.body_text
    assert "Overdue by 5 hours" in email.body_text
    assert "Jordan" not in email.body_text and "Ellis" not in email.body_text
    assert "/escalations/" in email.body_text


def test_the_scan_emails_no_agency_whose_sharing_agreement_has_ended(world):
    # The area's agreement ended the day before: escalations are raised (the record stays
    # true), but no mail about the child leaves for the YOI's managers or the ACPC.
    world.agreement.ends_on = (T0 - timedelta(days=1)).date()
    db.session().add(world.agreement)
    db.commit()
    create_action(world.child, world.yoi, due_at=T0, acpc_due_at=T0)
    result = run(T0 + timedelta(hours=1))
    assert (result.raised_agency, result.raised_acpc) == (1, 1)
    assert result.emails == 0
    assert db.session().exec(select(func.count()).select_from(OutboundEmail)).one() == 0


@pytest.mark.parametrize(
    "due, grace, before, after",
    [
        # Thursday 24 December 2026: Christmas Day, a Saturday Boxing Day with its substitute on
        # Monday 28th, so 2 working days of grace end on Wednesday 30 December.
        (
            datetime(2026, 12, 24, 17, 0, tzinfo=UTC),
            (2, Unit.WORKING_DAYS),
            datetime(2026, 12, 30, 16, 59, tzinfo=UTC),
            datetime(2026, 12, 30, 17, 0, tzinfo=UTC),
        ),
        # A self-harm action due 00:00 UTC on the night the clocks go back: 12 real hours.
        (
            datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
            (12, Unit.HOURS),
            datetime(2026, 10, 25, 11, 59, tzinfo=UTC),
            datetime(2026, 10, 25, 12, 0, tzinfo=UTC),
        ),
        # Spring forward: 1 calendar day keeps the London wall-clock time, 23 real hours.
        (
            datetime(2026, 3, 28, 12, 0, tzinfo=UTC),
            (1, Unit.CALENDAR_DAYS),
            datetime(2026, 3, 29, 10, 59, tzinfo=UTC),
            datetime(2026, 3, 29, 11, 0, tzinfo=UTC),
        ),
    ],
    ids=[
        "across Christmas bank holidays",
        "across the clocks going back",
        "across the clocks going forward",
    ],
)
def test_acpc_escalation_time_across_holidays_and_clock_changes(world, due, grace, before, after):
    action = create_action(world.child, world.yoi, due_at=due, acpc_due_at=due_at(due, *grace))
    with time_machine.travel(before, tick=False):
        assert run(before).raised_acpc == 0
    with time_machine.travel(after, tick=False):
        assert run(after).raised_acpc == 1
    assert (action.id, EscalationLevel.ACPC) in escalations()


def count_queries(engine, work) -> int:
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        work()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return len([s for s in statements if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))])


def test_the_scan_issues_a_fixed_number_of_queries_however_many_actions(world):
    engine = db.engine()
    for n in range(3):
        create_action(world.child, world.yoi, due_at=T0 - timedelta(hours=n), acpc_due_at=T0)
    small = count_queries(engine, lambda: run(T0 + timedelta(hours=1)))
    for n in range(30):
        create_action(
            world.child,
            world.yot,
            due_at=T0 + timedelta(hours=2, minutes=n),
            acpc_due_at=T0 + timedelta(hours=3),
        )
    large = count_queries(engine, lambda: run(T0 + timedelta(hours=4)))
    assert small == large
    assert len(escalations()) == 66


def test_the_cli_runs_a_scan_at_a_given_instant(app, world):
    create_action(world.child, world.yoi, due_at=T0, acpc_due_at=T0 + timedelta(days=1))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["escalations", "run", "--at", "2026-11-23T10:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "Raised 1 to owner agencies and 0 to ACPCs" in result.output
    assert "1 escalations open" in result.output
    again = runner.invoke(args=["escalations", "run", "--at", "2026-11-25T10:00:00+00:00"])
    assert "Raised 0 to owner agencies and 1 to ACPCs" in again.output


def test_in_production_the_cli_does_not_scan_ahead_of_time(app, world):
    create_action(world.child, world.yoi, due_at=T0, acpc_due_at=T0 + timedelta(days=1))
    app.config["ENV_NAME"] = "production"
    runner = app.test_cli_runner()
    ahead = runner.invoke(args=["escalations", "run", "--at", "2099-01-01T09:00:00Z"])
    assert ahead.exit_code != 0
    assert "not yet overdue" in ahead.output
    assert db.session().exec(select(func.count()).select_from(Escalation)).one() == 0
    past = runner.invoke(args=["escalations", "run", "--at", "2026-11-23T10:00:00Z"])
    assert past.exit_code == 0, past.output
    assert "Raised 1 to owner agencies" in past.output


@pytest.mark.parametrize(
    "value, message",
    [("yesterday", "is not a date and time"), ("2026-11-30T09:00:00", "has no time zone")],
)
def test_the_cli_names_a_bad_instant(app, value, message):
    result = app.test_cli_runner().invoke(args=["escalations", "run", "--at", value])
    assert result.exit_code == 2
    assert "--at" in result.output and message in result.output


# Pages


def table(response) -> str:
    """The text of the page's results table, so filter options do not count as results."""
    html = response.text
    return html.split("<table", 1)[1].split("</table>", 1)[0] if "<table" in html else ""


def test_agency_manager_sees_their_agencys_open_escalations(client, world):
    create_action(world.child, world.yoi, due_at=T0, title="Immediate action plan")
    create_action(world.child, world.yot, due_at=T0, title="YOT's own action")
    run(T0 + timedelta(days=1))
    sign_in(client, world.yoi_manager)
    page = client.get("/escalations").text
    assert "Immediate action plan" in page
    assert "YOT&#39;s own action" not in page
    assert "1 open escalation" in page


def test_managers_see_one_row_per_action_at_its_highest_level_self_harm_first(client, world):
    from bs4 import BeautifulSoup

    create_action(world.child, world.yoi, due_at=T0 - timedelta(days=7), title="Old action")
    create_action(world.child, world.yoi, due_at=T0 - timedelta(hours=1), title="Recent action")
    create_action(
        world.child,
        world.yoi,
        due_at=T0 - timedelta(minutes=30),
        title="First case review",
        kind="first_case_review",
    )
    run(T0 + timedelta(hours=1))
    assert len(escalations()) == 4  # the old action is at both levels
    sign_in(client, world.yoi_manager)
    page = client.get("/escalations").text
    rows = [
        [" ".join(td.get_text(" ").split()) for td in tr.find_all("td")]
        for tr in BeautifulSoup(page, "html5lib").select("table tbody tr")
    ]
    assert [(row[1], row[3]) for row in rows] == [
        ("First case review", "Agency managers"),
        ("Old action", "ACPC"),
        ("Recent action", "Agency managers"),
    ]
    assert "3 open escalations" in page


def test_only_managers_see_the_agency_escalations_page(client, world):
    sign_in(client, world.staff)
    assert client.get("/escalations").status_code == 403


def acpc_escalation_of(action) -> Escalation:
    return (
        db.session()
        .exec(
            select(Escalation).where(
                Escalation.action_id == action.id, Escalation.level == EscalationLevel.ACPC
            )
        )
        .one()
    )


def test_an_acpc_request_to_another_agency_becomes_its_action_and_its_managers_hear(
    app, client, world
):
    action = create_action(
        world.child,
        world.yoi,
        due_at=T0,
        acpc_due_at=T0 + timedelta(hours=1),
        title="First case review",
    )
    run(T0 + timedelta(days=1))
    escalation = acpc_escalation_of(action)
    db.session().execute(sa.delete(OutboundEmail))
    db.session().commit()
    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=UTC), tick=False):
        sign_in(client, world.acpc_member)
        response = client.post(
            f"/escalations/{escalation.id}",
            data={"kind": "ACTION_REQUESTED", "requested_agency": str(world.yot.id)},
        )
    assert response.location == f"/escalations/{escalation.id}", response.text

    (asked,) = (
        db.session()
        .exec(select(WelfareAction).where(WelfareAction.owner_agency_id == world.yot.id))
        .all()
    )
    assert asked.title == (
        f"{world.acpc.name} asks you to act on the overdue action: First case review"
    )
    # Two working days from Tuesday 10am: Thursday 10am.
    assert asked.due_at == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    (email,) = db.session().exec(select(OutboundEmail)).all()
    assert email.to_address == world.yot_manager.email
    assert email.subject == f"The ACPC asks {world.yot.name} to act: JE NTH-7"
    assert "Overdue action: First case review" in email.body_text
    assert "Jordan" not in email.body_text
    officer = app.test_client()
    sign_in(officer, world.officer)
    assert "asks you to act on the overdue action" in html.unescape(
        officer.get(f"/children/{world.child.id}").text
    )


def test_an_acpc_may_ask_an_establishment_the_child_has_left_to_act_on_its_own_action(
    client, world
):
    from yoi_welfare.people import services as people

    action = create_action(
        world.child, world.yoi, due_at=T0, acpc_due_at=T0 + timedelta(hours=1), title="Return"
    )
    run(T0 + timedelta(days=1))
    escalation = acpc_escalation_of(action)
    people.transfer(
        world.staff, world.child, world.other_yoi, T0 + timedelta(days=1), T0 + timedelta(days=1)
    )
    db.session().commit()
    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=UTC), tick=False):
        sign_in(client, world.acpc_member)
        response = client.post(
            f"/escalations/{escalation.id}",
            data={"kind": "ACTION_REQUESTED", "requested_agency": str(world.yoi.id)},
        )
    assert response.location == f"/escalations/{escalation.id}", response.text
    asked = (
        db.session()
        .exec(select(WelfareAction).where(WelfareAction.title.contains("asks you to act")))
        .one()
    )
    assert asked.owner_agency_id == world.yoi.id


def test_acpc_member_filters_and_records_a_response_the_owner_sees(app, client, world):
    action = create_action(
        world.child,
        world.yoi,
        due_at=T0,
        acpc_due_at=T0 + timedelta(hours=1),
        title="First case review",
    )
    create_action(
        world.child,
        world.yot,
        due_at=T0,
        acpc_due_at=T0 + timedelta(hours=1),
        title="Welfare screening",
    )
    run(T0 + timedelta(days=1))
    sign_in(client, world.acpc_member)
    page = table(client.get("/acpc/escalations"))
    assert "First case review" in page and "Welfare screening" in page
    filtered = table(client.get(f"/acpc/escalations?agency={world.yoi.id}&status=open"))
    assert "First case review" in filtered and "Welfare screening" not in filtered
    escalation = acpc_escalation_of(action)
    missing = client.post(
        f"/escalations/{escalation.id}", data={"kind": "ACTION_REQUESTED", "requested_agency": ""}
    )
    assert "Select the agency you have asked to act" in missing.text
    assert db.session().exec(select(func.count()).select_from(EscalationResponse)).one() == 0
    response = client.post(
        f"/escalations/{escalation.id}",
        data={
            "kind": "ACTION_REQUESTED",
            "requested_agency": str(world.yoi.id),
            "note": "Review today",
        },
    )
    assert response.status_code in (302, 303)
    manager = app.test_client()
    sign_in(manager, world.yoi_manager)
    page = manager.get("/escalations").text
    assert "Action requested from agency: Ashgrove YOI" in page
    detail = manager.get(f"/escalations/{escalation.id}").text
    assert "Review today" in detail
    assert "Record the ACPC" not in detail  # the owner reads, the ACPC responds
    assert (
        manager.post(f"/escalations/{escalation.id}", data={"kind": "RESOLVED"}).status_code == 404
    )


def test_another_areas_acpc_cannot_see_or_answer_an_escalation(client, world):
    create_action(world.child, world.yoi, due_at=T0, acpc_due_at=T0)
    run(T0 + timedelta(hours=1))
    escalation = db.session().exec(select(Escalation)).first()
    sign_in(client, world.other_acpc_member)
    page = client.get("/acpc/escalations").text
    assert "0 open escalations" in page and "Jordan Ellis" not in page
    assert client.get(f"/escalations/{escalation.id}").status_code == 404
    assert (
        client.post(f"/escalations/{escalation.id}", data={"kind": "RESOLVED"}).status_code == 404
    )


def test_completing_an_action_in_the_app_resolves_its_escalations_at_once(client, world):
    action = create_action(world.child, world.yoi, due_at=T0, acpc_due_at=T0)
    run(T0 + timedelta(hours=1))
    sign_in(client, world.staff)
    response = client.post(f"/actions/{action.id}/complete", data={"note": "Plan written"})
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    assert all(e.resolved_at is not None for e in db.session().exec(select(Escalation)))
    assert "0 open escalations" in table_or_page(client, world)


def table_or_page(client, world) -> str:
    manager = client.application.test_client()
    sign_in(manager, world.yoi_manager)
    return manager.get("/escalations").text
