"""A manager's approval of a self-harm flag decision where a mistake costs most."""

import contextlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.models import Approval, ApprovalState
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.escalations.models import Escalation
from yoi_welfare.escalations.services import scan
from yoi_welfare.governance import subject_access
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.self_harm import services
from yoi_welfare.self_harm.models import FlagState, ObservationLevel, RiskLevel, SelfHarmFlag

# Wednesday 25 November 2026, noon (GMT, so UTC is London time).
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    world = World()
    world.manager = create_user(world.yoi, name="Safer Custody Manager", is_manager=True)
    world.second_manager = create_user(world.yoi, name="Duty Governor", is_manager=True)
    world.other_manager = create_user(world.other_yoi, name="Other Manager", is_manager=True)
    return world


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fresh(model, id_):
    db.session().rollback()
    db.session().expire_all()
    return db.session().get(model, id_)


def flag_at_high_risk(world) -> SelfHarmFlag:
    child = create_child(world.area, given_name="Jordan", family_name="Ellis")
    create_placement(child, world.yoi, admitted_at=NOW - timedelta(days=3))
    flag = services.open_flag(
        child,
        by=world.staff,
        concern="Ligature found",
        risk_level=RiskLevel.HIGH,
        observation_level=ObservationLevel.CONSTANT_WATCH,
        triggers=None,
        warning_signs=None,
        opened_at=NOW - timedelta(hours=5),
        now=NOW,
    )
    db.session().commit()
    return flag


def review_directly(world, flag, held_at, **changes) -> None:
    """A case review through the service, committed; by default it closes the flag at high
    risk on standard observations."""
    fields = {
        "attendees": [],
        "yot_attended": False,
        "outcome": "Close",
        "risk_level": RiskLevel.HIGH,
        "observation_level": ObservationLevel.STANDARD,
        "close": True,
        "next_review_due": None,
        **changes,
    }
    flag = fresh(SelfHarmFlag, flag.id)
    services.record_case_review(
        flag, by=world.staff, version=flag.version_id, held_at=held_at, now=NOW, **fields
    )
    db.session().commit()


def close_form(flag: SelfHarmFlag, **changes) -> dict:
    data = {
        "version_id": str(flag.version_id),
        "held_on": ["25", "11", "2026"],
        "held_time": "11:30",
        "attendees": ["CHILD"],
        "yot_attended": "no",
        "outcome": "Settled; close the flag",
        "risk_level": "HIGH",
        "observation_level": "CONSTANT_WATCH",
        "decision": "close",
    }
    data.update(changes)
    return data


def request_closure(client, world, flag, **changes) -> Approval:
    sign_in(client, world.staff)
    response = client.post(
        f"/self-harm-flags/{flag.id}/case-reviews/new", data=close_form(flag, **changes)
    )
    assert response.status_code in (302, 303), response.text
    client.post("/sign-out")
    db.session().rollback()
    db.session().expire_all()
    return db.session().exec(select(Approval)).one()


def actions_of(flag) -> dict[str, WelfareAction]:
    db.session().rollback()
    db.session().expire_all()
    rows = db.session().exec(
        select(WelfareAction)
        .where(WelfareAction.young_person_id == flag.young_person_id)
        .order_by(WelfareAction.id)
    )
    return {action.kind: action for action in rows}


