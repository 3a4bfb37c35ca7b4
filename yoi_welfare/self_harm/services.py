"""The ACCT lifecycle of a self-harm flag, and the actions each step completes or creates.

Opening a flag makes three actions due (immediate action plan, assessment interview, first case
review: ``actions.on_event("self_harm_flag_opened")``). Recording the plan or the interview
completes its action. Each case review completes the review that was due and either sets the
next (``case_review_held``) or closes the flag, which starts the post-closure period and its
review (``self_harm_flag_closed``). The post-closure review ends the flag. Releasing the child
ends a flag still open or in its post-closure period (``end_flags_on_release``).

Only the establishment holding the child records anything. Every change carries the version of
the flag the user started from, so a flag changed by someone else meanwhile is refused with
StaleFlagError rather than overwritten. Nothing here commits.
"""

from datetime import datetime

import sqlalchemy as sa

from yoi_welfare import db
from yoi_welfare.access import holds_now
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.services import dao_manager_emails
from yoi_welfare.actions import services as actions
from yoi_welfare.agencies.models import Agency
from yoi_welfare.alerts import services as alerts
from yoi_welfare.approvals import services as approvals
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import format_datetime, utcnow
from yoi_welfare.domain.acct import Step, check_step_order
from yoi_welfare.errors import ServiceError
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.people.placements import dao_current_placement
from yoi_welfare.self_harm.models import (
    Attendee,
    CaseReview,
    FlagState,
    ObservationLevel,
    RiskLevel,
    SelfHarmFlag,
)
from yoi_welfare.self_harm.queries import (
    childs_yot,
    dao_case_reviews,
    dao_flags,
    dao_open_flag,
    pending_approval,
)
from yoi_welfare.self_harm.rules import decision_needing_approval, review_limits

MAX_TEXT = 5000
STALE = (
    "This changed while you were editing: someone else has recorded something on this flag. "
    "Check the flag as it is now, then save your changes again if they are still needed"
)
CASE_REVIEW_KINDS = ("first_case_review", "next_case_review")


class SelfHarmError(ServiceError):
    """A request about a self-harm flag that cannot be carried out."""


class StaleFlagError(SelfHarmError):
    """The flag changed between reading it into a form and saving the form."""

    def __init__(self):
        super().__init__(STALE)


def notify_transfer_with_open_flag(
    child: YoungPerson, placement: Placement, at: datetime, *, by: User | None = None, now: datetime
) -> int:
    """A child transferred with an open flag: email the receiving establishment's managers and
    the child's YOT's managers at once, so that the flag is reviewed there. Returns how many
    emails were queued."""
    flag = dao_open_flag(child.id)
    if flag is None:
        return 0
    receiving = db.session().get(Agency, placement.establishment_id)
    if by is not None:
        # The managers who were asked can no longer decide: the flag is reviewed there now.
        _withdraw_pending(
            flag, by=by, reason=f"The child was transferred to {receiving.name}", now=at
        )
    return _tell_managers(
        flag,
        child,
        sa.or_(Agency.id == receiving.id, childs_yot(child)),
        Notice(
            "Transferred with an open self-harm flag",
            f"A child with an open self-harm flag has been transferred to {receiving.name}.",
            (f"Transferred: {format_datetime(at)}",),
            "The flag needs a case review at the new establishment.",
            flag_path(flag),
        ),
        purpose="Transfer with an open self-harm flag",
        urgent=flag.risk_level is RiskLevel.HIGH,
        by=by,
        now=now,
    )


def _tell_managers(
    flag: SelfHarmFlag,
    child: YoungPerson,
    agencies: sa.ColumnElement[bool],
    notice: Notice,
    *,
    purpose: str,
    urgent: bool,
    by: User | None,
    now: datetime,
) -> int:
    """Tell the managers of the agencies matching ``agencies`` about the flag: emailed at once
    when ``urgent``, else as each chose; emails are recorded as disclosures by ``by`` at
    ``now``. Returns how many were told."""
    return notify(
        dao_manager_emails(agencies),
        child,
        notice,
        urgent=urgent,
        about=("self_harm_flag", flag.id),
        purpose=purpose,
        at=now,
        by=by,
    )


def flag_path(flag: SelfHarmFlag) -> str:
    return f"/self-harm-flags/{flag.id}"


