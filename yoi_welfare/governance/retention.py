"""Retention: listing children whose records are due for review, and deleting them on confirmation.

Nothing is deleted without an administrator's confirmation. Deletion removes every record of the
child in one transaction and keeps a tombstone in the audit trail (the reference, the dates and,
as the event's author, who confirmed). Audit events are never deleted, so the chain still
verifies.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Area
from yoi_welfare.alerts.models import Alert
from yoi_welfare.approvals.models import Approval
from yoi_welfare.audit import services as audit
from yoi_welfare.custody.models import CustodyWelfareNote, NoteAmendment, NoteRead
from yoi_welfare.dates import LONDON
from yoi_welfare.domain.retention import born_on_or_before, is_due, retain_until
from yoi_welfare.errors import ServiceError
from yoi_welfare.escalations.models import Escalation, EscalationResponse
from yoi_welfare.governance.models import (
    Disclosure,
    RetentionReview,
    RetentionStatus,
    SubjectAccessExport,
)
from yoi_welfare.notifications.models import Notification
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.outbox.models import EmailAttachment, OutboundEmail
from yoi_welfare.people.models import (
    DuplicateDismissal,
    Placement,
    PlacementCorrection,
    PlacementException,
    YoungPerson,
)
from yoi_welfare.people.placements import is_current
from yoi_welfare.reviews.models import PlacementReview
from yoi_welfare.screenings.models import ScreeningRead, WelfareScreening
from yoi_welfare.self_harm.models import CaseReview, SelfHarmFlag


class RetentionError(ServiceError):
    """A retention decision that cannot be carried out."""


def years_after_18() -> int:
    return current_app.config["RETENTION_YEARS_AFTER_18"]


@dataclass(frozen=True)
class DueChild:
    child: YoungPerson
    area: Area
    last_left_on: date | None
    retain_until: date


def dao_due_children(today: date) -> list[DueChild]:
    """Children due for review on this day who are not already listed or kept for now.

    The query narrows to children old enough and not in custody; the rule decides the rest.
    """
    years = years_after_18()
    current = select(Placement.id).where(
        Placement.young_person_id == YoungPerson.id, Placement.left_at.is_(None)
    )
    decided = select(RetentionReview.id).where(
        RetentionReview.young_person_id == YoungPerson.id,
        sa.or_(
            RetentionReview.status == RetentionStatus.DUE,
            sa.and_(
                RetentionReview.status == RetentionStatus.KEPT,
                RetentionReview.keep_until > today,
            ),
        ),
    )
    last_left = (
        select(func.max(Placement.left_at))
        .where(Placement.young_person_id == YoungPerson.id)
        .scalar_subquery()
    )
    rows = db.session().exec(
        select(YoungPerson, Area, last_left)
        .join(Area, Area.id == YoungPerson.home_area_id)
        .where(
            YoungPerson.date_of_birth <= born_on_or_before(today, years),
            ~current.exists(),
            ~decided.exists(),
        )
        .order_by(Area.name, YoungPerson.local_reference)
    )
    due = []
    for child, area, left_at in rows:
        left_on = _as_utc(left_at).astimezone(LONDON).date() if left_at else None
        if is_due(child.date_of_birth, left_on, False, years, today):
            due.append(
                DueChild(child, area, left_on, retain_until(child.date_of_birth, left_on, years))
            )
    return due


def _as_utc(value: datetime | str) -> datetime:
    # SQLite may return MAX() of a timestamp as it is stored, without the time zone (UTC).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def list_due(now: datetime) -> list[RetentionReview]:
    """List every child now due for review (once), and tell the administrators by email.

    Safe to run again: a child already listed, or kept for now, is not listed again.
    """
    today = now.astimezone(LONDON).date()
    reviews = [
        RetentionReview(
            young_person_id=due.child.id,
            area_id=due.area.id,
            local_reference=due.child.local_reference,
            retain_until=due.retain_until,
            listed_at=now,
        )
        for due in dao_due_children(today)
    ]
    if not reviews:
        return []
    db.session().add_all(reviews)
    db.session().flush()
    for review in reviews:
        audit.record(
            "retention_review_listed",
            user=None,
            young_person_id=review.young_person_id,
            object_type="retention_review",
            object_id=review.id,
        )
    _email_administrators(len(reviews), now)
    return reviews


def _email_administrators(count: int, now: datetime) -> None:
    """Only how many are due and a link: no child's name or reference."""
    admins = db.session().exec(
        select(User.email).where(User.role == Role.ADMINISTRATOR, User.active.is_(True))
    )
    plural = "child's records are" if count == 1 else "children's records are"
    notify(
        list(admins),
        None,
        Notice(
            "Children's records due for retention review",
            f"{count} {plural} due for retention review. Nothing is deleted until an "
            "administrator confirms it.",
            (),
            "Review them.",
            "/admin/retention",
        ),
        urgent=False,
        about=("retention_review", None),
        purpose="Records due for retention review",
        at=now,
    )