def error_summary(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html5lib")
    return [" ".join(a.get_text().split()) for a in soup.select(".govuk-error-summary__list a")]


def decide(client, approval, **data):
    return client.post(
        f"/approvals/{approval.id}", data={"version_id": str(approval.version_id), **data}
    )


def test_closing_at_high_risk_waits_for_a_manager_who_approves_it(client, world):
    flag = flag_at_high_risk(world)
    approval = request_closure(client, world, flag)
    assert (approval.summary, approval.state) == (
        "Close the flag while the risk is high and observations are constant watch",
        ApprovalState.PENDING,
    )
    # The flag stays open, and says why.
    flag = fresh(SelfHarmFlag, flag.id)
    assert flag.state is FlagState.OPEN and flag.next_review_due is None
    sign_in(client, world.staff)
    page = client.get(f"/self-harm-flags/{flag.id}").text
    assert "Closing awaits approval by a manager" in page
    assert "Approve or return the decision" not in page  # the recorder cannot decide
    child_page = client.get(f"/children/{flag.young_person_id}").text
    assert 'id="flag-awaiting-approval">Closing awaits approval by a manager.' in child_page
    client.post("/sign-out")
    # Deciding it is an action of the establishment, due in four hours.
    watch = actions_of(flag)["self_harm_approval"]
    assert (watch.owner_agency_id, watch.due_at) == (world.yoi.id, NOW + timedelta(hours=4))
    assert "post_closure_review" not in actions_of(flag)

    sign_in(client, world.manager)
    home = client.get("/").text
    assert "Waiting for your approval" in home and "Jordan Ellis: Close the flag" in home
    page = client.get(f"/self-harm-flags/{flag.id}").text
    assert "Approve or return the decision" in page
    assert "Approve or return a self-harm flag decision" in page  # among the flag's actions
    response = decide(client, approval, decision="approve", reason="")
    assert response.status_code in (302, 303), response.text
    flag = fresh(SelfHarmFlag, flag.id)
    assert (flag.state, flag.closed_at, flag.closed_by_id) == (
        FlagState.CLOSED,
        NOW,
        world.staff.id,
    )
    made = actions_of(flag)
    assert made["self_harm_approval"].completed_at == NOW
    assert made["post_closure_review"].due_at == NOW + timedelta(days=7)
    approval = fresh(Approval, approval.id)
    assert (approval.state, approval.decided_by_id) == (ApprovalState.APPROVED, world.manager.id)
    page = client.get(f"/self-harm-flags/{flag.id}").text
    assert "approved by Safer Custody Manager" in page
    chronology = client.get(f"/children/{flag.young_person_id}?kind=self_harm").text
    assert "Manager&#39;s approval asked" in chronology
    assert "Manager approved: close the flag while the risk is high" in chronology
    recorded = {e.action for e in db.session().exec(select(AuditEvent))}
    assert {"approval_requested", "approval_approved"} <= recorded


def test_a_returned_closure_keeps_the_flag_open_and_the_recorder_reads_why(client, world):
    flag = flag_at_high_risk(world)
    approval = request_closure(client, world, flag)
    sign_in(client, world.manager)
    response = decide(client, approval, decision="return", reason="")
    assert error_summary(response.text) == ["Enter why you are returning it"]
    assert fresh(Approval, approval.id).is_pending
    response = decide(client, approval, decision="return", reason="Still on constant watch")
    assert response.status_code in (302, 303), response.text
    client.post("/sign-out")
    flag = fresh(SelfHarmFlag, flag.id)
    # Still open at high risk: the next review is due within 24 hours of the return.
    assert (flag.state, flag.risk_level, flag.next_review_due) == (
        FlagState.OPEN,
        RiskLevel.HIGH,
        NOW + timedelta(hours=24),
    )
    assert actions_of(flag)["next_case_review"].due_at == NOW + timedelta(hours=24)
    sign_in(client, world.staff)
    page = client.get(f"/self-harm-flags/{flag.id}").text
    assert "returned by Safer Custody Manager" in page and "Still on constant watch" in page
    assert "Closing awaits approval" not in page


def test_lowering_the_risk_two_levels_waits_and_the_flag_stays_high(client, world):
    flag = flag_at_high_risk(world)
    sign_in(client, world.staff)
    response = client.post(
        f"/self-harm-flags/{flag.id}/case-reviews/new",
        data=close_form(
            flag,
            decision="open",
            risk_level="LOW",
            observation_level="HOURLY",
            next_review_on=["26", "11", "2026"],
            next_review_time="10:00",
        ),
    )
    assert response.status_code in (302, 303), response.text
    page = client.get(f"/self-harm-flags/{flag.id}").text
    assert "Lowering the risk awaits approval by a manager" in page
    flag = fresh(SelfHarmFlag, flag.id)
    assert (flag.risk_level, flag.observation_level) == (RiskLevel.HIGH, ObservationLevel.HOURLY)
    approval = db.session().exec(select(Approval)).one()
    assert approval.summary == "Lower the risk from high to low at once"
    approvals.approve(approval, by=world.manager, version=approval.version_id, now=NOW)
    db.session().commit()
    assert fresh(SelfHarmFlag, flag.id).risk_level is RiskLevel.LOW


def test_closing_while_dropping_the_risk_from_high_to_low_waits_too(world):
    flag = flag_at_high_risk(world)
    review_directly(world, flag, NOW - timedelta(minutes=30), risk_level=RiskLevel.LOW)
    (approval,) = db.session().exec(select(Approval)).all()
    assert approval.summary == "Close the flag and lower the risk from high to low at once"
    flag = fresh(SelfHarmFlag, flag.id)
    assert (flag.state, flag.risk_level) == (FlagState.OPEN, RiskLevel.HIGH)
    approvals.approve(approval, by=world.manager, version=approval.version_id, now=NOW)
    db.session().commit()
    flag = fresh(SelfHarmFlag, flag.id)
    assert (flag.state, flag.risk_level) == (FlagState.CLOSED, RiskLevel.LOW)


@pytest.mark.parametrize(
    "who, message",
    [
        ("staff", "You asked for this approval, so someone else must decide it"),
        ("other_manager", "Only a manager of Ashgrove YOI can decide this"),
    ],
)
def test_the_recorder_and_managers_elsewhere_cannot_decide(world, who, message):
    flag = flag_at_high_risk(world)
    review_directly(world, flag, NOW - timedelta(minutes=30))
    approval = db.session().exec(select(Approval)).one()
    with pytest.raises(approvals.ApprovalError, match=message):
        approvals.approve(approval, by=getattr(world, who), version=approval.version_id, now=NOW)
    db.session().rollback()
    assert fresh(Approval, approval.id).is_pending
    assert fresh(SelfHarmFlag, flag.id).state is FlagState.OPEN


def test_a_staff_member_who_is_not_a_manager_is_refused_the_page(client, world):
    flag = flag_at_high_risk(world)
    approval = request_closure(client, world, flag)
    colleague = create_user(world.yoi, name="Another Officer")
    sign_in(client, colleague)
    assert decide(client, approval, decision="approve").status_code == 403
    assert client.get("/approvals/").status_code == 403
    client.post("/sign-out")
    sign_in(client, world.other_manager)
    assert client.get(f"/approvals/{approval.id}").status_code == 404
    assert fresh(Approval, approval.id).is_pending


def test_a_decided_request_cannot_be_decided_again(client, world):
    flag = flag_at_high_risk(world)
    approval = request_closure(client, world, flag)
    stale_version = approval.version_id
    approvals.approve(approval, by=world.manager, version=stale_version, now=NOW)
    db.session().commit()
    sign_in(client, world.second_manager)
    response = client.post(
        f"/approvals/{approval.id}",
        data={"version_id": str(stale_version), "decision": "return", "reason": "No"},
    )
    assert response.status_code == 200
    assert "This request was approved by Safer Custody Manager" in response.text
    assert fresh(Approval, approval.id).state is ApprovalState.APPROVED


def test_a_later_review_withdraws_the_pending_request(world, client):
    flag = flag_at_high_risk(world)
    approval = request_closure(client, world, flag)
    review_directly(
        world,
        flag,
        NOW - timedelta(minutes=10),
        outcome="Self-harmed again: stays open",
        observation_level=ObservationLevel.CONSTANT_WATCH,
        close=False,
        next_review_due=NOW + timedelta(hours=12),
    )
    approval = fresh(Approval, approval.id)
    assert (approval.state, approval.reason) == (
        ApprovalState.WITHDRAWN,
        "A later case review was recorded",
    )
    assert actions_of(flag)["self_harm_approval"].cancelled_at == NOW
    with pytest.raises(approvals.ApprovalError, match="This request was withdrawn"):
        approvals.approve(approval, by=world.manager, version=approval.version_id, now=NOW)


def test_a_request_not_decided_in_time_escalates_like_any_other_action(client, world):
    flag = flag_at_high_risk(world)
    request_closure(client, world, flag)
    watch = actions_of(flag)["self_harm_approval"]

    def raised_at(hours: float) -> set[str]:
        scan(NOW + timedelta(hours=hours))
        db.session().commit()
        rows = db.session().exec(select(Escalation).where(Escalation.action_id == watch.id))
        return {escalation.level.value for escalation in rows}

    assert raised_at(3.9) == set()
    assert raised_at(4) == {"AGENCY"}  # to the establishment's managers at the due time
    assert raised_at(16) == {"AGENCY", "ACPC"}  # and to the ACPC twelve hours later


def test_the_subject_access_export_names_the_approver(client, world):
    flag = flag_at_high_risk(world)
    approval = request_closure(client, world, flag)
    approvals.return_request(
        approval, by=world.manager, version=approval.version_id, reason="Not yet", now=NOW
    )
    db.session().commit()
    child = db.session().get(YoungPerson, flag.young_person_id)
    document = subject_access.gather(child, "The child", NOW)
    (section,) = [s for s in document.sections if s.key == "approvals"]
    (record,) = section.records
    assert record.fields["state"] is ApprovalState.RETURNED
    assert record.fields["decided_by_name"] == "Safer Custody Manager"
    assert record.fields["requested_by_name"] == "Wing Officer"
    assert record.fields["reason"] == "Not yet"


def test_two_managers_deciding_at_once_exactly_one_wins(app, world, client):
    flag = flag_at_high_risk(world)
    approval = request_closure(client, world, flag)
    version, approval_id, child_id = approval.version_id, approval.id, flag.young_person_id
    manager_ids = [world.manager.id, world.second_manager.id]
    db.session().close()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide_as(user_id: int) -> None:
        from yoi_welfare.accounts.models import User

        with app.app_context():
            session = db.session()
            user = session.get(User, user_id)
            target = session.get(Approval, approval_id)
            # On SQLite the second waits for the first's write lock before it reads, so the
            # two cannot meet here; on PostgreSQL both read the request before either writes.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=2)
            try:
                approvals.approve(target, by=user, version=version, now=NOW)
                db.commit()
                outcomes.append("won")
            except (approvals.ApprovalError, Exception) as error:  # noqa: BLE001
                db.rollback()
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=decide_as, args=(i,)) for i in manager_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1, outcomes
    assert fresh(Approval, approval_id).state is ApprovalState.APPROVED
    db.session().rollback()
    made = db.session().exec(
        select(WelfareAction.kind).where(WelfareAction.young_person_id == child_id)
    )
    assert list(made).count("post_closure_review") == 1