def end_flags_on_release(
    child: YoungPerson, placement: Placement, *, by: User, now: datetime
) -> list[SelfHarmFlag]:
    """The child has been released: end each flag still open or in its post-closure period.

    No one holds the child to review it any more, so it ends with the placement; an open flag
    is closed at the moment of release by whoever released the child. The actions the flags
    made were cancelled with the rest of the establishment's (``actions.cancel_on_release``).
    The YOT's managers are told of an open flag at once, so that the risk is known outside.
    Returns the flags ended.
    """
    at = placement.left_at
    ending = [f for f in dao_flags(child.id) if f.state in (FlagState.OPEN, FlagState.CLOSED)]
    for flag in ending:
        what, when = _last_step(flag)
        if at < when:
            raise SelfHarmError(
                f"The date and time must be after {what} on the child's self-harm flag "
                f"({format_datetime(when)})",
                "on_date",
            )
    releasing = db.session().get(Agency, placement.establishment_id)
    for flag in ending:
        was_open = flag.is_open
        _withdraw_pending(flag, by=by, reason="The child was released", now=at)
        if was_open:
            flag.closed_at = at
            flag.closed_by_id = by.id
        flag.state = FlagState.ENDED_ON_RELEASE
        flag.released_at = at
        flag.released_from_id = releasing.id
        flag.next_review_due = None
        save_flag(flag)
        audit_flag("self_harm_flag_ended_on_release", flag, by)
        if was_open:
            _tell_managers(
                flag,
                child,
                childs_yot(child),
                Notice(
                    "Released with an open self-harm flag",
                    "A child with an open self-harm flag has been released from "
                    f"{releasing.name}. The flag has ended with the release.",
                    (f"Released: {format_datetime(at)}",),
                    "The concern, triggers, warning signs and last case review are there for "
                    "planning the child's support outside custody.",
                    flag_path(flag),
                ),
                purpose="Release with an open self-harm flag",
                urgent=flag.risk_level is RiskLevel.HIGH,
                by=by,
                now=now,
            )
    return ending


def _last_step(flag: SelfHarmFlag) -> tuple[str, datetime]:
    """The flag's latest step, as when it happened (not when it was typed in), and its name."""
    steps = [
        (step.label, when) for step, when in _recorded_steps(flag).items() if when is not None
    ] + [("the flag was closed", flag.closed_at)]
    return max(((what, when) for what, when in steps if when is not None), key=lambda s: s[1])


def _recorded_steps(flag: SelfHarmFlag) -> dict[Step, datetime | None]:
    """When each step of the flag happened, None for those not recorded."""
    reviews = dao_case_reviews(flag.id)
    return {
        Step.OPENED: flag.opened_at,
        Step.IMMEDIATE_ACTION_PLAN: flag.immediate_action_plan_at,
        Step.ASSESSMENT_INTERVIEW: flag.assessment_interview_at,
        Step.FIRST_CASE_REVIEW: reviews[0].review.held_at if reviews else None,
        Step.LAST_CASE_REVIEW: reviews[-1].review.held_at if reviews else None,
        Step.POST_CLOSURE_REVIEW: flag.post_closure_review_at,
    }


def _check_in_order(flag: SelfHarmFlag, step: Step, when: datetime, field: str, now) -> None:
    """Refuse a step dated out of the ACCT order (``domain.acct``), on ``field``."""
    error = check_step_order(step, when, _recorded_steps(flag), now)
    if error is None:
        return
    if error.at is None:
        raise SelfHarmError(f"The date and time {error.message}", field)
    raise SelfHarmError(f"The date and time {error.message} ({format_datetime(error.at)})", field)


# Changes


def _check_holds(child: YoungPerson, by: User) -> None:
    if not holds_now(by, child.id):
        raise SelfHarmError(
            f"Only the establishment holding {child.full_name} can record self-harm flags"
        )


def _text(value: str | None, field: str, missing: str | None, what: str) -> str | None:
    value = (value or "").strip()
    if not value:
        if missing:
            raise SelfHarmError(missing, field)
        return None
    if len(value) > MAX_TEXT:
        raise SelfHarmError(f"{what} must be {MAX_TEXT} characters or fewer", field)
    return value


def _check_when(
    when: datetime, field: str, *, after: datetime, after_text: str, now: datetime
) -> None:
    if when > now:
        raise SelfHarmError("The date and time must not be in the future", field)
    if when < after:
        raise SelfHarmError(
            f"The date and time must be after {after_text} ({format_datetime(after)})", field
        )


