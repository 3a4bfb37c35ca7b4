"""Self-harm flags: the child's current flag and history, and each step of the ACCT process.

Everyone who can see the child reads the flags. Only staff of the establishment holding the
child record anything. Every form carries the version of the flag it was filled in from: a
flag changed meanwhile by someone else is not overwritten, the page says so and keeps what the
user typed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare.access import (
    Permission,
    can_record,
    current_placement,
    current_viewer,
    deny,
    get_visible_child,
    has_permission,
    holds_child,
    permission_required,
)
from yoi_welfare.actions.queries import dao_user_names, status_of
from yoi_welfare.actions.services import dao_rules_triggered_by
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.models import Approval
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import LONDON, format_datetime, format_due, london_instant, utcnow
from yoi_welfare.domain.timescales import DueStatus
from yoi_welfare.kept_forms import first_shown
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.self_harm import decisions, services
from yoi_welfare.self_harm import queries as flag_queries
from yoi_welfare.self_harm import rules as flag_rules
from yoi_welfare.self_harm.forms import (
    CLOSE,
    AssessmentInterviewForm,
    CaseReviewForm,
    ImmediateActionPlanForm,
    OpenFlagForm,
    PostClosureReviewForm,
)
from yoi_welfare.self_harm.models import FlagState, ObservationLevel, RiskLevel, SelfHarmFlag
from yoi_welfare.view_helpers import show_error

bp = Blueprint("self_harm", __name__)


def _holding_establishment_id(child: YoungPerson) -> int | None:
    placement = current_placement(child)
    return placement.establishment_id if placement else None


def flag_panel(record: ChildRecord) -> dict | None:
    """What the child's page shows: the current flag at the top, and every flag below."""
    if not has_permission(current_user, Permission.VIEW_CHILDREN):
        return None
    flags = record.flags
    current = next((f for f in flags if not f.state.has_ended), None)
    placement, establishment = record.current or (None, None)
    holding = placement.establishment_id if placement else None
    reviewed_at = None
    if current is not None and current.reviewed_establishment_id is not None:
        reviewed_at = flag_queries.dao_agency_names({current.reviewed_establishment_id}).get(
            current.reviewed_establishment_id
        )
    recordable = can_record(record.child)
    pending = flag_queries.pending_approval(current) if current and current.is_open else None
    return {
        "current": current,
        "awaiting": flag_rules.awaiting_text(pending, flag_queries.dao_case_reviews(current.id))
        if pending
        else None,
        "status": flag_rules.next_review_status(current, utcnow()) if current else None,
        "arrived_unreviewed": bool(current and flag_rules.arrived_unreviewed(current, holding)),
        "reviewed_at": reviewed_at,
        "holding": establishment.name if establishment else None,
        "flags": flags,
        "can_record": recordable,
        "can_open": recordable and not any(f.is_open for f in flags),
        # The flag's soonest-due step, for the main buttons at the top of the child's page.
        "next_step": next_step(current, [a for a, _ in record.open_actions], pending)
        if recordable and current is not None
        else None,
    }


@dataclass(frozen=True)
class OpenFlagListing:
    flag: SelfHarmFlag
    child: YoungPerson
    status: DueStatus | None
    arrived_unreviewed: bool


def open_flags_list(establishment_id: int | None = None) -> list[OpenFlagListing]:
    """Open flags of the children the user can see (held by ``establishment_id``, if given),
    next review soonest first, for the home pages."""
    now = utcnow()
    return [
        OpenFlagListing(
            row.flag,
            row.child,
            flag_rules.next_review_status(row.flag, now),
            row.arrived_unreviewed,
        )
        for row in flag_queries.dao_open_flags(current_viewer(), establishment_id)
    ]


