"""Recording placement reviews, and the review actions each one completes and creates.

A LAC review completes the child's open LAC review action (the first is made at admission) and
sets the next on the statutory timetable (``actions.on_event("lac_review_held")``). A placement
review meeting completes the meeting that was due, if any, and sets the next on the date the
meeting chose (``placement_review_held``). Nothing here commits.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.access import holds
from yoi_welfare.accounts.models import User
from yoi_welfare.actions import services as actions
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import format_datetime
from yoi_welfare.domain.timescales import Unit, due_at
from yoi_welfare.errors import ServiceError
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.people.placements import dao_current_placement
from yoi_welfare.reviews.models import MeetingReason, PlacementOutcome, PlacementReview, ReviewKind

MAX_TEXT = 5000
MAX_PLACE = 200
# The actions a held review completes, by kind of review.
DUE_ACTIONS = {
    ReviewKind.LAC_REVIEW: ("first_lac_review", "second_lac_review", "later_lac_review"),
    ReviewKind.PLACEMENT_MDM: ("next_placement_review",),
}
STALE = (
    "This changed while you were editing: {who} recorded a {what} for this child {when}. "
    "Check it below, then save yours if it is a different review"
)


class ReviewError(ServiceError):
    """A request about a placement review that cannot be carried out."""


TAMPERED = "This form could not be read as it was sent: open the page again and enter the review"


class StaleReviewError(ReviewError):
    """Another review of the same kind was recorded since the form was opened."""


def lac_reviews_apply(child: YoungPerson) -> bool:
    """LAC reviews are for looked-after children; a remanded child is looked after by law."""
    return child.looked_after or child.legal_status.is_remand


# Queries


@dataclass(frozen=True)
class ReviewRow:
    review: PlacementReview
    recorded_by: str
    establishment: str


@db.prepared
def _reviews(by: str) -> sa.Select:
    return (
        select(PlacementReview, User.name, Agency.name)
        .join(User, User.id == PlacementReview.recorded_by_id)
        .join(Agency, Agency.id == PlacementReview.establishment_id)
        .where(getattr(PlacementReview, by) == sa.bindparam("id"))
        .order_by(PlacementReview.held_at.desc(), PlacementReview.id.desc())
    )


def dao_reviews(child_id: int) -> list[ReviewRow]:
    """The child's placement reviews, most recently held first."""
    rows = db.session().exec(_reviews("young_person_id"), params={"id": child_id})
    return [ReviewRow(*row) for row in rows]


def dao_review(review_id: int) -> ReviewRow | None:
    row = db.session().exec(_reviews("id"), params={"id": review_id}).first()
    return ReviewRow(*row) if row else None


def dao_latest_review_id(child_id: int, kind: ReviewKind) -> int:
    """The id of the child's most recently recorded review of ``kind``; 0 if none."""
    latest = db.session().exec(
        select(func.max(PlacementReview.id)).where(
            PlacementReview.young_person_id == child_id, PlacementReview.kind == kind
        )
    )
    return latest.one() or 0


def next_due(open_actions: list[tuple[WelfareAction, Agency]], kind: ReviewKind):
    """The open action for the next review of ``kind``, if any, of a child's open actions (soonest
    due first)."""
    return next(
        (action for action, _owner in open_actions if action.kind in DUE_ACTIONS[kind]), None
    )


# Changes


def _text(value: str | None, field: str, missing: str | None, what: str, limit: int = MAX_TEXT):
    value = (value or "").strip()
    if not value:
        if missing:
            raise ReviewError(missing, field)
        return None
    if len(value) > limit:
        raise ReviewError(f"{what} must be {limit} characters or fewer", field)
    return value


# The child's YOT asks for a recommended transfer within this long of the meeting being recorded.
TRANSFER_REQUEST_DUE = (2, Unit.WORKING_DAYS)


def _ask_yot_to_request_transfer(
    child: YoungPerson, review: PlacementReview, *, by: User, now: datetime
) -> WelfareAction | None:
    """A transfer the meeting recommends is the YOT's to request (the Youth Custody Service
    places children at the YOT's request): an action of the child's YOT, chased like any other."""
    yots = actions.dao_child_yots(child)
    if not yots:
        return None
    title = f"Request the transfer a placement review recommended: to {review.transfer_to}"
    return actions.add_manual_action(
        child,
        title=title[: actions.MAX_TITLE],
        owner_agency_id=yots[0].id,
        due=due_at(now, *TRANSFER_REQUEST_DUE),
        by=by,
        now=now,
        source=review,
    )


