"""A screening's level set two or more below the indicated level waits for a YOT manager."""

import html
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from tests.test_screenings import ALL_NO, ALL_YES, answer_all, reload, set_level, start, submit
from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.approvals.models import Approval, ApprovalState
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.escalations.models import Escalation
from yoi_welfare.escalations.services import scan
from yoi_welfare.outbox.models import OutboundEmail
from yoi_welfare.screenings.models import ScreeningStatus

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# Recent self-harm: the answers indicate very high.
SELF_HARM = {**ALL_NO, "self-harm": ALL_YES["self-harm"][0]}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    world = World()
    world.child = create_child(
        world.area, given_name="Jordan", family_name="Ellis", date_of_birth=date(2010, 3, 12)
    )
    create_placement(world.child, world.yoi, admitted_at=NOW - timedelta(hours=3))
    world.yot_manager = create_user(
        world.yot, is_manager=True, name="Yasmin Manager", email="ym@yot.example.org"
    )
    world.yoi_manager = create_user(
        world.yoi, is_manager=True, name="Gate Manager", email="gm@yoi.example.org"
    )
    return world


def text(response) -> str:
    return html.unescape(response.text)


def drafted_at(client, world, level: str) -> int:
    """A draft whose answers indicate very high, at the officer's ``level``."""
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    answer_all(client, screening_id, SELF_HARM)
    assert reload(screening_id).indicated_level is Level.VERY_HIGH
    set_level(client, screening_id, level, "Seen twice this week, settled and talking")
    return screening_id


def approval_of(screening_id: int) -> Approval:
    db.session().expire_all()
    return db.session().exec(select(Approval).where(Approval.subject_id == screening_id)).one()


def decide(app, manager, approval: Approval, decision: str, reason: str = ""):
    client = app.test_client()
    sign_in(client, manager)
    return client.post(
        f"/approvals/{approval.id}",
        data={"decision": decision, "reason": reason, "version_id": str(approval.version_id)},
    )


def test_one_level_below_is_submitted_at_once(client, world):
    screening_id = drafted_at(client, world, "HIGH")
    assert "a manager of your youth offending team" not in text(
        client.get(f"/screenings/{screening_id}/check")
    )
    submit(client, screening_id)
    assert reload(screening_id).status is ScreeningStatus.SUBMITTED
    assert db.session().exec(select(Approval)).all() == []


def test_two_levels_below_waits_for_a_manager_and_the_establishment_hears_it_is_coming(
    app, client, world
):
    screening_id = drafted_at(client, world, "MEDIUM")
    check = text(client.get(f"/screenings/{screening_id}/check"))
    assert "a manager of your youth offending team is asked to approve it" in check

    response = submit(client, screening_id)
    assert "sent to a YOT manager to approve its level" in text(client.get(response.location))
    screening = reload(screening_id)
    assert screening.status is ScreeningStatus.DRAFT
    approval = approval_of(screening_id)
    assert approval.approver_agency_id == world.yot.id
    assert approval.summary == (
        "A safety and wellbeing level of medium where the answers indicate very high"
    )
    # Deciding it is the YOT's welfare action, due in four hours, escalated like any other.
    action = db.session().get(WelfareAction, approval.action_id)
    assert (action.owner_agency_id, action.due_at) == (world.yot.id, NOW + timedelta(hours=4))

    # The establishment's managers are told a screening is on its way, with the indicated level.
    (email,) = db.session().exec(
        select(OutboundEmail).where(OutboundEmail.to_address == world.yoi_manager.email)
    ).all()
    assert email.subject.startswith("A YOT welfare screening is on its way")
    assert "Level its answers indicate: Very high" in email.body_text
    assert "Jordan" not in email.body_text

    # The officer sees it waiting, and can change nothing meanwhile.
    task_list = text(client.get(f"/screenings/{screening_id}"))
    assert "Submitted for a YOT manager's approval of its level" in task_list
    assert "Check your answers and submit" not in task_list
    refused = set_level(client, screening_id, "HIGH", "Changed my mind")
    assert "waiting for a YOT manager to approve its level" in text(refused)
    assert reload(screening_id).practitioner_level is Level.MEDIUM

    # The establishment sees no screening yet.
    staff = app.test_client()
    sign_in(staff, world.staff)
    assert staff.get(f"/screenings/{screening_id}").status_code == 404

    # The manager sees it waiting on their home page, and approves it.
    manager = app.test_client()
    sign_in(manager, world.yot_manager)
    assert "A safety and wellbeing level of medium" in text(manager.get("/"))
    decided = decide(app, world.yot_manager, approval, "approve")
    assert decided.location == f"/screenings/{screening_id}"
    screening = reload(screening_id)
    assert screening.status is ScreeningStatus.SUBMITTED
    assert screening.submitted_by_id == world.officer.id
    assert approval_of(screening_id).state is ApprovalState.APPROVED
    assert db.session().get(WelfareAction, approval.action_id).completed_at == NOW
    assert staff.get(f"/screenings/{screening_id}").status_code == 200

    # The chronology shows who asked and who approved.
    chronology = text(manager.get(f"/children/{world.child.id}"))
    assert "Manager's approval asked" in chronology
    assert "Manager approved: a safety and wellbeing level of medium" in chronology


def test_a_returned_level_stays_a_draft_with_the_reason(app, client, world):
    screening_id = drafted_at(client, world, "LOW")
    submit(client, screening_id)
    approval = approval_of(screening_id)
    decide(app, world.yot_manager, approval, "return", "Two incidents last week: at least high")
    assert approval_of(screening_id).state is ApprovalState.RETURNED
    assert reload(screening_id).status is ScreeningStatus.DRAFT
    task_list = text(client.get(f"/screenings/{screening_id}"))
    assert "A manager returned the level" in task_list
    assert "Two incidents last week: at least high" in task_list
    # The officer may change the level now, and submit at once.
    set_level(client, screening_id, "HIGH", "As the manager advised")
    submit(client, screening_id)
    assert reload(screening_id).status is ScreeningStatus.SUBMITTED


def test_the_officer_cannot_approve_their_own_level_nor_can_an_officer_who_is_no_manager(
    app, client, world
):
    world.officer.is_manager = True
    db.session().add(world.officer)
    db.session().commit()
    screening_id = drafted_at(client, world, "LOW")
    submit(client, screening_id)
    approval = approval_of(screening_id)
    own = decide(app, world.officer, approval, "approve")
    assert "someone else must decide it" in text(own)
    colleague = create_user(world.yot, name="Colin Colleague")
    assert decide(app, colleague, approval, "approve").status_code == 403
    assert approval_of(screening_id).state is ApprovalState.PENDING
    assert reload(screening_id).status is ScreeningStatus.DRAFT


def test_an_unanswered_request_escalates_like_any_other_action(client, world):
    screening_id = drafted_at(client, world, "LOW")
    submit(client, screening_id)
    watch = approval_of(screening_id).action_id

    def raised_at(hours: float) -> set[str]:
        scan(NOW + timedelta(hours=hours))
        db.session().commit()
        rows = db.session().exec(select(Escalation).where(Escalation.action_id == watch))
        return {escalation.level.value for escalation in rows}

    assert raised_at(3.9) == set()
    assert raised_at(4) == {"AGENCY"}  # to the YOT's managers at the due time
    assert raised_at(16) == {"AGENCY", "ACPC"}  # and to the ACPC twelve hours later