def save_flag(flag: SelfHarmFlag) -> None:
    """Write a change to the flag, and keep its alert in step (raised, reworded or ended)."""
    db.save(flag, StaleFlagError)
    alerts.sync_flag(flag, utcnow())


def audit_flag(name: str, flag: SelfHarmFlag, by: User, detail: str | None = None) -> None:
    audit.record(
        name,
        young_person_id=flag.young_person_id,
        object_type="self_harm_flag",
        object_id=flag.id,
        user=by,
        detail=detail,
    )


def open_flag(
    child: YoungPerson,
    *,
    by: User,
    concern: str,
    risk_level: RiskLevel,
    observation_level: ObservationLevel,
    triggers: str | None,
    warning_signs: str | None,
    opened_at: datetime,
    now: datetime,
) -> SelfHarmFlag:
    """Open a flag for a child the user's establishment holds, and make its actions due.

    A child has one open flag at most: a new concern about a child on an open flag is for its
    next case review. The actions count from ``opened_at``, which may be earlier than now.
    """
    _check_holds(child, by)
    existing = dao_open_flag(child.id)
    if existing is not None:
        raise SelfHarmError(
            f"{child.full_name} already has an open self-harm flag, opened "
            f"{format_datetime(existing.opened_at)}. Record the new concern at a case review "
            "of that flag"
        )
    placement = dao_current_placement(child.id)
    _check_when(
        opened_at,
        "opened_on",
        after=placement.admitted_at,
        after_text="the child was admitted",
        now=now,
    )
    flag = SelfHarmFlag(
        young_person_id=child.id,
        concern=_text(concern, "concern", "Enter the concern", "The concern"),
        triggers=_text(triggers, "triggers", None, "Triggers"),
        warning_signs=_text(warning_signs, "warning_signs", None, "Warning signs"),
        risk_level=RiskLevel(risk_level),
        observation_level=ObservationLevel(observation_level),
        opened_at=opened_at,
        opened_by_id=by.id,
        opened_establishment_id=by.agency_id,
        reviewed_establishment_id=by.agency_id,
        created_at=now,
    )
    session = db.session()
    try:
        # The partial unique index settles a race the check above cannot see.
        with session.begin_nested():
            session.add(flag)
            session.flush()
    except sa.exc.IntegrityError as error:
        raise SelfHarmError(f"{child.full_name} already has an open self-harm flag") from error
    made = actions.on_event("self_harm_flag_opened", child=child, at=opened_at, by=by, source=flag)
    first_review = next((a for a in made if a.kind == "first_case_review"), None)
    flag.next_review_due = first_review.due_at if first_review else None
    save_flag(flag)
    audit_flag("self_harm_flag_opened", flag, by)
    if flag.risk_level is RiskLevel.HIGH:
        _tell_yot_of_high_risk(
            flag, child, at=opened_at, by=by, news="opened a self-harm flag", now=now
        )
    return flag


def _tell_yot_of_high_risk(
    flag: SelfHarmFlag, child: YoungPerson, *, at: datetime, by: User, news: str, now: datetime
):
    """The child's YOT's managers hear at once when a flag is at high risk: the YOT may know
    what helps, and the child's family may need to be told."""
    establishment = db.session().get(Agency, flag.reviewed_establishment_id)
    _tell_managers(
        flag,
        child,
        childs_yot(child),
        Notice(
            "Self-harm flag at high risk",
            f"{establishment.name} has {news} at high risk for a child of your area.",
            (f"When: {format_datetime(at)}",),
            "The concern, the plan and the reviews are in the service.",
            flag_path(flag),
        ),
        purpose="A self-harm flag at high risk",
        urgent=True,
        by=by,
        now=now,
    )


def _check_open(flag: SelfHarmFlag, what: str) -> YoungPerson:
    child = db.session().get(YoungPerson, flag.young_person_id)
    if not flag.is_open:
        raise SelfHarmError(f"This flag was closed {format_datetime(flag.closed_at)}: {what}")
    return child