@dataclass(frozen=True)
class ReviewRow:
    review: RetentionReview
    area: Area
    decided_by: str | None


def dao_reviews(status: RetentionStatus | None = None) -> list[ReviewRow]:
    statement = (
        select(RetentionReview, Area, User.name)
        .join(Area, Area.id == RetentionReview.area_id)
        .outerjoin(User, User.id == RetentionReview.decided_by_id)
        .order_by(RetentionReview.listed_at.desc(), RetentionReview.id.desc())
    )
    if status is not None:
        statement = statement.where(RetentionReview.status == status)
    return [ReviewRow(*row) for row in db.session().exec(statement).all()]


def dao_due_review_count() -> int:
    return (
        db.session()
        .exec(
            select(func.count())
            .select_from(RetentionReview)
            .where(RetentionReview.status == RetentionStatus.DUE)
        )
        .one()
    )


def dao_review(review_id: int) -> ReviewRow | None:
    row = (
        db.session()
        .exec(
            select(RetentionReview, Area, User.name)
            .join(Area, Area.id == RetentionReview.area_id)
            .outerjoin(User, User.id == RetentionReview.decided_by_id)
            .where(RetentionReview.id == review_id)
        )
        .first()
    )
    return ReviewRow(*row) if row else None


def _open(review: RetentionReview) -> YoungPerson:
    if review.status is not RetentionStatus.DUE:
        raise RetentionError("This review has already been decided")
    child = db.session().get(YoungPerson, review.young_person_id)
    if child is None:
        raise RetentionError("The child's records are no longer held")
    if (
        db.session()
        .exec(
            select(Placement.id).where(is_current(child.id))
        )
        .first()
    ):
        raise RetentionError("The child is in custody again: their records must be kept")
    return child


def keep(review: RetentionReview, *, until: date, reason: str, by: User, now: datetime) -> None:
    """Keep the records for now (for example, while proceedings are open); review again later."""
    _open(review)
    if until <= now.astimezone(LONDON).date():
        raise RetentionError("The date to review again must be in the future", "keep_until")
    review.status = RetentionStatus.KEPT
    review.keep_until = until
    review.reason = reason
    review.decided_by_id = by.id
    review.decided_at = now
    db.session().add(review)
    db.session().flush()
    audit.record(
        "retention_records_kept",
        young_person_id=review.young_person_id,
        object_type="retention_review",
        object_id=review.id,
        detail=f"review again on {until.isoformat()}",
        user=by,
    )


def erase(review: RetentionReview, *, reference: str, reason: str, by: User, now: datetime):
    """Delete every record of the child, in this transaction, and leave a tombstone.

    The administrator types the child's reference to confirm. The review is marked ERASED first:
    the database lets custody notes be deleted only for such a child (migration 0009).
    """
    child = _open(review)
    if reference.strip().upper() != child.local_reference.upper():
        raise RetentionError(
            "The reference does not match: type the child's reference to confirm", "reference"
        )
    review.status = RetentionStatus.ERASED
    review.reason = reason
    review.decided_by_id = by.id
    review.decided_at = now
    db.session().add(review)
    db.session().flush()
    child_id = child.id
    tombstone = (
        f"ref {child.local_reference}; kept until {review.retain_until.isoformat()}; "
        f"erased {now.astimezone(LONDON).date().isoformat()}"
    )
    counts = _delete_records(child_id)
    audit.record(
        "child_records_erased",
        young_person_id=child_id,
        object_type="retention_review",
        object_id=review.id,
        detail=f"{tombstone}; {sum(counts.values())} records",
        user=by,
    )
    return counts


