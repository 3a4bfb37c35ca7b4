"""Placement reviews: the child's reviews, recording a LAC review or a meeting, reading one.

Everyone who can see the child reads the reviews; staff of the establishment holding the child
record them. A form carries the latest review it knew of, so the same meeting recorded by two
people at once is saved once, and the second is told why.
"""

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare.access import (
    Permission,
    can_record,
    deny,
    get_visible_child,
    has_permission,
    holds_child,
    permission_required,
)
from yoi_welfare.actions.queries import dao_child_open_actions, dao_rules_by_key, status_of
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import london_instant, utcnow
from yoi_welfare.kept_forms import first_shown
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.reviews import services
from yoi_welfare.reviews.forms import LacReviewForm, PlacementMeetingForm
from yoi_welfare.reviews.models import MeetingReason, PlacementOutcome, ReviewKind
from yoi_welfare.view_helpers import show_error

bp = Blueprint("reviews", __name__)


def _lac_timetable() -> dict:
    """The rules in force for the second and later LAC reviews, as the form states them."""
    rules = dao_rules_by_key(["second_lac_review", "later_lac_review"])
    return {"second": rules.get("second_lac_review"), "later": rules.get("later_lac_review")}


def _next_due(open_actions: list, kind: ReviewKind, now: datetime):
    action = services.next_due(open_actions, kind)
    return (action, status_of(action, now)) if action else None


def reviews_panel(record: ChildRecord) -> dict | None:
    """What the child's page shows: the next reviews due, and every review held."""
    if not has_permission(current_user, Permission.VIEW_CHILDREN):
        return None
    now = utcnow()
    lac = services.lac_reviews_apply(record.child)
    return {
        "rows": record.reviews,
        "lac_applies": lac,
        "next_lac": _next_due(record.open_actions, ReviewKind.LAC_REVIEW, now) if lac else None,
        "next_meeting": _next_due(record.open_actions, ReviewKind.PLACEMENT_MDM, now),
        "can_record": can_record(record.child),
    }


def _record(child_id: int, kind: ReviewKind, form: LacReviewForm):
    child = get_visible_child(child_id)
    if not holds_child(child):
        deny(young_person_id=child_id, object_type="young_person", object_id=child_id)
    latest = services.dao_latest_review_id(child.id, kind)
    if first_shown():
        form.since.data = str(latest)
    applies = kind is ReviewKind.PLACEMENT_MDM or services.lac_reviews_apply(child)
    if request.method == "POST" and not applies:
        form.form_errors.append(
            f"{child.full_name} is not looked after or remanded, so has no LAC reviews"
        )
    elif form.validate_on_submit():
        meeting = kind is ReviewKind.PLACEMENT_MDM
        next_on = form.next_review_on.data if meeting else None
        try:
            services.record_review(
                child,
                by=current_user,
                kind=kind,
                since=form.since_id,
                held_at=london_instant(form.held_on.data, form.held_time.time_value),
                reason=MeetingReason(form.reason.data) if meeting else None,
                attendees=form.attendees.data,
                yot_attended=form.yot_attended.data == "yes",
                outcome=PlacementOutcome(form.outcome.data),
                summary=form.summary.data,
                transfer_to=form.transfer_to.data,
                transfer_reason=form.transfer_reason.data,
                next_review_due=london_instant(next_on, form.next_review_time.time_value)
                if next_on
                else None,
                now=utcnow(),
            )
        except services.ReviewError as error:
            show_error(form, error)
            if isinstance(error, services.StaleReviewError):
                # Keep what was typed; saving again means "this is a different review".
                form.since.data = str(services.dao_latest_review_id(child.id, kind))
        else:
            flash(f"{kind.label} recorded", "success")
            return redirect(url_for("people.child", child_id=child.id))
    return render_template(
        "reviews/record.html",
        form=form,
        child=child,
        kind=kind,
        applies=applies,
        next_due=_next_due(dao_child_open_actions(child.id), kind, utcnow()),
        timetable=_lac_timetable() if kind is ReviewKind.LAC_REVIEW else {},
        recent=[row for row in services.dao_reviews(child.id) if row.review.kind is kind][:3],
    )


@bp.route("/children/<int:child_id>/lac-reviews/new", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def new_lac_review(child_id: int):
    return _record(child_id, ReviewKind.LAC_REVIEW, LacReviewForm())


@bp.route("/children/<int:child_id>/placement-meetings/new", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def new_meeting(child_id: int):
    return _record(child_id, ReviewKind.PLACEMENT_MDM, PlacementMeetingForm())


@bp.get("/placement-reviews/<int:review_id>")
@permission_required(Permission.VIEW_CHILDREN)
def show(review_id: int):
    row = services.dao_review(review_id)
    if row is None:
        deny(object_type="placement_review", object_id=review_id)
    child = get_visible_child(row.review.young_person_id)
    audit.record(
        "placement_review_viewed",
        young_person_id=child.id,
        object_type="placement_review",
        object_id=review_id,
        user=current_user,
    )
    return render_template("reviews/show.html", row=row, child=child)