def record_immediate_action_plan(
    flag: SelfHarmFlag,
    *,
    by: User,
    version: int | None,
    plan: str,
    made_at: datetime,
    now: datetime,
) -> None:
    """The immediate action plan and when it was made; completes its action at that time."""
    flag.check_version(version, StaleFlagError)
    child = _check_open(flag, "there is no immediate action plan to record")
    _check_holds(child, by)
    if flag.immediate_action_plan_at is not None:
        raise SelfHarmError(
            "The immediate action plan was recorded "
            f"{format_datetime(flag.immediate_action_plan_at)}. Record changes at a case review"
        )
    _check_in_order(flag, Step.IMMEDIATE_ACTION_PLAN, made_at, "made_on", now)
    flag.immediate_action_plan = _text(
        plan, "plan", "Enter the immediate action plan", "The immediate action plan"
    )
    flag.immediate_action_plan_at = made_at
    flag.immediate_action_plan_by_id = by.id
    save_flag(flag)
    actions.complete_open_actions(child, "immediate_action_plan", by=by, at=made_at)
    audit_flag("self_harm_immediate_action_plan_recorded", flag, by)


def record_assessment_interview(
    flag: SelfHarmFlag,
    *,
    by: User,
    version: int | None,
    summary: str,
    held_at: datetime,
    now: datetime,
) -> None:
    """The assessment interview and when it was held; completes its action at that time."""
    flag.check_version(version, StaleFlagError)
    child = _check_open(flag, "there is no assessment interview to record")
    _check_holds(child, by)
    if flag.assessment_interview_at is not None:
        raise SelfHarmError(
            "The assessment interview was recorded as held "
            f"{format_datetime(flag.assessment_interview_at)}"
        )
    _check_in_order(flag, Step.ASSESSMENT_INTERVIEW, held_at, "held_on", now)
    flag.assessment_interview = _text(
        summary, "summary", "Enter what the assessment interview found", "The summary"
    )
    flag.assessment_interview_at = held_at
    flag.assessment_interview_by_id = by.id
    save_flag(flag)
    actions.complete_open_actions(child, "assessment_interview", by=by, at=held_at)
    audit_flag("self_harm_assessment_interview_recorded", flag, by)


def record_case_review(
    flag: SelfHarmFlag,
    *,
    by: User,
    version: int | None,
    held_at: datetime,
    attendees: list[str],
    yot_attended: bool,
    outcome: str,
    risk_level: RiskLevel,
    observation_level: ObservationLevel,
    close: bool,
    next_review_due: datetime | None,
    now: datetime,
) -> CaseReview:
    """A case review of an open flag, held at the user's establishment.

    It completes the case review that was due. It either sets the next review, which must be
    in the future, or closes the flag: a flag is closed at a case review and nowhere else.
    A decision a manager must approve (``decision_needing_approval``) waits for them: a flag to
    be closed stays open, a risk to be lowered stays where it was, and the request is a welfare
    action of the establishment. A request still pending from an earlier review is withdrawn.
    """
    flag.check_version(version, StaleFlagError)
    child = _check_open(flag, "record a new concern by opening a new flag")
    _check_holds(child, by)
    _check_in_order(flag, Step.LAST_CASE_REVIEW, held_at, "held_on", now)
    outcome = _text(outcome, "outcome", "Enter what the review decided", "The outcome")
    risk_level, observation_level = RiskLevel(risk_level), ObservationLevel(observation_level)
    asks = decision_needing_approval(
        close=close,
        risk_level=risk_level,
        observation_level=observation_level,
        previous=flag.risk_level,
    )
    # Until a manager approves a lower risk, the flag stays at the risk it was at.
    in_force = flag.risk_level if asks else risk_level
    if close:
        next_review_due = None
    elif next_review_due is None:
        raise SelfHarmError("Enter the date of the next case review", "next_review_on")
    elif next_review_due <= now:
        raise SelfHarmError("The next case review must be in the future", "next_review_on")
    else:
        next_review_due = _within_limit(next_review_due, held_at, in_force, flag.risk_level, now)
    review = CaseReview(
        flag_id=flag.id,
        held_at=held_at,
        establishment_id=by.agency_id,
        attendees=[Attendee(code).value for code in attendees],
        yot_attended=yot_attended,
        outcome=outcome,
        previous_risk_level=flag.risk_level,
        risk_level=risk_level,
        previous_observation_level=flag.observation_level,
        observation_level=observation_level,
        closes_flag=close,
        next_review_due=next_review_due,
        recorded_by_id=by.id,
        recorded_at=now,
    )
    session = db.session()
    session.add(review)
    _withdraw_pending(flag, by=by, reason="A later case review was recorded", now=now)
    closes_now = close and not asks
    flag.risk_level = in_force
    flag.observation_level = review.observation_level
    flag.reviewed_establishment_id = by.agency_id
    flag.next_review_due = next_review_due
    if closes_now:
        mark_closed(flag, at=held_at, by=by.id)
    save_flag(flag)
    for kind in CASE_REVIEW_KINDS:
        actions.complete_open_actions(child, kind, by=by, at=held_at)
    if review.risk_level is RiskLevel.HIGH and review.previous_risk_level is not RiskLevel.HIGH:
        _tell_yot_of_high_risk(
            flag,
            child,
            at=held_at,
            by=by,
            news="raised the risk on a self-harm flag to high",
            now=now,
        )
    if closes_now:
        actions.on_event("self_harm_flag_closed", child=child, at=held_at, by=by, source=flag)
    elif not close:
        actions.on_event(
            "case_review_held", child=child, at=held_at, by=by, source=review, due=next_review_due
        )
    audit.record(
        "self_harm_case_review_recorded",
        young_person_id=child.id,
        object_type="self_harm_case_review",
        object_id=review.id,
        user=by,
    )
    if closes_now:
        audit_flag("self_harm_flag_closed", flag, by)
    if asks:
        approvals.request_approval(
            APPROVAL_KIND,
            subject=review,
            summary=asks,
            by=by,
            approver_agency_id=by.agency_id,
            now=now,
            child=child,
            event="self_harm_approval_requested",
        )
    return review


