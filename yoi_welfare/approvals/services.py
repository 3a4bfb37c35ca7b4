"""Approvals: a decision one person records takes effect only once another approves it.

A feature asks (``request_approval``) with what the request is about, whose managers decide,
and, for a child, the event that makes the welfare action watching it (so an unanswered request
becomes overdue and escalates like any other deadline). It registers an ``ApprovalKind`` saying
what approving and returning do. A manager of the approving agency other than the requester
approves or returns it with a reason; the feature may withdraw it when events overtake it.

Each decision carries the version of the request the decider read: of two managers deciding at
once, exactly one wins and the other is told who decided. Nothing here commits.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import SQLModel, select

from yoi_welfare import db
from yoi_welfare.access import Viewer
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.services import dao_user_emails
from yoi_welfare.actions import services as actions
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.approvals.models import Approval, ApprovalState
from yoi_welfare.audit import services as audit
from yoi_welfare.errors import ServiceError
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.people.models import YoungPerson

MAX_REASON = 1000


class ApprovalError(ServiceError):
    """A request for approval, or a decision on one, that cannot be carried out."""


@dataclass(frozen=True)
class ApprovalKind:
    """What a kind of request is, and what deciding it does; registered by the feature."""

    label: str  # what is asked, such as "Closing a self-harm flag"
    subject_path: Callable[[Approval], str]  # the page of what the request is about
    approved: Callable[[Approval, User, datetime], None]
    returned: Callable[[Approval, User, datetime], None]


KINDS: dict[str, ApprovalKind] = {}


def register(name: str, kind: ApprovalKind) -> None:
    KINDS[name] = kind


# Queries


def dao_approval(approval_id: int) -> Approval | None:
    return db.session().get(Approval, approval_id)


def dao_for_subjects(subject_type: str, subject_ids: list[int]) -> list[Approval]:
    """Every request about these subjects, oldest first."""
    if not subject_ids:
        return []
    statement = (
        select(Approval)
        .where(Approval.subject_type == subject_type, Approval.subject_id.in_(subject_ids))
        .order_by(Approval.requested_at, Approval.id)
    )
    return list(db.session().exec(statement).all())


def dao_child_approvals(child_id: int) -> list[Approval]:
    statement = (
        select(Approval)
        .where(Approval.young_person_id == child_id)
        .order_by(Approval.requested_at, Approval.id)
    )
    return list(db.session().exec(statement).all())


def dao_pending_for_administrators() -> list[Approval]:
    """Requests about the service itself (no agency decides them), oldest first."""
    statement = (
        select(Approval)
        .where(Approval.approver_agency_id.is_(None), Approval.state == ApprovalState.PENDING)
        .order_by(Approval.requested_at, Approval.id)
    )
    return list(db.session().exec(statement).all())


def dao_pending_for(agency_id: int, viewer: Viewer) -> list[tuple]:
    """(request, child) pending a decision by the agency's managers, about children the
    viewer may see, oldest first."""
    statement = (
        select(Approval, YoungPerson)
        .join(YoungPerson, YoungPerson.id == Approval.young_person_id)
        .where(
            Approval.approver_agency_id == agency_id,
            Approval.state == ApprovalState.PENDING,
            viewer.visible,
        )
        .order_by(Approval.requested_at, Approval.id)
    )
    return list(db.session().exec(statement, params=viewer.params).all())


# Asking


def request_approval(
    kind: str,
    *,
    subject: SQLModel,
    summary: str,
    by: User,
    approver_agency_id: int | None,
    now: datetime,
    child: YoungPerson | None = None,
    event: str | None = None,
    proposed: dict | None = None,
) -> Approval:
    """Ask for approval of ``subject`` (saved already). ``event`` names the ``actions.on_event``
    event whose rule makes the welfare action that watches a request about ``child``;
    ``proposed`` holds what takes effect if approved, when ``subject`` does not.
    ``approver_agency_id`` None: another administrator decides."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of approval: {kind}")
    approval = Approval(
        kind=kind,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        young_person_id=child.id if child else None,
        approver_agency_id=approver_agency_id,
        summary=summary,
        proposed=proposed,
        requested_by_id=by.id,
        requested_at=now,
    )
    session = db.session()
    try:
        # The partial unique index settles two requests about one subject at once.
        with session.begin_nested():
            session.add(approval)
            session.flush()
    except sa.exc.IntegrityError as error:
        raise ApprovalError("This is already waiting for approval") from error
    if child is not None and event is not None:
        made = actions.on_event(event, child=child, at=now, by=by, source=approval)
        approval.action_id = made[0].id if made else None
        _save(approval)
    _audit("approval_requested", approval, by)
    _tell_approvers(approval, child, by=by, now=now)
    return approval


