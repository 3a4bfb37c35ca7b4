"""Self-harm flags (ACCT): opened, planned, assessed, reviewed, closed, ended; and who may see."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import func, select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from tests.test_outbox import free_port, smtp_transport, start_server
from tests.test_people import admission_form
from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.governance.models import Disclosure, DisclosureChannel
from yoi_welfare.notifications.models import Delivery
from yoi_welfare.outbox.models import OutboundEmail
from yoi_welfare.outbox.services import deliver_due
from yoi_welfare.self_harm import services
from yoi_welfare.self_harm.models import (
    CaseReview,
    FlagState,
    ObservationLevel,
    RiskLevel,
    SelfHarmFlag,
)

# Wednesday 25 November 2026, noon; UK clocks are on GMT, so UTC is London time.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# Why a child leaves custody and where they go, as the release form asks.
RELEASED = {"reason": "BAIL", "destination": "HOME"}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def held_child(world, establishment=None, **fields):
    child = create_child(world.area, given_name="Jordan", family_name="Ellis", **fields)
    create_placement(child, establishment or world.yoi, admitted_at=NOW - timedelta(days=3))
    return child


def open_form(**changes) -> dict:
    data = {
        "concern": "Found with a ligature at the evening check",
        "risk_level": "RAISED",
        "observation_level": "EVERY_30_MINUTES",
        "triggers": "Court dates",
        "warning_signs": "Not coming out for meals",
        "opened_on": ["25", "11", "2026"],
        "opened_time": "11:30",
    }
    data.update(changes)
    return data


def plan_made(at: str) -> dict:
    """The date and time boxes of the immediate action plan: today at ``at``."""
    return {"made_on": ["25", "11", "2026"], "made_time": at}


def review_form(flag: SelfHarmFlag, **changes) -> dict:
    data = {
        "version_id": str(flag.version_id),
        "held_on": ["25", "11", "2026"],
        "held_time": "11:45",
        "attendees": ["CHILD", "HEALTHCARE"],
        "yot_attended": "yes",
        "outcome": "Keep the flag open; in-reach to visit",
        "risk_level": "HIGH",
        "observation_level": "EVERY_15_MINUTES",
        "decision": "open",
        "next_review_on": ["26", "11", "2026"],
        "next_review_time": "10:00",
    }
    data.update(changes)
    return data


def fresh(model, id_):
    db.session().rollback()
    db.session().expire_all()
    return db.session().get(model, id_)


def flags_of(child) -> list[SelfHarmFlag]:
    db.session().rollback()
    db.session().expire_all()
    return list(
        db.session().exec(select(SelfHarmFlag).where(SelfHarmFlag.young_person_id == child.id))
    )


def actions_of(child) -> dict[str, WelfareAction]:
    db.session().rollback()
    db.session().expire_all()
    rows = db.session().exec(
        select(WelfareAction)
        .where(WelfareAction.young_person_id == child.id)
        .order_by(WelfareAction.id)
    )
    return {action.kind: action for action in rows}


def count(model) -> int:
    db.session().rollback()
    return db.session().exec(select(func.count()).select_from(model)).one()


def audited(name: str) -> list[AuditEvent]:
    db.session().rollback()
    return list(db.session().exec(select(AuditEvent).where(AuditEvent.action == name)))


def open_flag(world, child, opened_at=NOW - timedelta(minutes=30), by=None) -> SelfHarmFlag:
    """A flag opened through the service, as the web page does."""
    flag = services.open_flag(
        child,
        by=by or world.staff,
        concern="Scratches on the forearm",
        risk_level=RiskLevel.RAISED,
        observation_level=ObservationLevel.EVERY_30_MINUTES,
        triggers=None,
        warning_signs=None,
        opened_at=opened_at,
        now=NOW,
    )
    db.session().commit()
    return flag


def record_review(world, flag, *, held_at, by=None, **changes) -> CaseReview:
    """A case review recorded through the service against the flag as it is now, committed;
    by default it closes the flag at low risk on standard observations."""
    flag = fresh(SelfHarmFlag, flag.id)
    fields = {
        "attendees": [],
        "yot_attended": False,
        "outcome": "Close",
        "risk_level": RiskLevel.LOW,
        "observation_level": ObservationLevel.STANDARD,
        "close": True,
        "next_review_due": None,
        **changes,
    }
    review = services.record_case_review(
        flag, by=by or world.staff, version=flag.version_id, held_at=held_at, now=NOW, **fields
    )
    db.session().commit()
    return review


def timeline_titles(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html5lib")
    return [h3.get_text(strip=True) for h3 in soup.select("#chronology-entries h3")]


def error_summary(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html5lib")
    return [" ".join(a.get_text().split()) for a in soup.select(".govuk-error-summary__list a")]


def banner(page: str) -> str:
    assert 'id="current-self-harm-flag"' in page, "no current flag shown"
    return page.split('id="current-self-harm-flag"', 1)[1].split('id="welfare-actions"', 1)[0]


# Opening


def test_opening_a_flag_makes_the_three_acct_actions_and_tops_the_childs_page(client, world):
    child = held_child(world)
    sign_in(client, world.staff)
    page = client.get(f"/children/{child.id}").text
    assert f"/children/{child.id}/self-harm-flags/new" in page
    assert "No self-harm flag has been opened" in page

    response = client.post(f"/children/{child.id}/self-harm-flags/new", data=open_form())
    assert response.status_code in (302, 303), response.text
    (flag,) = flags_of(child)
    assert (flag.state, flag.risk_level, flag.observation_level) == (
        FlagState.OPEN,
        RiskLevel.RAISED,
        ObservationLevel.EVERY_30_MINUTES,
    )
    assert flag.opened_at == utc(2026, 11, 25, 11, 30)
    assert (flag.opened_establishment_id, flag.reviewed_establishment_id) == (world.yoi.id,) * 2
    made = actions_of(child)
    assert {
        kind: (action.due_at, action.owner_agency_id, action.source_type, action.source_id)
        for kind, action in made.items()
    } == {
        "immediate_action_plan": (
            utc(2026, 11, 25, 12, 30),
            world.yoi.id,
            "self_harm_flag",
            flag.id,
        ),
        "assessment_interview": (
            utc(2026, 11, 26, 11, 30),
            world.yoi.id,
            "self_harm_flag",
            flag.id,
        ),
        "first_case_review": (utc(2026, 11, 26, 11, 30), world.yoi.id, "self_harm_flag", flag.id),
    }
    assert flag.next_review_due == made["first_case_review"].due_at
    assert [e.object_id for e in audited("self_harm_flag_opened")] == [flag.id]
    assert "Found with a ligature" not in str([e.detail for e in audited("self_harm_flag_opened")])

    # The child's YOT sees the flag at the top of the child's page at once.
    officer = client.application.test_client()
    sign_in(officer, world.officer)
    top = banner(officer.get(f"/children/{child.id}").text)
    for shown in ("Open", "Raised", "Every 30 minutes", "26 November 2026 at 11:30am", "Due later"):
        assert shown in top
    assert "Record a case review" not in top


def test_an_overdue_case_review_shows_in_red(client, world):
    child = held_child(world)
    open_flag(world, child, opened_at=NOW - timedelta(days=2))
    sign_in(client, world.officer)
    top = banner(client.get(f"/children/{child.id}").text)
    assert 'govuk-tag--red">Overdue by 1 day' in top


def test_the_open_page_states_the_deadlines_of_the_rules_in_force(client, world):
    from yoi_welfare.actions.models import TimescaleRule

    child = held_child(world)
    sign_in(client, world.staff)

    def stated() -> str:
        page = BeautifulSoup(
            client.get(f"/children/{child.id}/self-harm-flags/new").text, "html5lib"
        )
        return " ".join(page.select_one("#flag-deadlines").get_text().split())

    assert stated() == (
        "Opening a flag makes the immediate action plan due within 1 hour, the assessment "
        "interview due within 24 hours and the first case review due within 24 hours. The "
        "child's YOT sees the flag at once."
    )
    rule = (
        db.session()
        .exec(select(TimescaleRule).where(TimescaleRule.action_label == "Immediate action plan"))
        .one()
    )
    rule.due_offset = 2
    db.session().add(rule)
    db.session().commit()
    assert "the immediate action plan due within 2 hours," in stated()


def test_a_flag_opened_in_the_future_or_before_admission_is_refused(client, world):
    child = held_child(world)
    sign_in(client, world.staff)
    for changes, message in (
        ({"opened_time": "12:01"}, "The date and time must not be in the future"),
        ({"opened_on": ["21", "11", "2026"]}, "The date and time must be after the child was"),
        ({"concern": "  "}, "Enter the concern"),
        ({"risk_level": ""}, "Select a risk level"),
        ({"observation_level": "EVERY_MINUTE"}, "Select one of the options"),
        ({"opened_on": ["", "", ""]}, "Enter the date the flag was opened"),
    ):
        response = client.post(
            f"/children/{child.id}/self-harm-flags/new", data=open_form(**changes)
        )
        assert response.status_code == 200
        assert message in response.text, changes
        assert "govuk-error-summary" in response.text
    assert flags_of(child) == []
    assert count(WelfareAction) == 0


def test_only_one_flag_is_open_for_a_child_at_a_time(client, world):
    child = held_child(world)
    first = open_flag(world, child)
    sign_in(client, world.staff)
    page = client.get(f"/children/{child.id}").text
    assert f"/children/{child.id}/self-harm-flags/new" not in page
    form_page = client.get(f"/children/{child.id}/self-harm-flags/new").text
    assert "already has an open self-harm flag" in form_page
    actions_before = count(WelfareAction)

    response = client.post(f"/children/{child.id}/self-harm-flags/new", data=open_form())
    assert response.status_code == 200
    assert "Jordan Ellis already has an open self-harm flag" in response.text
    assert [flag.id for flag in flags_of(child)] == [first.id]
    assert count(WelfareAction) == actions_before
    with pytest.raises(services.SelfHarmError, match="already has an open self-harm flag"):
        open_flag(world, child)
    db.session().rollback()
    # The database holds the line too, should two requests race past the check.
    duplicate = SelfHarmFlag(
        young_person_id=child.id,
        concern="x",
        risk_level=RiskLevel.LOW,
        observation_level=ObservationLevel.STANDARD,
        opened_at=NOW,
        opened_by_id=world.staff.id,
        opened_establishment_id=world.yoi.id,
        reviewed_establishment_id=world.yoi.id,
    )
    db.session().add(duplicate)
    with pytest.raises(sa.exc.IntegrityError):
        db.session().commit()
    db.session().rollback()


# The whole lifecycle


def test_the_whole_acct_lifecycle_creates_and_completes_its_actions(client, world):
    child = held_child(world)
    sign_in(client, world.staff)
    client.post(f"/children/{child.id}/self-harm-flags/new", data=open_form())
    (flag,) = flags_of(child)
    base = f"/self-harm-flags/{flag.id}"

    # Immediate action plan: completes its action at the time it was made.
    assert "Record the immediate action plan" in client.get(base).text
    response = client.post(
        f"{base}/immediate-action-plan",
        data={
            "version_id": str(flag.version_id),
            "plan": "Obs every 30 minutes; keyworker",
            **plan_made("11:40"),
        },
    )
    assert response.status_code in (302, 303), response.text
    made = actions_of(child)
    assert made["immediate_action_plan"].completed_at == utc(2026, 11, 25, 11, 40)
    assert made["immediate_action_plan"].completed_by_id == world.staff.id

    # Assessment interview: completes its action at the time it was held.
    flag = fresh(SelfHarmFlag, flag.id)
    response = client.post(
        f"{base}/assessment-interview",
        data={
            "version_id": str(flag.version_id),
            "held_on": ["25", "11", "2026"],
            "held_time": "11:50",
            "summary": "Low mood after a missed visit",
        },
    )
    assert response.status_code in (302, 303), response.text
    assert actions_of(child)["assessment_interview"].completed_at == utc(2026, 11, 25, 11, 50)

    # First case review: completes the first review, sets the next, changes the levels.
    flag = fresh(SelfHarmFlag, flag.id)
    response = client.post(f"{base}/case-reviews/new", data=review_form(flag, held_time="11:55"))
    assert response.status_code in (302, 303), response.text
    flag = fresh(SelfHarmFlag, flag.id)
    assert (flag.risk_level, flag.observation_level) == (
        RiskLevel.HIGH,
        ObservationLevel.EVERY_15_MINUTES,
    )
    assert flag.next_review_due == utc(2026, 11, 26, 10, 0)
    (review,) = db.session().exec(select(CaseReview)).all()
    assert review.attendees == ["CHILD", "HEALTHCARE"] and review.yot_attended
    assert (review.previous_risk_level, review.risk_level) == (RiskLevel.RAISED, RiskLevel.HIGH)
    made = actions_of(child)
    assert made["first_case_review"].completed_at == utc(2026, 11, 25, 11, 55)
    next_review = made["next_case_review"]
    assert (next_review.due_at, next_review.owner_agency_id) == (
        utc(2026, 11, 26, 10, 0),
        world.yoi.id,
    )
    assert (next_review.source_type, next_review.source_id) == ("self_harm_case_review", review.id)

    # Two days later the second review closes the flag: the post-closure period starts.
    with time_machine.travel(utc(2026, 11, 27, 11, 0), tick=False):
        client = client.application.test_client()  # a new day, a new session
        sign_in(client, world.staff)
        response = client.post(
            f"{base}/case-reviews/new",
            data=review_form(
                flag,
                held_on=["27", "11", "2026"],
                held_time="10:30",
                decision="close",
                risk_level="RAISED",
                observation_level="STANDARD",
                next_review_on=["", "", ""],
                next_review_time="",
                outcome="Settled; close the flag",
            ),
        )
        assert response.status_code in (302, 303), response.text
        child_page = client.get(f"/children/{child.id}").text
    assert "Self-harm flag in post-closure period" in child_page
    flag = fresh(SelfHarmFlag, flag.id)
    assert (flag.state, flag.closed_at, flag.next_review_due) == (
        FlagState.CLOSED,
        utc(2026, 11, 27, 10, 30),
        None,
    )
    made = actions_of(child)
    assert made["next_case_review"].completed_at == utc(2026, 11, 27, 10, 30)
    post_closure = made["post_closure_review"]
    assert post_closure.is_open and post_closure.due_at == utc(2026, 12, 4, 10, 30)

    # The post-closure review ends the flag.
    with time_machine.travel(utc(2026, 12, 3, 9, 0), tick=False):
        client = client.application.test_client()
        sign_in(client, world.staff)
        response = client.post(
            f"{base}/post-closure-review",
            data={
                "version_id": str(flag.version_id),
                "held_on": ["3", "12", "2026"],
                "held_time": "08:30",
                "outcome": "No further concerns",
            },
        )
        assert response.status_code in (302, 303), response.text
        child_page = client.get(f"/children/{child.id}").text
        # The flag's page keeps the whole history; the chronology shows every step.
        history = client.get(base).text
        chronology = client.get(f"/children/{child.id}?kind=self_harm").text
    flag = fresh(SelfHarmFlag, flag.id)
    assert flag.state is FlagState.POST_CLOSURE_ENDED
    assert actions_of(child)["post_closure_review"].completed_at == utc(2026, 12, 3, 8, 30)
    assert all(action.completed_at for action in actions_of(child).values())
    assert 'id="current-self-harm-flag"' not in child_page
    assert "Ended" in child_page.split('id="flag-history"', 1)[1]
    assert f"/children/{child.id}/self-harm-flags/new" in child_page

    for shown in (
        "Obs every 30 minutes; keyworker",
        "Low mood after a missed visit",
        "Raised to High",
        "High to Raised",
        "The child, Healthcare",
        "No further concerns",
        "Post-closure review",
    ):
        assert shown in history, shown
    titles = timeline_titles(chronology)
    assert titles == [
        "Post-closure review: self-harm flag ended",
        "Case review: self-harm flag closed",
        "Case review",  # 11:55, as entered
        "Assessment interview held",  # 11:50
        "Immediate action plan recorded",  # 11:40
        "Self-harm flag opened",
    ]
    recorded = {event.action for event in db.session().exec(select(AuditEvent))}
    assert {
        "self_harm_immediate_action_plan_recorded",
        "self_harm_assessment_interview_recorded",
        "self_harm_case_review_recorded",
        "self_harm_flag_closed",
        "self_harm_post_closure_review_recorded",
        "self_harm_flag_viewed",
    } <= recorded


def test_a_step_already_recorded_is_not_recorded_again(client, world):
    child = held_child(world)
    flag = open_flag(world, child)
    sign_in(client, world.staff)
    data = {"version_id": str(flag.version_id), "plan": "First plan", **plan_made("11:40")}
    client.post(f"/self-harm-flags/{flag.id}/immediate-action-plan", data=data)
    page = client.get(f"/self-harm-flags/{flag.id}/immediate-action-plan").text
    assert "The immediate action plan has been recorded." in page
    response = client.post(
        f"/self-harm-flags/{flag.id}/immediate-action-plan",
        data={"version_id": str(flag.version_id), "plan": "Second plan", **plan_made("11:40")},
    )
    assert response.status_code == 200
    assert "This changed while you were editing" in response.text
    assert fresh(SelfHarmFlag, flag.id).immediate_action_plan == "First plan"


# Bad input


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"held_time": "12:30"}, "The date and time must not be in the future"),
        ({"held_time": "11:00"}, "The date and time must be after the flag was opened"),
        ({"held_on": ["24", "11", "2026"]}, "The date and time must be after the flag was opened"),
        (
            {"next_review_on": ["25", "11", "2026"], "next_review_time": "11:59"},
            "The next case review must be in the future",
        ),
        ({"next_review_on": ["20", "11", "2026"]}, "The next case review must be in the future"),
        ({"next_review_on": ["", "", ""]}, "Enter the date of the next case review"),
        ({"next_review_time": ""}, "Enter the time of the next case review"),
        ({"outcome": ""}, "Enter what the review decided"),
        ({"yot_attended": ""}, "Select yes if the child&#39;s YOT attended"),
        ({"decision": ""}, "Select whether the flag stays open"),
        ({"held_on": ["31", "11", "2026"]}, "Date of the review must be a real date"),
    ],
)
def test_a_case_review_with_bad_dates_or_gaps_saves_nothing(client, world, changes, message):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=utc(2026, 11, 25, 11, 15))
    before = (count(CaseReview), count(WelfareAction), flag.version_id)
    sign_in(client, world.staff)
    response = client.post(
        f"/self-harm-flags/{flag.id}/case-reviews/new", data=review_form(flag, **changes)
    )
    assert response.status_code == 200
    assert message in response.text
    assert "<title>Error: " in response.text
    if "outcome" not in changes:
        assert "Keep the flag open; in-reach to visit" in response.text  # nothing typed is lost
    assert (
        count(CaseReview),
        count(WelfareAction),
        fresh(SelfHarmFlag, flag.id).version_id,
    ) == before


def test_a_flag_is_closed_only_by_a_case_review(client, world):
    child = held_child(world)
    flag = open_flag(world, child)
    sign_in(client, world.staff)
    # Closing needs the review itself: when it was held and what it decided.
    response = client.post(
        f"/self-harm-flags/{flag.id}/case-reviews/new",
        data=review_form(flag, decision="close", held_on=["", "", ""], outcome=""),
    )
    assert "Enter the date of the review" in response.text
    assert "Enter what the review decided" in response.text
    # And there is no closing by the back door of the post-closure review.
    page = client.get(f"/self-harm-flags/{flag.id}/post-closure-review").text
    assert "The flag is open. Close it at a case review first." in page
    response = client.post(
        f"/self-harm-flags/{flag.id}/post-closure-review",
        data={
            "version_id": str(flag.version_id),
            "held_on": ["25", "11", "2026"],
            "held_time": "11:50",
            "outcome": "Closing it",
        },
    )
    assert "The flag is open. Close it at a case review first." in response.text
    assert fresh(SelfHarmFlag, flag.id).state is FlagState.OPEN
    flag = fresh(SelfHarmFlag, flag.id)
    with pytest.raises(services.SelfHarmError, match="Close it at a case review"):
        services.record_post_closure_review(
            flag, by=world.staff, version=flag.version_id, outcome="x", held_at=NOW, now=NOW
        )
    assert "post_closure_review" not in actions_of(child)


def test_a_post_closure_review_before_the_closure_is_refused(client, world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=NOW - timedelta(hours=5))
    record_review(world, flag, held_at=NOW - timedelta(hours=1))
    sign_in(client, world.staff)
    response = client.post(
        f"/self-harm-flags/{flag.id}/post-closure-review",
        data={
            "version_id": str(fresh(SelfHarmFlag, flag.id).version_id),
            "held_on": ["25", "11", "2026"],
            "held_time": "10:00",
            "outcome": "Fine",
        },
    )
    assert "The date and time must be after the flag was closed" in response.text
    assert fresh(SelfHarmFlag, flag.id).state is FlagState.CLOSED


# Two people at once


def test_two_people_recording_the_same_review_the_second_is_told_and_loses_nothing(app, world):
    child = held_child(world)
    flag = open_flag(world, child)
    colleague = create_user(world.yoi, name="Safer Custody Lead")
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.staff)
    sign_in(second, colleague)
    url = f"/self-harm-flags/{flag.id}/case-reviews/new"
    for client in (first, second):
        assert f'name="version_id" type="hidden" value="{flag.version_id}"' in client.get(url).text

    assert first.post(url, data=review_form(flag, outcome="First view")).status_code in (302, 303)
    response = second.post(url, data=review_form(flag, outcome="Second view"))
    assert response.status_code == 200
    assert "This changed while you were editing" in response.text
    assert "Second view" in response.text  # what they typed is still there
    assert [r.outcome for r in db.session().exec(select(CaseReview))] == ["First view"]
    current = fresh(SelfHarmFlag, flag.id).version_id
    assert f'name="version_id" type="hidden" value="{current}"' in response.text
    # Having seen the flag as it is now, they may save theirs as a further review.
    again = second.post(url, data=review_form(flag, outcome="Second view", version_id=str(current)))
    assert again.status_code in (302, 303), again.text
    assert count(CaseReview) == 2


def test_a_change_that_lands_between_reading_and_writing_is_not_overwritten(world):
    child = held_child(world)
    flag = open_flag(world, child)
    version = flag.version_id
    with db.engine().begin() as connection:
        connection.execute(
            sa.text("UPDATE self_harm_flag SET version_id = version_id + 1 WHERE id = :id"),
            {"id": flag.id},
        )
    with pytest.raises(services.StaleFlagError, match="This changed while you were editing"):
        services.record_immediate_action_plan(
            flag, by=world.staff, version=version, plan="Plan", made_at=NOW, now=NOW
        )
    db.session().rollback()
    assert fresh(SelfHarmFlag, flag.id).immediate_action_plan is None


# Transfers


def transfer(client, child, destination, at="11:50"):
    response = client.post(
        f"/children/{child.id}/transfer",
        data={"destination": str(destination.id), "on_date": ["25", "11", "2026"], "at_time": at},
    )
    assert response.status_code in (302, 303), response.text


def test_a_flag_follows_the_child_and_is_flagged_until_reviewed_at_the_new_establishment(
    client, world
):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=NOW - timedelta(hours=3))
    sign_in(client, world.staff)
    transfer(client, child, world.other_yoi)

    made = actions_of(child)
    assert made["first_case_review"].owner_agency_id == world.other_yoi.id
    notice = (
        "Transferred with an open self-harm flag: "
        "no case review has been held at Cedar Lodge STC yet."
    )
    receiving = client.application.test_client()
    sign_in(receiving, world.other_staff)
    assert notice in banner(receiving.get(f"/children/{child.id}").text)
    home = receiving.get("/").text
    assert "Children on an open self-harm flag (1)" in home
    assert "Transferred with an open self-harm flag" in home.split('id="open-flags"', 1)[1]
    officer = client.application.test_client()
    sign_in(officer, world.officer)
    assert notice in banner(officer.get(f"/children/{child.id}").text)
    assert (
        "Transferred with an open self-harm flag, not yet reviewed there" in officer.get("/").text
    )

    # The establishment the child left reads the flag but records nothing more.
    assert client.get(f"/self-harm-flags/{flag.id}").status_code == 200
    assert client.get(f"/self-harm-flags/{flag.id}/case-reviews/new").status_code == 404

    response = receiving.post(
        f"/self-harm-flags/{flag.id}/case-reviews/new", data=review_form(flag, held_time="11:55")
    )
    assert response.status_code in (302, 303), response.text
    flag = fresh(SelfHarmFlag, flag.id)
    assert flag.reviewed_establishment_id == world.other_yoi.id
    assert actions_of(child)["first_case_review"].completed_by_id == world.other_staff.id
    assert (
        "Transferred with an open self-harm flag" not in receiving.get(f"/children/{child.id}").text
    )
    assert "not yet reviewed there" not in officer.get("/").text


def test_a_transfer_with_an_open_flag_emails_the_receiving_and_yot_managers(client, world):
    # Managers who chose each notice at once: a flag at raised risk could wait for the digest.
    at_once = {"is_manager": True, "routine_notices": Delivery.IMMEDIATE}
    receiving_manager = create_user(world.other_yoi, email="m@cedar.example.org", **at_once)
    yot_manager = create_user(world.yot, email="m@yot.example.org", **at_once)
    create_user(world.other_yoi, email="staff@cedar.example.org")  # not a manager: no email
    child = held_child(world)
    flag = open_flag(world, child, opened_at=NOW - timedelta(hours=3))
    quiet = create_child(world.area, given_name="Noah", family_name="Quiet")
    create_placement(quiet, world.yoi, admitted_at=NOW - timedelta(days=3))
    sign_in(client, world.staff)

    transfer(client, quiet, world.other_yoi, at="11:40")  # no open flag: no email
    assert db.session().exec(select(func.count()).select_from(OutboundEmail)).one() == 0
    transfer(client, child, world.other_yoi)

    emails = db.session().exec(select(OutboundEmail).order_by(OutboundEmail.to_address)).all()
    assert [e.to_address for e in emails] == [receiving_manager.email, yot_manager.email]
    email = emails[0]
    assert email.subject == f"Transferred with an open self-harm flag: JE {child.local_reference}"
    assert f"/self-harm-flags/{flag.id}" in email.body_text
    assert "Jordan" not in email.body_text and "Ellis" not in email.body_text
    assert flag.concern not in email.body_text
    disclosures = (
        db.session().exec(select(Disclosure).where(Disclosure.young_person_id == child.id)).all()
    )
    assert sorted(d.recipient for d in disclosures) == [
        receiving_manager.email,
        yot_manager.email,
    ]
    assert {d.channel for d in disclosures} == {DisclosureChannel.EMAIL}


# Releases


def release(client, child, at="11:50"):
    response = client.post(
        f"/children/{child.id}/release",
        data={**RELEASED, "on_date": ["25", "11", "2026"], "at_time": at},
    )
    assert response.status_code in (302, 303), response.text
    return client.get(response.headers["Location"]).text


def test_releasing_a_child_on_an_open_flag_ends_it_and_the_yots_managers_hear_over_smtp(
    client, world, app
):
    yot_manager = create_user(
        world.yot, is_manager=True, email="m@yot.example.org", routine_notices=Delivery.IMMEDIATE
    )
    create_user(world.yoi, is_manager=True, email="m@ashgrove.example.org")  # not emailed
    child = held_child(world)
    flag = open_flag(world, child, opened_at=NOW - timedelta(hours=3))
    sign_in(client, world.staff)

    warning = client.get(f"/children/{child.id}/release").text
    assert "Jordan Ellis has an open self-harm flag (risk raised" in warning
    assert "their YOT's managers will be told." in warning
    page = release(client, child)
    assert "Jordan Ellis has been released. Their self-harm flag has ended" in page
    assert 'id="current-self-harm-flag"' not in page

    flag = fresh(SelfHarmFlag, flag.id)
    assert flag.state is FlagState.ENDED_ON_RELEASE
    assert flag.closed_at == flag.released_at == utc(2026, 11, 25, 11, 50)
    assert (flag.closed_by_id, flag.released_from_id) == (world.staff.id, world.yoi.id)
    assert flag.next_review_due is None
    made = actions_of(child)
    for kind in ("immediate_action_plan", "assessment_interview", "first_case_review"):
        assert made[kind].cancelled_at == utc(2026, 11, 25, 11, 50), kind
    assert [e.object_id for e in audited("self_harm_flag_ended_on_release")] == [flag.id]

    shown = client.get(f"/self-harm-flags/{flag.id}").text
    assert "Ended on release" in shown
    assert (
        "None: the flag ended when Jordan Ellis was released from Ashgrove YOI "
        "25 November 2026 at 11:50am."
    ) in " ".join(shown.split())
    assert "Record the post-closure review" not in shown
    chronology = client.get(f"/children/{child.id}?kind=self_harm").text
    assert timeline_titles(chronology) == [
        "Released: self-harm flag ended",
        "Self-harm flag opened",
    ]
    assert "Released while the flag was open; it ended with the release." in chronology
    assert 'class="govuk-tag govuk-tag--grey">Ended on release' in shown

    (email,) = db.session().exec(select(OutboundEmail)).all()
    assert email.to_address == yot_manager.email
    assert "Jordan" not in email.body_text and flag.concern not in email.body_text
    (disclosure,) = (
        db.session().exec(select(Disclosure).where(Disclosure.young_person_id == child.id)).all()
    )
    assert disclosure.recipient == yot_manager.email
    controller, inbox = start_server(smtp_port := free_port())
    try:
        with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
            deliver_due(smtp_transport(app, smtp_port), "service@example.org")
    finally:
        controller.stop()
    (message,) = inbox.messages
    assert message["To"] == yot_manager.email
    assert message["Subject"] == (
        f"Released with an open self-harm flag: JE {child.local_reference}"
    )
    body = message.get_body(("plain",)).get_content()
    assert "released from Ashgrove YOI. The flag has ended with the release." in body
    assert "Released: 25 November 2026 at 11:50am" in body
    assert f"/self-harm-flags/{flag.id}" in body


def test_a_child_released_on_a_flag_can_be_flagged_again_when_back_in_custody(client, world):
    child = held_child(world)
    old = open_flag(world, child, opened_at=NOW - timedelta(hours=3))
    sign_in(client, world.staff)
    release(client, child, at="10:00")
    response = client.post("/admissions/new", data=admission_form(child, at_time="11:00"))
    assert response.status_code in (302, 303), response.text

    response = client.post(f"/children/{child.id}/self-harm-flags/new", data=open_form())
    assert response.status_code in (302, 303), response.text
    states = {flag.id: flag.state for flag in flags_of(child)}
    assert states[old.id] is FlagState.ENDED_ON_RELEASE
    assert sorted(states.values()) == [FlagState.ENDED_ON_RELEASE, FlagState.OPEN]
    page = client.get(f"/children/{child.id}").text
    assert (
        "Found with a ligature at the evening check"
        in client.get(f"/self-harm-flags/{max(states)}").text
    )
    assert "Open self-harm flag (ACCT)" in banner(page)


def test_a_flag_in_its_post_closure_period_ends_on_release_without_an_email(client, world):
    create_user(world.yot, is_manager=True, email="m@yot.example.org")
    child = held_child(world)
    flag = open_flag(world, child, opened_at=NOW - timedelta(hours=3))
    sign_in(client, world.staff)
    response = client.post(
        f"/self-harm-flags/{flag.id}/case-reviews/new",
        data=review_form(
            flag,
            decision="close",
            risk_level="LOW",
            observation_level="STANDARD",
            next_review_on=["", "", ""],
            next_review_time="",
            held_time="11:50",
        ),
    )
    assert response.status_code in (302, 303), response.text
    assert fresh(SelfHarmFlag, flag.id).state is FlagState.CLOSED
    assert actions_of(child)["post_closure_review"].cancelled_at is None

    emails_before = count(OutboundEmail)  # the review raised the risk: the YOT heard then
    page = release(client, child)  # in the same minute as the review that closed it
    assert "self-harm flag has ended" not in page
    flag = fresh(SelfHarmFlag, flag.id)
    assert flag.state is FlagState.ENDED_ON_RELEASE
    assert flag.closed_by_id == world.staff.id and flag.released_at == utc(2026, 11, 25, 11, 50)
    chronology = client.get(f"/children/{child.id}?kind=self_harm").text
    assert "Released while the flag was in its post-closure period" in chronology
    assert actions_of(child)["post_closure_review"].cancelled_at is not None
    assert count(OutboundEmail) == emails_before
    with pytest.raises(services.SelfHarmError, match="no post-closure review after a release"):
        services.record_post_closure_review(
            flag,
            by=world.staff,
            version=flag.version_id,
            outcome="Settled",
            held_at=NOW,
            now=NOW,
        )


def test_a_release_dated_before_the_flags_last_step_is_refused_and_changes_nothing(client, world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=NOW - timedelta(hours=3))  # 9am
    sign_in(client, world.staff)
    response = client.post(
        f"/children/{child.id}/release",
        data={**RELEASED, "on_date": ["25", "11", "2026"], "at_time": "08:30"},
    )
    assert response.status_code == 200
    assert error_summary(response.text) == [
        "The date and time must be after the flag was opened on the child's self-harm flag "
        "(25 November 2026 at 9am)"
    ]
    assert fresh(SelfHarmFlag, flag.id).state is FlagState.OPEN
    assert 'id="current-self-harm-flag"' in client.get(f"/children/{child.id}").text
    assert audited("child_released") == [] and count(OutboundEmail) == 0


def test_releasing_on_a_flag_when_the_yot_has_no_manager_says_to_tell_the_yot(client, world):
    child = held_child(world)
    open_flag(world, child, opened_at=NOW - timedelta(hours=3))
    sign_in(client, world.staff)
    tell = "No manager at their YOT has an account to tell: tell the YOT yourself"
    assert tell in client.get(f"/children/{child.id}/release").text
    page = release(client, child)
    assert f"Their self-harm flag has ended. {tell}" in page
    assert count(OutboundEmail) == 0


def test_a_release_entered_after_a_plan_typed_later_is_accepted(client, world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=NOW - timedelta(hours=3))
    services.record_immediate_action_plan(
        flag,
        by=world.staff,
        version=flag.version_id,
        plan="Obs every 30 minutes",
        made_at=NOW - timedelta(minutes=20),
        now=NOW,
    )
    db.session().commit()
    sign_in(client, world.staff)
    # The child left at 11:50; the plan made at 11:40 was typed in at noon, after they had gone.
    assert "Jordan Ellis has been released" in release(client, child, at="11:50")
    assert fresh(SelfHarmFlag, flag.id).state is FlagState.ENDED_ON_RELEASE


def test_releasing_a_child_without_a_flag_says_nothing_of_flags(client, world):
    child = held_child(world)
    sign_in(client, world.staff)
    assert "self-harm flag" not in client.get(f"/children/{child.id}/release").text
    page = release(client, child)
    assert "Jordan Ellis has been released" in page and "self-harm flag has ended" not in page
    assert audited("self_harm_flag_ended_on_release") == []


def test_the_establishment_home_lists_open_flags_first_soonest_review_first(client, world):
    later = held_child(world)
    sooner = create_child(world.area, given_name="Ava", family_name="Brook")
    create_placement(sooner, world.yoi, admitted_at=NOW - timedelta(days=3))
    elsewhere = held_child(world, establishment=world.other_yoi)
    unflagged = create_child(world.area, given_name="Noah", family_name="Quiet")
    create_placement(unflagged, world.yoi, admitted_at=NOW - timedelta(days=3))
    open_flag(world, later, opened_at=NOW - timedelta(hours=1))
    open_flag(world, sooner, opened_at=NOW - timedelta(days=2))
    open_flag(world, elsewhere, by=world.other_staff)
    sign_in(client, world.staff)
    page = client.get("/").text
    flags = page.split('id="open-flags"', 1)[1].split("</table>", 1)[0]
    assert "Children on an open self-harm flag (2)" in page
    assert flags.index("Ava Brook") < flags.index("Jordan Ellis")
    assert "Noah Quiet" not in flags
    assert "26 November 2026 at 11am" in flags and "Overdue by 1 day" in flags
    assert page.index('id="open-flags"') < page.index("Children held here now")


def test_the_yot_hears_at_once_of_a_flag_at_high_risk(client, world):
    yot_manager = create_user(world.yot, is_manager=True, email="m@yot.example.org")
    child = held_child(world)
    sign_in(client, world.staff)
    response = client.post(f"/children/{child.id}/self-harm-flags/new", data=open_form())
    assert response.status_code in (302, 303), response.text
    assert count(OutboundEmail) == 0  # raised risk: the establishment's own business

    (flag,) = flags_of(child)
    response = client.post(
        f"/self-harm-flags/{flag.id}/case-reviews/new", data=review_form(flag, risk_level="HIGH")
    )
    assert response.status_code in (302, 303), response.text
    (email,) = db.session().exec(select(OutboundEmail)).all()
    assert email.to_address == yot_manager.email
    assert email.subject == f"Self-harm flag at high risk: JE {child.local_reference}"
    assert "Ashgrove YOI has raised the risk on a self-harm flag to high" in email.body_text
    assert "Jordan" not in email.body_text and "ligature" not in email.body_text

    other = create_child(world.area, given_name="Ava", family_name="Brook")
    create_placement(other, world.yoi, admitted_at=NOW - timedelta(days=3))
    response = client.post(
        f"/children/{other.id}/self-harm-flags/new", data=open_form(risk_level="HIGH")
    )
    assert response.status_code in (302, 303), response.text
    assert count(OutboundEmail) == 2


# Who sees what


@pytest.mark.parametrize("who", ["other_staff", "other_officer"])
def test_another_establishment_and_another_areas_yot_see_nothing(client, world, who):
    child = held_child(world)
    flag = open_flag(world, child)
    user = getattr(world, who)
    sign_in(client, user)
    assert client.get(f"/self-harm-flags/{flag.id}").status_code == 404
    assert client.get(f"/children/{child.id}").status_code == 404
    assert "Jordan Ellis" not in client.get("/").text
    denied = [e for e in audited("access_denied") if e.user_id == user.id]
    assert len(denied) == 2


def test_the_yot_and_acpc_read_flags_but_only_the_holding_establishment_records(client, world):
    child = held_child(world)
    flag = open_flag(world, child)
    for user in (world.officer, world.acpc_member):
        reader = client.application.test_client()
        sign_in(reader, user)
        page = reader.get(f"/self-harm-flags/{flag.id}").text
        assert "Scratches on the forearm" in page and "Record a case review" not in page
        assert reader.get(f"/self-harm-flags/{flag.id}/case-reviews/new").status_code == 403
        assert (
            reader.post(f"/children/{child.id}/self-harm-flags/new", data=open_form()).status_code
            == 403
        )
    sign_in(client, world.admin)
    assert client.get(f"/self-harm-flags/{flag.id}").status_code == 403
    assert [e.object_id for e in audited("self_harm_flag_viewed")] == [flag.id, flag.id]


def test_a_flag_that_does_not_exist_is_not_found(client, world):
    sign_in(client, world.staff)
    assert client.get("/self-harm-flags/999").status_code == 404
    assert client.get("/self-harm-flags/999/case-reviews/new").status_code == 404


# The order of the steps


def record_plan(world, flag, made_at):
    services.record_immediate_action_plan(
        flag, by=world.staff, version=flag.version_id, plan="Plan", made_at=made_at, now=NOW
    )
    db.session().commit()


def test_each_step_comes_after_the_one_before_and_nothing_is_saved_out_of_order(client, world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=utc(2026, 11, 25, 11, 0))
    sign_in(client, world.staff)
    base = f"/self-harm-flags/{flag.id}"

    form = client.get(f"{base}/immediate-action-plan").text
    assert 'name="made_time" type="text" value="12:00"' in form  # starts at now
    response = client.post(
        f"{base}/immediate-action-plan",
        data={"version_id": str(flag.version_id), "plan": "Plan", **plan_made("10:59")},
    )
    assert error_summary(response.text) == [
        "The date and time must be after the flag was opened (25 November 2026 at 11am)"
    ]
    response = client.post(
        f"{base}/immediate-action-plan",
        data={"version_id": str(flag.version_id), "plan": "Plan", **plan_made("12:01")},
    )
    assert error_summary(response.text) == ["The date and time must not be in the future"]
    assert fresh(SelfHarmFlag, flag.id).immediate_action_plan_at is None
    record_plan(world, fresh(SelfHarmFlag, flag.id), utc(2026, 11, 25, 11, 20))

    flag = fresh(SelfHarmFlag, flag.id)
    interview = {
        "version_id": str(flag.version_id),
        "held_on": ["25", "11", "2026"],
        "held_time": "11:10",
        "summary": "Low mood",
    }
    response = client.post(f"{base}/assessment-interview", data=interview)
    assert error_summary(response.text) == [
        "The date and time must be after the immediate action plan (25 November 2026 at 11:20am)"
    ]
    response = client.post(f"{base}/assessment-interview", data={**interview, "held_time": "11:30"})
    assert response.status_code in (302, 303), response.text

    flag = fresh(SelfHarmFlag, flag.id)
    response = client.post(f"{base}/case-reviews/new", data=review_form(flag, held_time="11:25"))
    assert error_summary(response.text) == [
        "The date and time must be after the assessment interview (25 November 2026 at 11:30am)"
    ]
    assert count(CaseReview) == 0
    response = client.post(f"{base}/case-reviews/new", data=review_form(flag, held_time="11:40"))
    assert response.status_code in (302, 303), response.text
    flag = fresh(SelfHarmFlag, flag.id)
    response = client.post(f"{base}/case-reviews/new", data=review_form(flag, held_time="11:35"))
    assert error_summary(response.text) == [
        "The date and time must be after the last case review (25 November 2026 at 11:40am)"
    ]
    assert count(CaseReview) == 1


def test_a_plan_written_up_late_must_still_come_before_the_interview(world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=utc(2026, 11, 25, 11, 0))
    services.record_assessment_interview(
        flag,
        by=world.staff,
        version=flag.version_id,
        summary="Low mood",
        held_at=utc(2026, 11, 25, 11, 30),
        now=NOW,
    )
    db.session().commit()
    with pytest.raises(services.SelfHarmError, match="must be before the assessment interview"):
        record_plan(world, flag, NOW)
    db.session().rollback()
    record_plan(world, fresh(SelfHarmFlag, flag.id), utc(2026, 11, 25, 11, 15))
    assert fresh(SelfHarmFlag, flag.id).immediate_action_plan_at == utc(2026, 11, 25, 11, 15)


# How far ahead the next case review may be set


def test_the_form_states_the_latest_next_review_for_each_risk_level(client, world):
    child = held_child(world)
    flag = open_flag(world, child)
    sign_in(client, world.staff)
    page = " ".join(client.get(f"/self-harm-flags/{flag.id}/case-reviews/new").text.split())
    assert (
        "At the latest 24 hours after the review at high risk (26 November 2026 at 12pm for a "
        "review held now); 7 days after the review at raised risk (2 December 2026 at 12pm for "
        "a review held now); 14 days after the review at low risk" in page
    )


def test_a_next_review_beyond_the_limit_for_the_risk_level_is_refused(client, world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=utc(2026, 11, 25, 11, 15))
    sign_in(client, world.staff)
    # Raised risk stays raised: at most 7 days after the review held at 11:45.
    data = review_form(
        flag, risk_level="RAISED", next_review_on=["2", "12", "2026"], next_review_time="11:46"
    )
    response = client.post(f"/self-harm-flags/{flag.id}/case-reviews/new", data=data)
    assert error_summary(response.text) == [
        "The next case review must be by 2 December 2026 at 11:45am at the latest: "
        "7 days after the review, at raised risk"
    ]
    assert count(CaseReview) == 0
    data["next_review_time"] = "11:45"
    response = client.post(f"/self-harm-flags/{flag.id}/case-reviews/new", data=data)
    assert response.status_code in (302, 303), response.text
    assert fresh(SelfHarmFlag, flag.id).next_review_due == utc(2026, 12, 2, 11, 45)


def test_raising_the_risk_brings_the_next_review_forward_to_the_limit(client, world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=utc(2026, 11, 25, 11, 15))
    sign_in(client, world.staff)
    response = client.post(
        f"/self-harm-flags/{flag.id}/case-reviews/new",
        data=review_form(flag, risk_level="HIGH", next_review_on=["1", "12", "2026"]),
        follow_redirects=True,
    )
    assert (
        "The next case review has been brought forward to 26 November 2026 at 11:45am, the "
        "latest allowed at high risk" in response.text
    )
    assert fresh(SelfHarmFlag, flag.id).next_review_due == utc(2026, 11, 26, 11, 45)
    assert actions_of(child)["next_case_review"].due_at == utc(2026, 11, 26, 11, 45)


def test_a_review_recorded_after_its_limit_has_passed_makes_the_next_review_due_at_once(world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=NOW - timedelta(days=2, hours=1))
    stays_open = {"close": False, "next_review_due": NOW + timedelta(days=1)}
    record_review(
        world, flag, held_at=NOW - timedelta(days=2), risk_level=RiskLevel.RAISED, **stays_open
    )
    record_review(
        world,
        flag,
        held_at=NOW - timedelta(days=1, hours=1),
        risk_level=RiskLevel.HIGH,
        **stays_open,
    )
    # High risk: 24 hours after a review held 25 hours ago, so overdue by an hour already.
    assert fresh(SelfHarmFlag, flag.id).next_review_due == NOW - timedelta(hours=1)


def test_the_flag_page_leads_with_the_next_step_due_and_its_deadline(client, world):
    child = held_child(world)
    flag = open_flag(world, child, opened_at=utc(2026, 11, 25, 11, 30))
    sign_in(client, world.staff)
    page = client.get(f"/self-harm-flags/{flag.id}").text
    soup = BeautifulSoup(page, "html5lib")
    assert soup.select_one("#next-step-due").get_text(strip=True) == (
        "Immediate action plan due by 12:30pm today"
    )
    primary = soup.select(".govuk-button-group .govuk-button")[0]
    assert primary.get_text(strip=True) == "Record the immediate action plan"
    record_plan(world, fresh(SelfHarmFlag, flag.id), utc(2026, 11, 25, 11, 40))
    soup = BeautifulSoup(client.get(f"/self-harm-flags/{flag.id}").text, "html5lib")
    assert soup.select_one("#next-step-due").get_text(strip=True) == (
        "Assessment interview due by 11:30am tomorrow"
    )
    # Someone who cannot record sees no button.
    client.post("/sign-out")
    sign_in(client, world.officer)
    assert 'id="next-step-due"' not in client.get(f"/self-harm-flags/{flag.id}").text