@bp.route("/children/<int:child_id>/self-harm-flags/new", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def new(child_id: int):
    child = get_visible_child(child_id)
    if not holds_child(child):
        deny(young_person_id=child_id, object_type="young_person", object_id=child_id)
    form = OpenFlagForm()
    open_flag = flag_queries.dao_open_flag(child.id)
    if first_shown():
        _prefill_now(form, "opened_on", "opened_time")
    if request.method == "POST" and open_flag is not None:
        form.form_errors.append(f"{child.full_name} already has an open self-harm flag")
    elif form.validate_on_submit():
        try:
            flag = services.open_flag(
                child,
                by=current_user,
                concern=form.concern.data,
                risk_level=RiskLevel(form.risk_level.data),
                observation_level=ObservationLevel(form.observation_level.data),
                triggers=form.triggers.data,
                warning_signs=form.warning_signs.data,
                opened_at=london_instant(form.opened_on.data, form.opened_time.time_value),
                now=utcnow(),
            )
        except services.SelfHarmError as error:
            show_error(form, error)
        else:
            flash(
                "Self-harm flag opened. The immediate action plan, assessment interview and "
                "first case review are now due",
                "success",
            )
            return redirect(url_for("self_harm.show", flag_id=flag.id))
    return render_template(
        "self_harm/open.html",
        form=form,
        child=child,
        open_flag=open_flag,
        deadlines=dao_rules_triggered_by("self_harm_flag_opened"),
    )


def _flag_or_404(flag_id: int, *, record: bool = False) -> tuple[SelfHarmFlag, YoungPerson]:
    flag = flag_queries.dao_flag(flag_id)
    if flag is None:
        deny(object_type="self_harm_flag", object_id=flag_id)
    child = get_visible_child(flag.young_person_id)
    if record and not holds_child(child):
        deny(young_person_id=child.id, object_type="self_harm_flag", object_id=flag_id)
    return flag, child


# The step that completes each of a flag's actions, for the flag page's primary button.
STEP_ENDPOINTS = {
    "immediate_action_plan": (
        "self_harm.immediate_action_plan",
        "Record the immediate action plan",
    ),
    "assessment_interview": ("self_harm.assessment_interview", "Record the assessment interview"),
    "first_case_review": ("self_harm.case_review", "Record a case review"),
    "next_case_review": ("self_harm.case_review", "Record a case review"),
    "post_closure_review": ("self_harm.post_closure_review", "Record the post-closure review"),
}


@dataclass(frozen=True)
class NextStep:
    label: str  # the button
    href: str
    due: str  # "Immediate action plan due by 3:30pm today"


def next_step(flag: SelfHarmFlag, made: list, pending: Approval | None) -> NextStep | None:
    """The flag's soonest-due open step the user can take here, for the primary button."""
    now = utcnow()
    for action in sorted((a for a in made if a.is_open), key=lambda a: (a.due_at, a.id)):
        due = f"{action.title} due by {format_due(action.due_at, now)}"
        if action.kind == decisions.ACTION_KIND:
            href = _decide_href(pending)
            if href is not None:
                return NextStep("Approve or return the decision", href, due)
            continue
        if action.kind in STEP_ENDPOINTS:
            endpoint, label = STEP_ENDPOINTS[action.kind]
            return NextStep(label, url_for(endpoint, flag_id=flag.id), due)
    return None


def _flag_page(flag: SelfHarmFlag, child: YoungPerson) -> dict:
    """What every page about a flag shows of it."""
    holding = _holding_establishment_id(child)
    places = {flag.opened_establishment_id, flag.reviewed_establishment_id, flag.released_from_id}
    names = flag_queries.dao_agency_names((places | {holding}) - {None})
    reviews = flag_queries.dao_case_reviews(flag.id)
    pending = flag_queries.pending_approval(flag)
    return {
        "flag": flag,
        "child": child,
        "status": flag_rules.next_review_status(flag, utcnow()),
        "arrived_unreviewed": flag_rules.arrived_unreviewed(flag, holding),
        "establishments": names,
        "holding": names.get(holding),
        "users": flag_queries.dao_user_names(flag),
        "reviews": reviews,
        "pending": pending,
        "awaiting": flag_rules.awaiting_text(pending, reviews),
        "decide_href": _decide_href(pending),
    }


def _decide_href(pending: Approval | None) -> str | None:
    """Where the signed-in user approves or returns the pending request, if they may."""
    if pending is None or not has_permission(current_user, Permission.DECIDE_APPROVALS):
        return None
    if approvals.why_not_decide(pending, current_user) is not None:
        return None
    return url_for("approvals.show", approval_id=pending.id)


@bp.get("/self-harm-flags/<int:flag_id>")
@permission_required(Permission.VIEW_CHILDREN)
def show(flag_id: int):
    flag, child = _flag_or_404(flag_id)
    audit.record(
        "self_harm_flag_viewed",
        young_person_id=child.id,
        object_type="self_harm_flag",
        object_id=flag.id,
        user=current_user,
    )
    now = utcnow()
    flag_actions = flag_queries.flag_actions(flag)
    made = [(action, status_of(action, now)) for action in flag_actions]
    page = _flag_page(flag, child)
    decided = flag_queries.dao_flag_approvals(flag)
    recordable = can_record(child)
    return render_template(
        "self_harm/flag.html",
        **page,
        actions=made,
        can_record=recordable,
        next_step=next_step(flag, flag_actions, page["pending"]) if recordable else None,
        approvals_by_review={a.subject_id: a for a in decided},
        approvers=dao_user_names({a.decided_by_id for a in decided} - {None}),
    )


def _step(
    flag_id: int,
    form,
    *,
    title: str,
    closed_text: Callable[[SelfHarmFlag], str | None],
    save: Callable[[SelfHarmFlag], None],
    done: str | Callable[[], str],
    prefill: Callable[[SelfHarmFlag], None] | None = None,
):
    """One step on a flag: show the form unless the step is done, save it, handle staleness."""
    flag, child = _flag_or_404(flag_id, record=True)
    if first_shown():
        form.version_id.data = str(flag.version_id)
        if prefill:
            prefill(flag)
    closed = closed_text(flag)
    if request.method == "POST" and closed:
        # Someone finished this step, or moved the flag on, since the form was opened.
        form.form_errors.append(services.STALE if form.version != flag.version_id else closed)
    elif form.validate_on_submit():
        try:
            save(flag)
        except services.SelfHarmError as error:
            show_error(form, error)
            if isinstance(error, services.StaleFlagError):
                # Keep what was typed; saving again is checked against the flag as it is now.
                form.version_id.data = str(flag.version_id)
        else:
            flash(done() if callable(done) else done, "success")
            return redirect(url_for("self_harm.show", flag_id=flag.id))
    return render_template(
        "self_harm/step.html",
        **_flag_page(flag, child),
        form=form,
        title=title,
        closed_text=closed_text(flag),
    )


def _when(form, on: str, at: str) -> datetime:
    return london_instant(getattr(form, on).data, getattr(form, at).time_value)


def _recorded_once(at: str, what: str) -> Callable[[SelfHarmFlag], str | None]:
    """Why a step recorded once per flag (at the flag's attribute ``at``) cannot be recorded."""

    def closed_text(flag: SelfHarmFlag) -> str | None:
        if getattr(flag, at):
            return f"The {what} has been recorded."
        return None if flag.is_open else "The flag is closed."

    return closed_text


def _prefill_now(form, on: str, at: str) -> None:
    """Start a step's date and time at the moment the form is opened."""
    now = utcnow().astimezone(LONDON)
    getattr(form, on).data = now.date()
    getattr(form, at).data = now.strftime("%H:%M")


@bp.route("/self-harm-flags/<int:flag_id>/immediate-action-plan", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def immediate_action_plan(flag_id: int):
    form = ImmediateActionPlanForm()
    return _step(
        flag_id,
        form,
        title="Record the immediate action plan",
        closed_text=_recorded_once("immediate_action_plan_at", "immediate action plan"),
        save=lambda flag: services.record_immediate_action_plan(
            flag,
            by=current_user,
            version=form.version,
            plan=form.plan.data,
            made_at=_when(form, "made_on", "made_time"),
            now=utcnow(),
        ),
        done="Immediate action plan recorded",
        prefill=lambda flag: _prefill_now(form, "made_on", "made_time"),
    )


@bp.route("/self-harm-flags/<int:flag_id>/assessment-interview", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def assessment_interview(flag_id: int):
    form = AssessmentInterviewForm()
    return _step(
        flag_id,
        form,
        title="Record the assessment interview",
        closed_text=_recorded_once("assessment_interview_at", "assessment interview"),
        save=lambda flag: services.record_assessment_interview(
            flag,
            by=current_user,
            version=form.version,
            summary=form.summary.data,
            held_at=_when(form, "held_on", "held_time"),
            now=utcnow(),
        ),
        done="Assessment interview recorded",
    )


@bp.route("/self-harm-flags/<int:flag_id>/case-reviews/new", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def case_review(flag_id: int):
    form = CaseReviewForm()

    def prefill(flag: SelfHarmFlag) -> None:
        form.risk_level.data = flag.risk_level.value
        form.observation_level.data = flag.observation_level.value

    limits = flag_rules.describe_review_limits(utcnow())
    if limits:
        form.next_review_on.description = f"If the flag stays open. {limits}"
    brought_forward = []
    waiting = []

    def save(flag: SelfHarmFlag) -> None:
        close = form.decision.data == CLOSE
        asked = None if close else _when(form, "next_review_on", "next_review_time")
        review = services.record_case_review(
            flag,
            by=current_user,
            version=form.version,
            held_at=_when(form, "held_on", "held_time"),
            attendees=form.attendees.data or [],
            yot_attended=form.yot_attended.data == "yes",
            outcome=form.outcome.data,
            risk_level=RiskLevel(form.risk_level.data),
            observation_level=ObservationLevel(form.observation_level.data),
            close=close,
            next_review_due=asked,
            now=utcnow(),
        )
        if asked is not None and review.next_review_due != asked:
            brought_forward.append(review)
        waiting.append(
            flag_rules.awaiting_text(
                flag_queries.pending_approval(flag), flag_queries.dao_case_reviews(flag.id)
            )
        )

    return _step(
        flag_id,
        form,
        title="Record a case review",
        closed_text=lambda flag: None if flag.is_open else "The flag is closed.",
        save=save,
        done=lambda: _review_recorded(brought_forward, waiting),
        prefill=prefill,
    )


def _review_recorded(brought_forward: list, waiting: list[str | None]) -> str:
    """What saving a case review did, for the success banner."""
    said = ["Case review recorded"]
    if brought_forward:
        review = brought_forward[0]
        said.append(
            f"The next case review has been brought forward to "
            f"{format_datetime(review.next_review_due)}, the latest allowed at "
            f"{review.risk_level.label.lower()} risk"
        )
    if waiting and waiting[0]:
        said.append(waiting[0])
    return ". ".join(said)


@bp.route("/self-harm-flags/<int:flag_id>/post-closure-review", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def post_closure_review(flag_id: int):
    form = PostClosureReviewForm()
    return _step(
        flag_id,
        form,
        title="Record the post-closure review",
        closed_text=lambda flag: {
            FlagState.OPEN: "The flag is open. Close it at a case review first.",
            FlagState.CLOSED: None,
            FlagState.POST_CLOSURE_ENDED: "The post-closure review has been recorded.",
            FlagState.ENDED_ON_RELEASE: "The flag ended when the child was released.",
        }[flag.state],
        save=lambda flag: services.record_post_closure_review(
            flag,
            by=current_user,
            version=form.version,
            outcome=form.outcome.data,
            held_at=_when(form, "held_on", "held_time"),
            now=utcnow(),
        ),
        done="Post-closure review recorded: the flag has ended",
    )