def record_review(
    child: YoungPerson,
    *,
    by: User,
    kind: ReviewKind,
    since: int | None,
    held_at: datetime,
    reason: MeetingReason | None,
    attendees: str,
    yot_attended: bool,
    outcome: PlacementOutcome,
    summary: str,
    transfer_to: str | None,
    transfer_reason: str | None,
    next_review_due: datetime | None,
    now: datetime,
) -> PlacementReview:
    """Record a review held by the user's establishment, which holds the child.

    ``since`` is the id of the latest review of this kind when the form was opened: if another
    has been recorded since, this one may be the same meeting twice, so it is refused.
    A LAC review's next date follows the statutory timetable; a meeting's is the one given,
    and a meeting may set none.
    """
    kind = ReviewKind(kind)
    placement = dao_current_placement(child.id)
    if not holds(by, placement):
        raise ReviewError(
            f"Only the establishment holding {child.full_name} can record placement reviews"
        )
    latest = dao_latest_review_id(child.id, kind)
    if since != latest:
        newer = dao_review(latest) if latest else None
        if newer is None:  # the form's own record of what it was opened against was changed
            raise StaleReviewError(TAMPERED)
        raise StaleReviewError(
            STALE.format(
                who=newer.recorded_by,
                what=kind.label,
                when=format_datetime(newer.review.recorded_at),
            )
        )
    if kind is ReviewKind.LAC_REVIEW and not lac_reviews_apply(child):
        raise ReviewError(
            f"{child.full_name} is not looked after or remanded, so has no LAC reviews. "
            "Record a placement review meeting instead"
        )
    if held_at > now:
        raise ReviewError("The date and time must not be in the future", "held_on")
    if held_at < placement.admitted_at:
        raise ReviewError(
            "The date and time must be after the child was admitted "
            f"({format_datetime(placement.admitted_at)})",
            "held_on",
        )
    if kind is ReviewKind.PLACEMENT_MDM and reason is None:
        raise ReviewError("Select why the meeting was held", "reason")
    outcome = PlacementOutcome(outcome)
    if outcome is PlacementOutcome.TRANSFER_RECOMMENDED:
        transfer_to = _text(
            transfer_to, "transfer_to", "Enter where the child should move to", "Where", MAX_PLACE
        )
        transfer_reason = _text(
            transfer_reason, "transfer_reason", "Enter why a transfer is recommended", "Why"
        )
    else:
        transfer_to = transfer_reason = None
    if kind is ReviewKind.LAC_REVIEW:
        next_review_due = None
    elif next_review_due is not None and next_review_due <= now:
        raise ReviewError("The next review must be in the future", "next_review_on")
    review = PlacementReview(
        young_person_id=child.id,
        kind=kind,
        reason=MeetingReason(reason) if kind is ReviewKind.PLACEMENT_MDM else None,
        establishment_id=by.agency_id,
        held_at=held_at,
        attendees=_text(attendees, "attendees", "Enter who attended", "Who attended"),
        yot_attended=yot_attended,
        outcome=outcome,
        summary=_text(summary, "summary", "Enter what the review discussed", "The summary"),
        transfer_to=transfer_to,
        transfer_reason=transfer_reason,
        recorded_by_id=by.id,
        recorded_at=now,
    )
    session = db.session()
    session.add(review)
    session.flush()
    done = [
        action
        for action_kind in DUE_ACTIONS[kind]
        for action in actions.complete_open_actions(child, action_kind, by=by, at=held_at)
    ]
    review.due_at = min((action.due_at for action in done), default=None)
    if kind is ReviewKind.LAC_REVIEW:
        made = actions.on_event("lac_review_held", child=child, at=held_at, by=by, source=review)
        review.next_review_due = made[0].due_at if made else None
    elif next_review_due is not None:
        actions.on_event(
            "placement_review_held",
            child=child,
            at=held_at,
            by=by,
            source=review,
            due=next_review_due,
        )
        review.next_review_due = next_review_due
    session.add(review)
    session.flush()
    if outcome is PlacementOutcome.TRANSFER_RECOMMENDED:
        _ask_yot_to_request_transfer(child, review, by=by, now=now)
    audit.record(
        "placement_review_recorded",
        young_person_id=child.id,
        object_type="placement_review",
        object_id=review.id,
        user=by,
        detail=kind.label,
    )
    return review