def _delete_records(child_id: int) -> dict[str, int]:
    """Delete the child's rows, those that refer to others first; how many of each."""
    actions = select(WelfareAction.id).where(WelfareAction.young_person_id == child_id)
    escalations = select(Escalation.id).where(Escalation.action_id.in_(actions))
    responses = select(EscalationResponse.id).where(
        EscalationResponse.escalation_id.in_(escalations)
    )
    screenings = select(WelfareScreening.id).where(WelfareScreening.young_person_id == child_id)
    notes = select(CustodyWelfareNote.id).where(CustodyWelfareNote.young_person_id == child_id)
    flags = select(SelfHarmFlag.id).where(SelfHarmFlag.young_person_id == child_id)
    placements = select(Placement.id).where(Placement.young_person_id == child_id)
    exceptions = select(PlacementException.id).where(PlacementException.young_person_id == child_id)
    approvals = select(Approval.id).where(Approval.young_person_id == child_id)
    # Every email about the child, by what caused it: each carries their initials and reference.
    emails = select(OutboundEmail.id).where(
        sa.or_(
            *(
                sa.and_(OutboundEmail.cause_type == cause, OutboundEmail.cause_id.in_(ids))
                for cause, ids in (
                    ("escalation", escalations),
                    ("escalation_response", responses),
                    ("welfare_screening", screenings),
                    ("self_harm_flag", flags),
                    ("placement_exception", exceptions),
                    ("placement", placements),
                    ("approval", approvals),
                )
            ),
            # A morning's digest that named the child goes whole, with the other notices in it.
            OutboundEmail.id.in_(
                select(Notification.email_id).where(Notification.young_person_id == child_id)
            ),
        )
    )
    steps = [
        (EscalationResponse, EscalationResponse.escalation_id.in_(escalations)),
        (EmailAttachment, EmailAttachment.email_id.in_(emails)),
        (OutboundEmail, OutboundEmail.id.in_(emails)),
        (Notification, Notification.young_person_id == child_id),
        (Escalation, Escalation.id.in_(escalations)),
        (Approval, Approval.young_person_id == child_id),
        (WelfareAction, WelfareAction.young_person_id == child_id),
        (ScreeningRead, ScreeningRead.screening_id.in_(screenings)),
        (WelfareScreening, WelfareScreening.young_person_id == child_id),
        (NoteRead, NoteRead.young_person_id == child_id),
        (NoteAmendment, NoteAmendment.note_id.in_(notes)),
        (CustodyWelfareNote, CustodyWelfareNote.young_person_id == child_id),
        (CaseReview, CaseReview.flag_id.in_(flags)),
        (SelfHarmFlag, SelfHarmFlag.young_person_id == child_id),
        (PlacementReview, PlacementReview.young_person_id == child_id),
        (PlacementException, PlacementException.young_person_id == child_id),
        (PlacementCorrection, PlacementCorrection.young_person_id == child_id),
        (Placement, Placement.young_person_id == child_id),
        (Disclosure, Disclosure.young_person_id == child_id),
        (
            DuplicateDismissal,
            sa.or_(
                DuplicateDismissal.young_person_id == child_id,
                DuplicateDismissal.other_young_person_id == child_id,
            ),
        ),
        (Alert, Alert.young_person_id == child_id),
        (SubjectAccessExport, SubjectAccessExport.young_person_id == child_id),
        (YoungPerson, YoungPerson.id == child_id),
    ]
    session = db.session()
    counts = {}
    for model, condition in steps:
        result = session.execute(
            sa.delete(model).where(condition).execution_options(synchronize_session=False)
        )
        counts[model.__tablename__] = result.rowcount
    session.expire_all()
    return counts
