"""Welfare actions: what admission and other events make due; what practitioners do with them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from sqlmodel import func, select

from tests.factories import World, create_action, create_child, create_placement, sign_in
from yoi_welfare import db
from yoi_welfare.actions import services
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.people.models import LegalStatus, Placement

# Wednesday 25 November 2026, noon; UK clocks are on GMT, so UTC is London time.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def actions_of(child) -> dict[str, WelfareAction]:
    db.session().expire_all()
    rows = db.session().exec(
        select(WelfareAction)
        .where(WelfareAction.young_person_id == child.id)
        .order_by(WelfareAction.id)
    )
    return {action.kind: action for action in rows}


def reload(action: WelfareAction) -> WelfareAction:
    db.session().expire_all()
    return db.session().get(WelfareAction, action.id)


def audited(name: str) -> list[AuditEvent]:
    return list(db.session().exec(select(AuditEvent).where(AuditEvent.action == name)).all())


def count_actions() -> int:
    return db.session().exec(select(func.count()).select_from(WelfareAction)).one()


def held_child(world, **fields):
    child = create_child(world.area, **fields)
    create_placement(child, world.yoi, admitted_at=NOW - timedelta(days=2))
    return child


def admission_form(child, on=("25", "11", "2026"), at="09:15"):
    dob = child.date_of_birth
    return {
        "home_area": str(child.home_area_id),
        "local_reference": child.local_reference,
        "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)],
        "on_date": list(on),
        "at_time": at,
    }


# What admission makes due


def test_admitting_a_remanded_child_makes_the_screening_and_first_lac_review_due(client, world):
    child = create_child(world.area, legal_status=LegalStatus.REMAND)
    sign_in(client, world.staff)
    response = client.post("/admissions/new", data=admission_form(child))
    assert response.status_code in (302, 303), response.text

    made = actions_of(child)
    assert set(made) == {"welfare_screening_due", "first_lac_review"}
    placement = db.session().exec(select(Placement)).one()
    screening = made["welfare_screening_due"]
    # Admitted Wednesday 09:15: one working day later, then two more before the ACPC hears.
    assert screening.due_at == utc(2026, 11, 26, 9, 15)
    assert screening.acpc_due_at == utc(2026, 11, 30, 9, 15)
    assert screening.owner_agency_id == world.yot.id
    assert (screening.source_type, screening.source_id) == ("placement", placement.id)
    assert screening.created_by_id == world.staff.id
    lac_review = made["first_lac_review"]
    assert lac_review.due_at == utc(2026, 12, 23, 9, 15)  # 20 working days
    assert lac_review.owner_agency_id == world.yot.id
    assert len(audited("welfare_action_created")) == 2

    page = client.get(f"/children/{child.id}").text
    assert "Welfare screening" in page and "First LAC review" in page
    assert "26 November 2026 at 9:15am" in page


def test_admitting_a_sentenced_child_makes_the_initial_planning_meeting_due(client, world):
    child = create_child(world.area, legal_status=LegalStatus.DTO)
    sign_in(client, world.staff)
    client.post("/admissions/new", data=admission_form(child))
    made = actions_of(child)
    assert set(made) == {"welfare_screening_due", "initial_planning_meeting"}
    assert made["initial_planning_meeting"].due_at == utc(2026, 12, 9, 9, 15)
    assert made["initial_planning_meeting"].owner_agency_id == world.yot.id


def test_the_screening_goes_to_the_first_yot_of_the_childs_home_area(world):
    from tests.factories import create_agency
    from yoi_welfare.agencies.models import AgencyKind

    create_agency(AgencyKind.YOT, world.area, "Northmoor South YOT")
    child = held_child(world)
    made = services.on_event("child_admitted", child=child, at=NOW, by=None)
    assert {action.owner_agency_id for action in made} == {world.yot.id}


def test_a_weekend_admission_counts_from_the_next_working_day(world):
    child = held_child(world)
    saturday = utc(2026, 11, 28, 10, 0)
    (screening, _lac) = services.on_event("child_admitted", child=child, at=saturday, by=None)
    assert screening.due_at == utc(2026, 11, 30, 23, 59)


def test_a_transfer_makes_no_new_screening_and_self_harm_actions_follow_the_child(client, world):
    child = held_child(world)
    placement = db.session().exec(select(Placement)).one()
    services.on_event("child_admitted", child=child, source=placement, at=NOW, by=None)
    services.on_event("self_harm_flag_opened", child=child, at=NOW, by=None)
    handwritten = create_action(child, world.yoi, title="Return the child's property")
    db.session().commit()
    before = count_actions()

    sign_in(client, world.staff)
    response = client.post(
        f"/children/{child.id}/transfer",
        data={
            "destination": str(world.other_yoi.id),
            "on_date": ["25", "11", "2026"],
            "at_time": "11:00",
        },
    )
    assert response.status_code in (302, 303), response.text
    assert count_actions() == before
    made = actions_of(child)
    assert made["welfare_screening_due"].owner_agency_id == world.yot.id
    assert made["first_case_review"].owner_agency_id == world.other_yoi.id
    assert made["immediate_action_plan"].owner_agency_id == world.other_yoi.id
    assert reload(handwritten).owner_agency_id == world.yoi.id
    assert len(audited("welfare_action_reassigned")) == 3


# Other events


def test_a_self_harm_flag_makes_three_actions_for_the_establishment_holding_the_child(world):
    child = held_child(world)
    opened = utc(2026, 11, 25, 23, 30)
    made = services.on_event("self_harm_flag_opened", child=child, at=opened, by=world.staff)
    assert [(a.kind, a.due_at, a.acpc_due_at, a.owner_agency_id) for a in made] == [
        (
            "immediate_action_plan",
            utc(2026, 11, 26, 0, 30),
            utc(2026, 11, 26, 12, 30),
            world.yoi.id,
        ),
        (
            "assessment_interview",
            utc(2026, 11, 26, 23, 30),
            utc(2026, 11, 27, 11, 30),
            world.yoi.id,
        ),
        ("first_case_review", utc(2026, 11, 26, 23, 30), utc(2026, 11, 27, 11, 30), world.yoi.id),
    ]


def test_an_establishment_action_needs_an_establishment_holding_the_child(world):
    child = create_child(world.area)
    with pytest.raises(services.ActionError, match="not held by any establishment"):
        services.on_event("self_harm_flag_opened", child=child, at=NOW, by=None)


def test_a_case_review_sets_when_the_next_is_due(world):
    child = held_child(world)
    with pytest.raises(ValueError, match="needs due"):
        services.on_event("case_review_held", child=child, at=NOW, by=world.staff)
    next_review = utc(2026, 11, 28, 15, 0)
    (made,) = services.on_event(
        "case_review_held", child=child, at=NOW, by=world.staff, due=next_review
    )
    assert (made.kind, made.due_at, made.acpc_due_at) == (
        "next_case_review",
        next_review,
        next_review + timedelta(hours=12),
    )


def test_due_is_refused_for_events_whose_rules_set_it(world):
    child = held_child(world)
    with pytest.raises(ValueError, match="do not pass due"):
        services.on_event("child_admitted", child=child, at=NOW, by=None, due=NOW)
    with pytest.raises(ValueError):
        services.on_event("child_escaped", child=child, at=NOW, by=None)


def test_closing_a_flag_makes_the_post_closure_review_due_in_seven_days(world):
    child = held_child(world)
    (made,) = services.on_event("self_harm_flag_closed", child=child, at=NOW, by=world.staff)
    assert (made.kind, made.due_at) == ("post_closure_review", utc(2026, 12, 2, 12, 0))


def test_lac_reviews_follow_first_second_then_every_six_months(world):
    child = held_child(world, legal_status=LegalStatus.REMAND)
    services.on_event("child_admitted", child=child, at=NOW, by=None)
    (second,) = services.on_event("lac_review_held", child=child, at=utc(2026, 12, 18, 10), by=None)
    assert (second.kind, second.due_at) == ("second_lac_review", utc(2027, 3, 18, 10))
    (third,) = services.on_event("lac_review_held", child=child, at=utc(2027, 3, 16, 10), by=None)
    # 10:00 GMT in March is due at 10:00 BST in September: the same time on the clock.
    assert (third.kind, third.due_at) == ("later_lac_review", utc(2027, 9, 16, 9))
    (fourth,) = services.on_event("lac_review_held", child=child, at=utc(2027, 9, 1, 9), by=None)
    assert fourth.kind == "later_lac_review"


def test_a_new_custody_episode_starts_the_lac_review_count_again(world):
    child = held_child(world, legal_status=LegalStatus.REMAND)
    services.on_event("child_admitted", child=child, at=NOW, by=None)
    services.on_event("lac_review_held", child=child, at=NOW, by=None)
    services.on_event("child_admitted", child=child, at=NOW + timedelta(days=200), by=None)
    (made,) = services.on_event("lac_review_held", child=child, at=NOW, by=None)
    assert made.kind == "second_lac_review"


def test_an_owner_given_by_the_caller_must_be_able_to_own_the_childs_actions(world):
    child = held_child(world)
    with pytest.raises(services.ActionError, match="Riverside YOT cannot own an action"):
        services.on_event(
            "child_admitted", child=child, at=NOW, by=None, owner_agency_id=world.other_yot.id
        )
    made = services.on_event(
        "child_admitted", child=child, at=NOW, by=None, owner_agency_id=world.yoi.id
    )
    assert {action.owner_agency_id for action in made} == {world.yoi.id}


def test_another_feature_completes_the_open_actions_it_fulfils(world):
    child = held_child(world)
    services.on_event("child_admitted", child=child, at=NOW - timedelta(hours=3), by=None)
    done = services.complete_open_actions(
        child, "welfare_screening_due", by=world.officer, at=NOW, note="Screening submitted"
    )
    assert [action.kind for action in done] == ["welfare_screening_due"]
    made = actions_of(child)
    assert made["welfare_screening_due"].completed_at == NOW
    assert made["welfare_screening_due"].completion_note == "Screening submitted"
    assert made["first_lac_review"].completed_at is None
    assert services.complete_open_actions(child, "welfare_screening_due", by=None, at=NOW) == []


# Completing and cancelling


def test_the_owner_completes_an_action_with_a_note_and_it_stays_in_the_history(client, world):
    child = held_child(world)
    action = create_action(
        child, world.yot, title="Phone the family", due_at=NOW + timedelta(days=1)
    )
    sign_in(client, world.officer)
    page = client.get(f"/children/{child.id}").text
    assert f"/actions/{action.id}/complete" in page and f"/actions/{action.id}/cancel" in page

    response = client.post(f"/actions/{action.id}/complete", data={"note": "  Spoke to mum  "})
    assert response.status_code in (302, 303), response.text
    done = reload(action)
    assert (done.completed_at, done.completed_by_id, done.completion_note) == (
        NOW,
        world.officer.id,
        "Spoke to mum",
    )
    page = client.get(response.location).text
    assert "Action completed: Phone the family" in page
    assert "No open actions." in page
    assert "Spoke to mum" in page and "by Olive Officer" in page
    assert [e.object_id for e in audited("welfare_action_completed")] == [action.id]


def test_completing_an_action_twice_is_refused_and_changes_nothing(client, world):
    child = held_child(world)
    action = create_action(child, world.yot)
    sign_in(client, world.officer)
    client.post(f"/actions/{action.id}/complete", data={"note": "First"})
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = client.post(f"/actions/{action.id}/complete", data={"note": "Second"})
    assert response.status_code == 200
    assert "This action has already been completed" in response.text
    assert "<title>Error: " in response.text
    assert "This action was completed 25 November 2026 at 12pm" in response.text
    done = reload(action)
    assert (done.completed_at, done.completion_note) == (NOW, "First")
    assert len(audited("welfare_action_completed")) == 1


def test_a_cancelled_action_cannot_be_completed(client, world):
    child = held_child(world)
    action = create_action(
        child,
        world.yot,
        cancelled_at=NOW,
        cancelled_by_id=world.officer.id,
        cancellation_reason="Duplicate",
    )
    sign_in(client, world.officer)
    response = client.post(f"/actions/{action.id}/complete", data={"note": ""})
    assert "This action has been cancelled, so it cannot be completed" in response.text
    assert reload(action).completed_at is None


def test_cancelling_needs_a_reason(client, world):
    child = held_child(world)
    action = create_action(child, world.yot)
    sign_in(client, world.officer)
    response = client.post(f"/actions/{action.id}/cancel", data={"reason": "   "})
    assert "Enter why the action is being cancelled" in response.text
    assert reload(action).cancelled_at is None
    with pytest.raises(services.ActionError, match="Enter why") as error:
        services.cancel_action(reload(action), by=world.officer, at=NOW, reason=" ")
    assert error.value.field == "reason"
    assert reload(action).is_open


def test_the_owner_cancels_an_action_with_a_reason(client, world):
    child = held_child(world)
    action = create_action(child, world.yot, title="Phone the family")
    sign_in(client, world.officer)
    response = client.post(
        f"/actions/{action.id}/cancel", data={"reason": "Family visited instead"}
    )
    assert response.status_code in (302, 303), response.text
    cancelled = reload(action)
    assert (cancelled.cancelled_at, cancelled.cancelled_by_id) == (NOW, world.officer.id)
    page = client.get(f"/children/{child.id}").text
    assert "Reason: Family visited instead" in page
    response = client.post(f"/actions/{action.id}/cancel", data={"reason": "Again"})
    assert "This action has already been cancelled" in response.text
    response = client.post(f"/actions/{action.id}/complete", data={})
    assert "This action has been cancelled, so it cannot be completed" in response.text
    assert reload(action).cancellation_reason == "Family visited instead"


def test_a_completed_action_cannot_be_cancelled(world):
    child = held_child(world)
    action = create_action(child, world.yot, completed_at=NOW, completed_by_id=world.officer.id)
    with pytest.raises(services.ActionError, match="has been completed, so it cannot be cancelled"):
        services.cancel_action(action, by=world.officer, at=NOW, reason="Not needed")
    assert reload(action).cancelled_at is None


def test_a_note_or_reason_over_1000_characters_is_refused(client, world):
    child = held_child(world)
    action = create_action(child, world.yot)
    sign_in(client, world.officer)
    response = client.post(f"/actions/{action.id}/complete", data={"note": "x" * 1001})
    assert "Note must be 1000 characters or fewer" in response.text
    response = client.post(f"/actions/{action.id}/cancel", data={"reason": "x" * 1001})
    assert "Reason must be 1000 characters or fewer" in response.text
    assert reload(action).is_open


def test_an_action_changed_by_someone_else_meanwhile_is_not_overwritten(world):
    child = held_child(world)
    action = create_action(child, world.yot)
    mine = reload(action)
    # This request has read the action; another then changes it (SQLite: one writer at a time).
    db.session().expunge(mine)
    db.session().rollback()
    with db.engine().begin() as connection:
        connection.execute(
            sa.update(WelfareAction).where(WelfareAction.id == action.id).values(version_id=2)
        )
    db.session().add(mine)
    with pytest.raises(services.ActionError, match="changed while you were working on it"):
        services.complete_action(mine, by=world.officer, at=NOW)
    db.session().rollback()
    assert reload(action).completed_at is None


# Who may see and close an action


def test_only_the_owner_agency_may_complete_or_cancel(client, world):
    child = held_child(world)
    action = create_action(child, world.yot, title="Phone the family")
    # The establishment holding the child sees the YOT's action, read-only.
    sign_in(client, world.staff)
    page = client.get(f"/children/{child.id}").text
    assert "Phone the family" in page
    assert f"/actions/{action.id}/complete" not in page
    assert client.get(f"/actions/{action.id}/complete").status_code == 404
    assert client.post(f"/actions/{action.id}/cancel", data={"reason": "x"}).status_code == 404
    assert reload(action).is_open
    denied = audited("access_denied")
    assert [(e.young_person_id, e.object_type, e.object_id) for e in denied] == [
        (child.id, "welfare_action", action.id),
        (child.id, "welfare_action", action.id),
    ]
    with pytest.raises(services.ActionError, match="Only Northmoor YOT can complete"):
        services.complete_action(reload(action), by=world.staff, at=NOW)


def test_a_deadline_met_by_recording_the_work_is_not_completed_by_hand(client, world):
    child = held_child(world)
    action = create_action(
        child, world.yoi, kind="assessment_interview", title="Assessment interview"
    )
    sign_in(client, world.staff)
    page = client.get(f"/children/{child.id}").text
    assert f"/actions/{action.id}/complete" not in page
    assert f"/actions/{action.id}/cancel" in page
    for response in (
        client.get(f"/actions/{action.id}/complete"),
        client.post(f"/actions/{action.id}/complete", data={"note": "Done"}),
    ):
        assert response.status_code in (302, 303)
        assert response.location == f"/children/{child.id}"
    told = client.get(f"/children/{child.id}").text
    assert (
        "Assessment interview is completed by recording the assessment interview on the "
        "self-harm flag, not by hand"
    ) in told
    assert reload(action).is_open
    assert audited("welfare_action_completed") == []


@pytest.mark.parametrize("kind", sorted(services.COMPLETED_BY_RECORDING))
def test_no_deadline_the_work_meets_can_be_marked_done_by_the_service(world, kind):
    child = held_child(world)
    owner = world.yot if kind == "welfare_screening_due" or "lac" in kind else world.yoi
    action = create_action(child, owner, kind=kind)
    user = world.officer if owner is world.yot else world.staff
    with pytest.raises(services.ActionError, match="not by hand"):
        services.complete_action(action, by=user, at=NOW)
    db.session().rollback()
    assert reload(action).is_open
    services.cancel_action(reload(action), by=user, at=NOW, reason="Raised in error")
    assert not reload(action).is_open


@pytest.mark.parametrize("who", ["other_officer", "other_staff", "other_acpc_member"])
def test_an_agency_that_cannot_see_the_child_cannot_see_its_actions(client, world, who):
    child = held_child(world)
    action = create_action(child, world.yot, title="Phone the family")
    user = getattr(world, who)
    sign_in(client, user)
    assert "Phone the family" not in client.get("/actions").text
    expected = 403 if who == "other_acpc_member" else 404
    assert client.get(f"/actions/{action.id}/complete").status_code == expected
    assert client.get(f"/children/{child.id}/actions/new").status_code == expected
    assert reload(action).is_open


def test_acpc_members_and_administrators_cannot_change_actions(client, world):
    child = held_child(world)
    action = create_action(child, world.yot)
    sign_in(client, world.acpc_member)
    page = client.get(f"/children/{child.id}").text
    assert action.title in page
    assert "Add an action" not in page
    assert f"/actions/{action.id}/complete" not in page
    assert client.post(f"/actions/{action.id}/complete", data={}).status_code == 403
    sign_in(admin_client := client.application.test_client(), world.admin)
    assert admin_client.get("/actions").status_code == 403


# Adding an action by hand


def manual_form(owner_agency, **changes):
    data = {
        "title": "Arrange a family visit",
        "owner": str(owner_agency.id),
        "due_date": ["1", "7", "2027"],
        "due_time": "14:30",
    }
    data.update(changes)
    return data


def test_a_practitioner_adds_an_action_by_hand(client, world):
    child = held_child(world)
    sign_in(client, world.staff)
    page = client.get(f"/children/{child.id}").text
    assert f"/children/{child.id}/actions/new" in page
    form_page = client.get(f"/children/{child.id}/actions/new").text
    assert "Northmoor YOT" in form_page and "Ashgrove YOI" in form_page
    assert "Riverside YOT" not in form_page

    response = client.post(f"/children/{child.id}/actions/new", data=manual_form(world.yot))
    assert response.status_code in (302, 303), response.text
    (action,) = actions_of(child).values()
    assert action.kind == "manual" and action.rule_id is None
    assert action.title == "Arrange a family visit"
    assert action.owner_agency_id == world.yot.id
    # 14:30 on 1 July is British Summer Time: 13:30 UTC. The ACPC hears two working days later.
    assert action.due_at == utc(2027, 7, 1, 13, 30)
    assert action.acpc_due_at == utc(2027, 7, 5, 13, 30)
    assert action.created_by_id == world.staff.id
    assert "Action added: Arrange a family visit" in client.get(response.location).text
    assert [e.young_person_id for e in audited("welfare_action_created")] == [child.id]


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"due_date": ["25", "11", "2026"], "due_time": "11:59"},
            "The due date and time must be in the future",
        ),
        ({"due_date": ["24", "11", "2026"]}, "The due date and time must be in the future"),
        ({"due_date": ["", "", ""]}, "Enter the due date"),
        ({"due_date": ["31", "2", "2027"]}, "Due date must be a real date"),
        ({"due_time": ""}, "Enter the due time"),
        ({"due_time": "25:00"}, "Enter a time such as 14:30"),
        ({"title": "  "}, "Enter what needs to be done"),
        ({"title": "x" * 201}, "What needs to be done must be 200 characters or fewer"),
        ({"owner": ""}, "Select which agency owns the action"),
    ],
)
def test_a_manual_action_must_be_complete_and_due_in_the_future(client, world, changes, message):
    child = held_child(world)
    sign_in(client, world.officer)
    response = client.post(
        f"/children/{child.id}/actions/new", data=manual_form(world.yot, **changes)
    )
    assert response.status_code == 200
    assert message in response.text
    assert count_actions() == 0


def test_an_owner_that_cannot_see_the_child_is_refused(client, world):
    child = held_child(world)
    sign_in(client, world.officer)
    response = client.post(f"/children/{child.id}/actions/new", data=manual_form(world.other_yot))
    assert "Select one of the options" in response.text
    # An establishment the child has left, or an ACPC, cannot own the child's actions either.
    for agency in (world.other_yot, world.other_yoi, world.acpc):
        with pytest.raises(
            services.ActionError, match="cannot own an action for this child"
        ) as error:
            services.add_manual_action(
                child,
                title="Phone the family",
                owner_agency_id=agency.id,
                due=NOW + timedelta(days=1),
                by=world.officer,
                now=NOW,
            )
        assert error.value.field == "owner"
    assert count_actions() == 0


def test_an_establishment_the_child_has_left_reads_but_does_not_add(client, world):
    child = create_child(world.area)
    create_placement(
        child, world.yoi, admitted_at=NOW - timedelta(days=9), left_at=NOW - timedelta(days=2)
    )
    create_placement(child, world.other_yoi, admitted_at=NOW - timedelta(days=2))
    sign_in(client, world.staff)
    assert "Add an action" not in client.get(f"/children/{child.id}").text
    assert client.get(f"/children/{child.id}/actions/new").status_code == 404


# The actions page


def test_the_actions_page_lists_the_agencys_open_actions_soonest_first_with_tags(client, world):
    child = held_child(world, given_name="Jordan", family_name="Ellis")
    create_action(child, world.yot, title="Later thing", due_at=NOW + timedelta(days=3))
    create_action(child, world.yot, title="Late thing", due_at=NOW - timedelta(days=2, hours=5))
    create_action(child, world.yot, title="Today thing", due_at=NOW + timedelta(hours=3))
    create_action(child, world.yot, title="Just late", due_at=NOW - timedelta(hours=3))
    create_action(child, world.yoi, title="Establishment thing")
    create_action(child, world.yot, title="Done thing", completed_at=NOW)
    sign_in(client, world.officer)
    page = client.get("/actions").text
    titles = ["Late thing", "Just late", "Today thing", "Later thing"]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Establishment thing" not in page and "Done thing" not in page
    assert "4 open actions" in page
    for tag in ("Overdue by 2 days", "Overdue by 3 hours", "Due today", "Due later"):
        assert tag in page
    assert "Jordan Ellis" in page


def test_the_actions_page_filters_by_child_kind_and_status(client, world):
    jordan = held_child(world, given_name="Jordan", family_name="Ellis", local_reference="NTH-7")
    sam = held_child(world, given_name="Sam", family_name="Okafor")
    create_action(jordan, world.yot, title="Jordan's screening", kind="welfare_screening_due")
    create_action(jordan, world.yot, title="Jordan's overdue", due_at=NOW - timedelta(days=1))
    create_action(sam, world.yot, title="Sam's visit")
    create_action(sam, world.yot, title="Sam's done", completed_at=NOW)
    create_action(
        sam, world.yot, title="Sam's cancelled", cancelled_at=NOW, cancellation_reason="No"
    )
    sign_in(client, world.officer)

    def shown(**query) -> set[str]:
        page = client.get("/actions", query_string=query).text
        every = [
            "Jordan's screening",
            "Jordan's overdue",
            "Sam's visit",
            "Sam's done",
            "Sam's cancelled",
        ]
        return {title for title in every if title.replace("'", "&#39;") in page}

    assert shown(child="ellis") == {"Jordan's screening", "Jordan's overdue"}
    assert shown(child="nth-7") == {"Jordan's screening", "Jordan's overdue"}
    assert shown(kind="welfare_screening_due") == {"Jordan's screening"}
    assert shown(kind="manual", child="sam") == {"Sam's visit"}
    assert shown(status="overdue") == {"Jordan's overdue"}
    assert shown(status="completed") == {"Sam's done"}
    assert shown(status="cancelled") == {"Sam's cancelled"}
    page = client.get("/actions", query_string={"status": "nonsense"}).text
    assert "Select an option from the list" in page


def test_the_actions_page_is_paginated(client, world):
    child = held_child(world)
    for hours in range(5):
        create_action(
            child, world.yot, title=f"Task {hours}", due_at=NOW + timedelta(hours=hours + 1)
        )
    client.application.config["PAGE_SIZE"] = 2
    sign_in(client, world.officer)
    first = client.get("/actions").text
    assert "Task 0" in first and "Task 1" in first and "Task 2" not in first
    third = client.get("/actions", query_string={"page": 3}).text
    assert "Task 4" in third and "Task 0" not in third
    assert "5 open actions" in third
    # Past the last page no row is left to carry the count: it is counted on its own.
    beyond = client.get("/actions", query_string={"page": 9}).text
    assert "5 open actions" in beyond and "Task" not in beyond


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_an_establishments_closed_actions_come_latest_first_for_children_it_may_see(
    client, world, status
):
    child = held_child(world, given_name="Jordan", family_name="Ellis")
    never_held = create_child(world.area)
    create_placement(never_held, world.other_yoi, admitted_at=NOW - timedelta(days=9))
    for days, title in ((3, "Older"), (1, "Newest"), (2, "Middle")):
        create_action(child, world.yoi, title=title, **{f"{status}_at": NOW - timedelta(days=days)})
    create_action(never_held, world.yoi, title="Not theirs", **{f"{status}_at": NOW})
    create_action(child, world.yoi, title="Still open")
    sign_in(client, world.staff)
    page = client.get("/actions", query_string={"status": status}).text
    assert page.index("Newest") < page.index("Middle") < page.index("Older")
    assert "Not theirs" not in page and "Still open" not in page
    assert f"3 {status} actions" in page


def test_a_long_list_links_to_its_first_last_and_neighbouring_pages(client, world):
    child = held_child(world)
    for n in range(30):
        create_action(child, world.yoi, title=f"Task {n}", completed_at=NOW - timedelta(hours=n))
    client.application.config["PAGE_SIZE"] = 1
    sign_in(client, world.staff)
    response = client.get("/actions", query_string={"status": "completed", "page": 15})
    assert response.status_code == 200
    links = re.findall(r'href="/actions\?([^"]+)"', response.text)
    pages = [int(re.search(r"page=(\d+)", link)[1]) for link in links]
    assert pages == [14, 1, 14, 15, 16, 30, 16]  # previous, the numbers, next
    assert all("status=completed" in link for link in links)
    assert "govuk-pagination__item--ellipsis" in response.text
    assert "Task 14" in response.text


def test_an_acpc_sees_the_actions_of_its_areas_children_whoever_owns_them(client, world):
    child = held_child(world)
    elsewhere = create_child(world.other_area)
    create_action(child, world.yot, title="YOT's task")
    create_action(child, world.yoi, title="Establishment's task")
    create_action(elsewhere, world.other_yot, title="Riverside task")
    sign_in(client, world.acpc_member)
    page = client.get("/actions").text
    assert "YOT&#39;s task" in page and "Establishment&#39;s task" in page
    assert "Riverside task" not in page
    assert "/complete" not in page


def test_the_service_navigation_links_to_actions(client, world):
    sign_in(client, world.staff)
    assert 'href="/actions"' in client.get("/").text


# Demo data


def test_demo_data_shows_admission_actions_some_done_some_overdue(app):
    from yoi_welfare.demo import load_demo_data

    load_demo_data("demo-password-2026")
    db.session().commit()
    rows = db.session().exec(select(WelfareAction)).all()
    kinds = {action.kind for action in rows}
    assert {"welfare_screening_due", "first_lac_review", "initial_planning_meeting"} <= kinds
    assert any(action.completed_at for action in rows)
    assert any(action.is_open and action.due_at <= NOW for action in rows)
    assert any(action.is_open and action.due_at > NOW for action in rows)
    held = (
        db.session()
        .exec(
            select(func.count(sa.distinct(Placement.young_person_id))).where(
                Placement.left_at.is_(None)
            )
        )
        .one()
    )
    screenings = [action for action in rows if action.kind == "welfare_screening_due"]
    assert len(screenings) == held
    load_demo_data("demo-password-2026")
    assert count_actions() == len(rows)


def test_the_childs_page_shows_the_latest_closed_actions_and_the_chronology_every_action(
    app, client, world
):
    app.config["PAGE_SIZE"] = 30
    child = held_child(world)
    create_action(child, world.yot, title="Still open", due_at=NOW + timedelta(days=1))
    for day in range(1, 13):
        create_action(
            child,
            world.yot,
            title=f"Closed {day:02}",
            due_at=NOW - timedelta(days=40),
            completed_at=NOW - timedelta(days=day),
        )
    sign_in(client, world.officer)
    page = client.get(f"/children/{child.id}").text
    panel = page[: page.index('id="chronology"')]
    assert "The 10 most recent of 12 completed and cancelled actions" in panel
    assert "Closed 10" in panel and "Closed 11" not in panel and "Still open" in panel
    # The chronology's first page holds the newest 30 entries: every action set and closed.
    timeline = client.get(f"/children/{child.id}", query_string={"kind": "action"}).text
    chronology = timeline[timeline.index('id="chronology"') :]
    assert chronology.count("Action completed: Closed") == 12
    assert chronology.count("Action set: ") == 13
    assert chronology.index("Action completed: Closed 01") < chronology.index(
        "Action completed: Closed 12"
    )


def test_the_childs_page_says_nothing_of_earlier_actions_when_it_shows_them_all(client, world):
    child = held_child(world)
    for day in (1, 2, 3):
        create_action(
            child, world.yot, title=f"Closed {day}", completed_at=NOW - timedelta(days=day)
        )
    sign_in(client, world.officer)
    page = client.get(f"/children/{child.id}").text
    assert 'id="earlier-actions"' not in page
    assert all(f"Closed {day}" in page for day in (1, 2, 3))