def mark_closed(flag: SelfHarmFlag, *, at: datetime, by: int) -> None:
    flag.state = FlagState.CLOSED
    flag.closed_at = at
    flag.closed_by_id = by


APPROVAL_KIND = "self_harm_flag_decision"


def _withdraw_pending(flag: SelfHarmFlag, *, by: User, reason: str, now: datetime) -> None:
    pending = pending_approval(flag)
    if pending is not None:
        approvals.withdraw(pending, by=by, reason=reason, now=now)


def _within_limit(
    next_review_due: datetime,
    held_at: datetime,
    risk_level: RiskLevel,
    previous: RiskLevel,
    now: datetime,
) -> datetime:
    """The next review, within the limit for the risk level the review leaves the flag at.

    A later date is refused, unless the review raised the risk (or was recorded so late that
    the limit has passed): then the next review is brought forward to the limit, since the
    child must not wait while the form is put right.
    """
    limit = review_limits(held_at).get(risk_level)
    if limit is None or next_review_due <= limit.latest:
        return next_review_due
    if risk_level.rank > previous.rank or limit.latest <= now:
        return limit.latest
    raise SelfHarmError(
        f"The next case review must be by {format_datetime(limit.latest)} at the latest: "
        f"{limit.period} after the review, at {risk_level.label.lower()} risk",
        "next_review_on",
    )


def record_post_closure_review(
    flag: SelfHarmFlag,
    *,
    by: User,
    version: int | None,
    outcome: str,
    held_at: datetime,
    now: datetime,
) -> None:
    """The post-closure review of a closed flag: it ends the flag and completes its action."""
    flag.check_version(version, StaleFlagError)
    child = db.session().get(YoungPerson, flag.young_person_id)
    if flag.state is FlagState.OPEN:
        raise SelfHarmError(
            "The flag is still open. Close it at a case review before the post-closure review"
        )
    if flag.state is FlagState.POST_CLOSURE_ENDED:
        raise SelfHarmError(
            "The post-closure review was recorded as held "
            f"{format_datetime(flag.post_closure_review_at)}"
        )
    if flag.state is FlagState.ENDED_ON_RELEASE:
        raise SelfHarmError(
            f"The flag ended when the child was released {format_datetime(flag.released_at)}. "
            "There is no post-closure review after a release"
        )
    _check_holds(child, by)
    _check_when(held_at, "held_on", after=flag.closed_at, after_text="the flag was closed", now=now)
    flag.post_closure_review = _text(
        outcome, "outcome", "Enter what the post-closure review found", "The outcome"
    )
    flag.post_closure_review_at = held_at
    flag.post_closure_review_by_id = by.id
    flag.state = FlagState.POST_CLOSURE_ENDED
    save_flag(flag)
    actions.complete_open_actions(child, "post_closure_review", by=by, at=held_at)
    audit_flag("self_harm_post_closure_review_recorded", flag, by)