def _tell_approvers(approval: Approval, child: YoungPerson | None, *, by: User, now) -> None:
    """An approval waiting for you is urgent: its managers (or, for a request about the
    service itself, the other administrators) are emailed at once."""
    if approval.approver_agency_id is None:
        recipients = dao_user_emails(sa.true(), User.role == Role.ADMINISTRATOR, User.id != by.id)
    else:
        recipients = dao_user_emails(
            Agency.id == approval.approver_agency_id,
            User.is_manager.is_(True),
            User.id != by.id,
        )
    notify(
        recipients,
        child,
        Notice(
            "Waiting for your approval",
            f"{by.name} asks for approval: {approval.summary}",
            (f"{KINDS[approval.kind].label}",),
            "Approve it or return it with a reason.",
            (
                f"/admin/timescales/changes/{approval.id}"
                if approval.approver_agency_id is None
                else f"/approvals/{approval.id}"
            ),
        ),
        urgent=True,
        about=("approval", approval.id),
        purpose="A decision waiting for a manager's approval",
        at=now,
        by=by,
    )


# Deciding


def why_not_decide(approval: Approval, user: User) -> str | None:
    """Why ``user`` may not decide the request now, or None if they may."""
    if not approval.is_pending:
        return _decided_text(approval)
    if user.id == approval.requested_by_id:
        return "You asked for this approval, so someone else must decide it"
    if approval.approver_agency_id is None:
        # A request about the service itself, such as a rule: another administrator decides.
        return None if user.role is Role.ADMINISTRATOR else "Only an administrator can decide this"
    if user.agency_id != approval.approver_agency_id or not user.is_manager:
        agency = db.session().get(Agency, approval.approver_agency_id)
        return f"Only a manager of {agency.name} can decide this"
    return None


def _decided_text(approval: Approval) -> str:
    if approval.state is ApprovalState.WITHDRAWN:
        return f"This request was withdrawn: {approval.reason}"
    decider = db.session().get(User, approval.decided_by_id)
    return f"This request was {approval.state.label.lower()} by {decider.name}"


def approve(approval: Approval, *, by: User, version: int | None, now: datetime) -> None:
    """Approve the request: what it asked for takes effect now."""
    _decide(approval, ApprovalState.APPROVED, by=by, version=version, now=now, reason=None)
    KINDS[approval.kind].approved(approval, by, now)


def return_request(
    approval: Approval, *, by: User, version: int | None, reason: str, now: datetime
) -> None:
    """Return the request with a reason the requester sees: what it asked for does not happen."""
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalError("Enter why you are returning it", "reason")
    if len(reason) > MAX_REASON:
        raise ApprovalError(f"The reason must be {MAX_REASON} characters or fewer", "reason")
    _decide(approval, ApprovalState.RETURNED, by=by, version=version, now=now, reason=reason)
    KINDS[approval.kind].returned(approval, by, now)


def _decide(
    approval: Approval,
    state: ApprovalState,
    *,
    by: User,
    version: int | None,
    now: datetime,
    reason: str | None,
) -> None:
    refused = why_not_decide(approval, by)
    if refused is not None:
        raise ApprovalError(refused)
    if version != approval.version_id:
        raise ApprovalError(_decided_text(approval) if not approval.is_pending else _STALE)
    approval.state = state
    approval.decided_by_id = by.id
    approval.decided_at = now
    approval.reason = reason
    _save(approval)
    action = _action(approval)
    if action is not None and action.is_open:
        actions.complete_recorded(action, by=by, at=now)
    _audit(f"approval_{state.value.lower()}", approval, by)


_STALE = "Someone else decided this request while you were reading it. Check it as it is now"


def withdraw(approval: Approval, *, by: User, reason: str, now: datetime) -> None:
    """Withdraw a pending request that events have overtaken; its action is cancelled."""
    if not approval.is_pending:
        return
    approval.state = ApprovalState.WITHDRAWN
    approval.decided_by_id = by.id
    approval.decided_at = now
    approval.reason = reason
    _save(approval)
    action = _action(approval)
    if action is not None and action.is_open:
        actions.cancel_recorded(action, by=by, at=now, reason=reason)
    _audit("approval_withdrawn", approval, by)


def _action(approval: Approval) -> WelfareAction | None:
    return db.session().get(WelfareAction, approval.action_id) if approval.action_id else None


def _save(approval: Approval) -> None:
    session = db.session()
    session.add(approval)
    try:
        session.flush()
    except StaleDataError as error:
        # Another decision landed first: exactly one wins.
        raise ApprovalError(_STALE) from error


def _audit(name: str, approval: Approval, by: User) -> None:
    audit.record(
        name,
        young_person_id=approval.young_person_id,
        object_type="approval",
        object_id=approval.id,
        user=by,
        detail=approval.kind,
    )
