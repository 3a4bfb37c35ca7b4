"""Welfare actions: made by timescale rules or by hand, then completed or cancelled.

Deadlines are computed here and only here, with ``yoi_welfare.domain.timescales``. Other features
say what happened (``on_event``) and this module decides which actions that implies, who owns
them and when they are due. Nothing here commits: the request cycle or the job does.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import SQLModel, func, select

from yoi_welfare import db
from yoi_welfare.access import may_close_action
from yoi_welfare.accounts.models import User
from yoi_welfare.actions.models import (
    MANUAL,
    MAX_OFFSET,
    OwnerKind,
    TimescaleRule,
    WelfareAction,
)
from yoi_welfare.actions.queries import (
    allowed_owners,
    dao_child_yots,
    dao_holding_establishment,
    is_open,
)
from yoi_welfare.agencies.models import Agency
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import format_date
from yoi_welfare.domain.rule_bounds import bounds_for, exceeded
from yoi_welfare.domain.timescales import (
    EscalationLevel,
    Unit,
    due_at,
    escalation_due,
)
from yoi_welfare.errors import ServiceError
from yoi_welfare.escalations.models import Escalation
from yoi_welfare.people.models import LeavingReason, Placement, YoungPerson

# Manual actions have no rule; they go to the ACPC after the default grace of DESIGN.md.
MANUAL_ACPC_GRACE = (2, Unit.WORKING_DAYS)
MAX_TITLE = 200
MAX_TEXT = 1000
STALE_ACTION = "This action changed while you were working on it. Check it and try again"
STALE_RULE = (
    "This rule changed while you were editing. The form now shows the current values: "
    "make your change again"
)


class ActionError(ServiceError):
    """A request about a welfare action or a rule that cannot be carried out."""


class StaleActionError(ActionError):
    """The action changed while someone was working on it."""

    def __init__(self):
        super().__init__(STALE_ACTION)


class StaleRuleError(ActionError):
    """The rule changed between reading it into a form and saving the form."""

    def __init__(self):
        super().__init__(STALE_RULE)


class Event(StrEnum):
    """What other features report to ``on_event``."""

    CHILD_ADMITTED = "child_admitted"
    CHILD_TRANSFERRED = "child_transferred"
    SELF_HARM_FLAG_OPENED = "self_harm_flag_opened"
    CASE_REVIEW_HELD = "case_review_held"
    SELF_HARM_FLAG_CLOSED = "self_harm_flag_closed"
    LAC_REVIEW_HELD = "lac_review_held"
    PLACEMENT_REVIEW_HELD = "placement_review_held"
    WELFARE_SCREENING_RECEIVED = "welfare_screening_received"
    SELF_HARM_APPROVAL_REQUESTED = "self_harm_approval_requested"
    SCREENING_LEVEL_APPROVAL_REQUESTED = "screening_level_approval_requested"


# A rule's trigger: an event, narrowed where the rules differ by the child's circumstances.
TRIGGER_LABELS = {
    "child_admitted": "Child admitted to an establishment",
    "remanded_child_admitted": "Remanded child admitted (looked after)",
    "sentenced_child_admitted": "Sentenced child admitted",
    "self_harm_flag_opened": "Self-harm flag opened",
    "case_review_held": "Case review held",
    "self_harm_flag_closed": "Self-harm flag closed",
    "first_lac_review_held": "First LAC review held",
    "later_lac_review_held": "Second or later LAC review held",
    "placement_review_held": "Placement review meeting held",
    "welfare_screening_received": "YOT's welfare screening reaches the establishment",
    "case_review_limit": "Case review held: the latest it may set the next",
    "self_harm_approval_requested": "A case review's decision on a self-harm flag needs a "
    "manager's approval",
    "screening_level_approval_requested": "A screening's level, set well below the indicated "
    "level, needs a YOT manager's approval",
}


# Creating actions


def on_event(
    event: str,
    *,
    child: YoungPerson,
    at: datetime,
    by: User | None,
    source: SQLModel | None = None,
    owner_agency_id: int | None = None,
    due: datetime | None = None,
) -> list[WelfareAction]:
    """Create the actions that ``event`` implies for ``child``, and return them.

    ``at`` is when it happened: rule deadlines count from it. ``by`` is who recorded it (None for
    the system). ``source`` is the record it created (a placement, a flag, a review), kept on each
    action. ``owner_agency_id`` gives every action to that agency instead of the rule's owner; it
    must be one that may own the child's actions. ``due`` is the due time for a rule without an
    offset (the next case review), and is refused for any other.

    - ``child_admitted``: the first admission of a custody episode (``people.services.admit``).
      Welfare screening, owned by the child's YOT; for a remanded child (looked after by law) the
      first LAC review, and for a sentenced child the initial planning meeting, both owned by the
      YOT: the service models no local authority children's services, and the YOT is the
      authority's team nearest the child.
    - ``child_transferred``: creates nothing, because the YOT already knows the child. Open
      rule-made actions owned by an establishment move to the one now holding the child, so
      that self-harm reviews follow the child; actions added by hand stay with their owner.
    - ``self_harm_flag_opened``: immediate action plan, assessment interview and first case
      review, owned by the establishment holding the child.
    - ``case_review_held``: the next case review, due at ``due`` (required).
    - ``self_harm_flag_closed``: the post-closure review.
    - ``lac_review_held``: the second LAC review after the first of the custody episode, the
      next LAC review after any later one.
    - ``placement_review_held``: the next placement review meeting, due at ``due`` (required).
    - ``self_harm_approval_requested``: a case review's decision on a self-harm flag that a
      manager must approve: deciding it, owned by the establishment holding the child.
    - ``screening_level_approval_requested``: a screening whose practitioner level is two or more
      below the indicated level: a manager of the child's YOT approving or returning the level.
    - ``welfare_screening_received``: a screening submitted while the child is held, or a child
      admitted with a recent one: reading it, owned by the establishment holding the child.

    Raises ActionError when no agency can own an action (no YOT in the child's home area, or no
    establishment holding the child) and ValueError for an unknown event or a misused ``due``.
    """
    event = Event(event)
    if event is Event.CHILD_TRANSFERRED:
        follow_child(child, by)
        return []
    rules = _rules_for(_triggers(event, child))
    if due is not None and all(rule.due_offset is not None for rule in rules):
        raise ValueError(f"{event} sets its due times by rule; do not pass due")
    if owner_agency_id is not None:
        _check_owner(child, owner_agency_id)
    actions = []
    for rule in rules:
        if rule.due_offset is None or rule.due_unit is None:
            if due is None:
                raise ValueError(f"{event} needs due: the {rule.action_label} has no set offset")
            rule_due = due
        else:
            rule_due = due_at(at, rule.due_offset, rule.due_unit)
        owner_id = owner_agency_id or _rule_owner(rule, child).id
        actions.append(_create_by_rule(child, rule, rule_due, owner_id, source, by))
    return actions


def _create_by_rule(
    child: YoungPerson,
    rule: TimescaleRule,
    due: datetime,
    owner_agency_id: int,
    source: SQLModel | None,
    by: User | None,
) -> WelfareAction:
    return _create(
        child,
        kind=rule.key,
        rule=rule,
        title=rule.action_label,
        owner_agency_id=owner_agency_id,
        due=due,
        acpc_due=escalation_due(due, rule.acpc_grace_offset, rule.acpc_grace_unit),
        source=source,
        by=by,
    )


def _triggers(event: Event, child: YoungPerson) -> list[str]:
    if event is Event.CHILD_ADMITTED:
        return ["child_admitted", _admitted_as(child.legal_status.is_remand)]
    if event is Event.LAC_REVIEW_HELD:
        return [_lac_review_trigger(child)]
    return [event.value]


def _admitted_as(remanded: bool) -> str:
    """The trigger of the rules an admission applies for a remanded or a sentenced child."""
    return "remanded_child_admitted" if remanded else "sentenced_child_admitted"


def _lac_review_trigger(child: YoungPerson) -> str:
    """First or later LAC review, counted within the custody episode.

    The episode's first LAC review action marks its start; once a second LAC review has been
    set since then, every further review held is a later one.
    """
    session = db.session()
    episode_start = session.exec(
        select(func.max(WelfareAction.id)).where(
            WelfareAction.young_person_id == child.id, WelfareAction.kind == "first_lac_review"
        )
    ).one()
    second_set = session.exec(
        select(func.count())
        .select_from(WelfareAction)
        .where(
            WelfareAction.young_person_id == child.id,
            WelfareAction.kind == "second_lac_review",
            WelfareAction.cancelled_at.is_(None),
            WelfareAction.id > (episode_start or 0),
        )
    ).one()
    return "later_lac_review_held" if second_set else "first_lac_review_held"


def dao_rules_triggered_by(trigger: str) -> list[TimescaleRule]:
    """The rules in force for one trigger event: what pages say it makes due, and when."""
    return _rules_for([trigger])


def _rules_for(triggers: list[str]) -> list[TimescaleRule]:
    return list(
        db.session()
        .exec(
            select(TimescaleRule)
            .where(TimescaleRule.trigger_event.in_(triggers))
            .order_by(TimescaleRule.id)
        )
        .all()
    )


def _rule_owner(rule: TimescaleRule, child: YoungPerson) -> Agency:
    if rule.owner_kind is OwnerKind.YOT:
        yots = dao_child_yots(child)
        if not yots:
            raise ActionError(
                "The child's home area has no youth offending team to own the action "
                f"“{rule.action_label}”. Ask an administrator to add one"
            )
        return yots[0]
    holding = dao_holding_establishment(child)
    if holding is None:
        raise ActionError(
            "The child is not held by any establishment, so none can own the action "
            f"“{rule.action_label}”"
        )
    return holding


def _check_owner(child: YoungPerson, owner_agency_id: int | None) -> None:
    if owner_agency_id in {agency.id for agency in allowed_owners(child)}:
        return
    agency = db.session().get(Agency, owner_agency_id) if owner_agency_id else None
    who = agency.name if agency else "That agency"
    raise ActionError(
        f"{who} cannot own an action for this child. Select the child's youth offending team "
        "or the establishment holding the child",
        "owner",
    )


def _create(
    child: YoungPerson,
    *,
    kind: str,
    rule: TimescaleRule | None,
    title: str,
    owner_agency_id: int,
    due: datetime,
    acpc_due: datetime,
    source: SQLModel | None,
    by: User | None,
) -> WelfareAction:
    if source is not None and getattr(source, "id", None) is None:
        raise ValueError("source must be saved (flushed) before actions can refer to it")
    action = WelfareAction(
        young_person_id=child.id,
        kind=kind,
        rule_id=rule.id if rule else None,
        title=title,
        source_type=source.__tablename__ if source is not None else None,
        source_id=source.id if source is not None else None,
        owner_agency_id=owner_agency_id,
        due_at=due,
        acpc_due_at=acpc_due,
        created_by_id=by.id if by else None,
    )
    session = db.session()
    session.add(action)
    session.flush()
    audit.record(
        "welfare_action_created",
        young_person_id=child.id,
        object_type="welfare_action",
        object_id=action.id,
        user=by,
    )
    return action


def add_manual_action(
    child: YoungPerson,
    *,
    title: str,
    owner_agency_id: int | None,
    due: datetime,
    by: User,
    now: datetime,
    source: SQLModel | None = None,
    also_allowed: int | None = None,
) -> WelfareAction:
    """An action a practitioner sets by hand: what, who owns it, and when it is due.

    The owner must be one of ``allowed_owners(child)``, or ``also_allowed`` (the owner of an
    action the new one is about, such as an establishment the child has since left), and the
    due time in the future.
    """
    title = (title or "").strip()
    if not title:
        raise ActionError("Enter what needs to be done", "title")
    if len(title) > MAX_TITLE:
        raise ActionError(f"What needs to be done must be {MAX_TITLE} characters or fewer", "title")
    if owner_agency_id is None or owner_agency_id != also_allowed:
        _check_owner(child, owner_agency_id)
    if due <= now:
        raise ActionError("The due date and time must be in the future", "due_date")
    return _create(
        child,
        kind=MANUAL,
        rule=None,
        title=title,
        owner_agency_id=owner_agency_id,
        due=due,
        acpc_due=escalation_due(due, *MANUAL_ACPC_GRACE),
        source=source,
        by=by,
    )


def follow_child(child: YoungPerson, by: User | None) -> None:
    """The open actions an establishment owns by rule move to the one holding the child now."""
    holding = dao_holding_establishment(child)
    if holding is None:
        return
    establishment_rules = select(TimescaleRule.id).where(
        TimescaleRule.owner_kind == OwnerKind.ESTABLISHMENT
    )
    moving = db.session().exec(
        select(WelfareAction).where(
            WelfareAction.young_person_id == child.id,
            is_open(),
            WelfareAction.rule_id.in_(establishment_rules),
            WelfareAction.owner_agency_id != holding.id,
        )
    )
    for action in moving.all():
        action.owner_agency_id = holding.id
        db.save(action, StaleActionError)
        audit.record(
            "welfare_action_reassigned",
            young_person_id=child.id,
            object_type="welfare_action",
            object_id=action.id,
            user=by,
        )


# Completing and cancelling


def _check_can_close(action: WelfareAction, by: User, verb: str) -> None:
    if not may_close_action(by, action.owner_agency_id, is_open=True):
        owner = db.session().get(Agency, action.owner_agency_id)
        raise ActionError(f"Only {owner.name} can {verb} this action")
    if action.completed_at is not None:
        if verb == "complete":
            raise ActionError("This action has already been completed")
        raise ActionError("This action has been completed, so it cannot be cancelled")
    if action.cancelled_at is not None:
        if verb == "cancel":
            raise ActionError("This action has already been cancelled")
        raise ActionError("This action has been cancelled, so it cannot be completed")


def _resolve_escalations(action: WelfareAction, at: datetime) -> None:
    """Closing an action resolves its escalations at once, not at the next scan."""
    db.session().execute(
        sa.update(Escalation)
        .where(Escalation.action_id == action.id, Escalation.resolved_at.is_(None))
        .values(resolved_at=at)
    )


def _complete(action: WelfareAction, by: User | None, at: datetime, note: str | None) -> None:
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_TEXT:
        raise ActionError(f"Note must be {MAX_TEXT} characters or fewer", "note")
    action.completed_at = at
    action.completed_by_id = by.id if by else None
    action.completion_note = note
    db.save(action, StaleActionError)
    _resolve_escalations(action, at)
    audit.record(
        "welfare_action_completed",
        young_person_id=action.young_person_id,
        object_type="welfare_action",
        object_id=action.id,
        user=by,
    )


# Deadlines met by recording the work itself: doing so completes the action
# (``complete_open_actions``). Marking one complete by hand would stop the watch over it with
# nothing recorded, so it is refused; cancelling, with a reason on the record, is still allowed.
COMPLETED_BY_RECORDING = {
    "welfare_screening_due": "submitting a welfare screening of the child",
    "immediate_action_plan": "recording the immediate action plan on the self-harm flag",
    "assessment_interview": "recording the assessment interview on the self-harm flag",
    "first_case_review": "recording a case review of the self-harm flag",
    "next_case_review": "recording a case review of the self-harm flag",
    "post_closure_review": "recording the post-closure review of the self-harm flag",
    "first_lac_review": "recording the LAC review",
    "second_lac_review": "recording the LAC review",
    "later_lac_review": "recording the LAC review",
    "next_placement_review": "recording the placement review meeting",
    "welfare_screening_read": "opening the screening to read it",
    "self_harm_approval": "a manager approving or returning the case review's decision",
    "screening_level_approval": "a YOT manager approving or returning the screening's level",
}


def completed_by_recording(action: WelfareAction) -> str | None:
    """How the work of a deadline like this is recorded, or None if it is completed by hand."""
    return COMPLETED_BY_RECORDING.get(action.kind)


def complete_action(
    action: WelfareAction, *, by: User, at: datetime, note: str | None = None
) -> None:
    """Mark an open action done. Only users of the owner agency may; others see it read-only.

    An action that recording the work completes cannot be marked done by hand.
    """
    _check_can_close(action, by, "complete")
    how = completed_by_recording(action)
    if how is not None:
        raise ActionError(f"This action is completed by {how}, not by hand")
    _complete(action, by, at, note)


def cancel_action(action: WelfareAction, *, by: User, at: datetime, reason: str) -> None:
    """Withdraw an open action that is no longer needed; the reason is kept on the record."""
    _check_can_close(action, by, "cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Enter why the action is being cancelled", "reason")
    if len(reason) > MAX_TEXT:
        raise ActionError(f"Reason must be {MAX_TEXT} characters or fewer", "reason")
    _cancel(action, by, at, reason)


def _cancel(action: WelfareAction, by: User, at: datetime, reason: str) -> None:
    action.cancelled_at = at
    action.cancelled_by_id = by.id
    action.cancellation_reason = reason
    db.save(action, StaleActionError)
    _resolve_escalations(action, at)
    audit.record(
        "welfare_action_cancelled",
        young_person_id=action.young_person_id,
        object_type="welfare_action",
        object_id=action.id,
        user=by,
    )


def _open_actions_of(child: YoungPerson, *conditions) -> list[WelfareAction]:
    statement = (
        select(WelfareAction)
        .where(WelfareAction.young_person_id == child.id, is_open(), *conditions)
        .order_by(WelfareAction.id)
    )
    return list(db.session().exec(statement).all())


def cancel_on_release(
    child: YoungPerson, establishment: Agency, *, by: User, at: datetime
) -> list[WelfareAction]:
    """Cancel the open actions the releasing establishment owns for the child: it can no longer
    carry them out, and they must not go on escalating. The YOT's own actions stay open."""
    actions = _open_actions_of(child, WelfareAction.owner_agency_id == establishment.id)
    reason = f"The child was released from {establishment.name} on {format_date(at)}"
    for action in actions:
        _cancel(action, by, at, reason)
    return actions


def on_legal_status_changed(
    child: YoungPerson, *, by: User, at: datetime, corrected: bool
) -> tuple[list[WelfareAction], list[WelfareAction]]:
    """Make the admission's deadlines fit a legal status moved between remand and sentence.

    While the child is held, the open actions that the custody episode's admission made for
    the other status are cancelled (a remanded child's first LAC review, a sentenced child's
    initial planning meeting), and those for the status now recorded are made. ``corrected``:
    the status was recorded wrongly, so they are due as they would have been from the admission
    (a deadline already past is overdue, and escalates); otherwise the status changed at
    ``at`` (a remanded child sentenced, say) and they count from then. An action of the same
    kind already set for this admission, and not cancelled, is kept. Returns what was
    cancelled and what was made; nothing when the child is not held.
    """
    admission = _episode_admission(child)
    if admission is None:
        return [], []
    remanded = child.legal_status.is_remand
    from_admission = (
        WelfareAction.source_type == Placement.__tablename__,
        WelfareAction.source_id == admission.id,
    )
    stale_rules = [rule.id for rule in _rules_for([_admitted_as(not remanded)])]
    cancelled = _open_actions_of(child, WelfareAction.rule_id.in_(stale_rules), *from_admission)
    happened = "was corrected" if corrected else "changed"
    reason = f"No longer applies: the child's legal status {happened} on {format_date(at)}"
    for action in cancelled:
        _cancel(action, by, at, reason)
    kept = set(
        db.session()
        .exec(
            select(WelfareAction.kind).where(
                WelfareAction.young_person_id == child.id,
                WelfareAction.cancelled_at.is_(None),
                *from_admission,
            )
        )
        .all()
    )
    made = []
    for rule in _rules_for([_admitted_as(remanded)]):
        if rule.key in kept or rule.due_offset is None or rule.due_unit is None:
            continue
        due = due_at(admission.admitted_at if corrected else at, rule.due_offset, rule.due_unit)
        owner_id = _rule_owner(rule, child).id
        made.append(_create_by_rule(child, rule, due, owner_id, admission, by))
    return cancelled, made


@dataclass
class MovedDeadlines:
    """What correcting the date a placement's deadlines count from did to them."""

    moved: list[WelfareAction]
    replaced: list[tuple[WelfareAction, WelfareAction]]
    withdrawn: list[Escalation]


def on_admission_corrected(placement: Placement, *, by: User, at: datetime) -> MovedDeadlines:
    """The placement's admission date was corrected: its rule deadlines count from the new one.

    An escalation raised before its level fell due by the corrected date was raised only
    because of the wrong date: it is withdrawn (kept, with the reason) and resolved. An open
    action that had one is cancelled and replaced by one due by the corrected date, which is
    escalated afresh if it falls overdue; any other action has its due times moved.
    """
    session = db.session()
    child = session.get(YoungPerson, placement.young_person_id)
    result = MovedDeadlines([], [], [])
    sourced = session.exec(
        select(WelfareAction, TimescaleRule)
        .join(TimescaleRule, TimescaleRule.id == WelfareAction.rule_id)
        .where(
            WelfareAction.source_type == Placement.__tablename__,
            WelfareAction.source_id == placement.id,
            WelfareAction.cancelled_at.is_(None),
            TimescaleRule.due_offset.is_not(None),
        )
        .order_by(WelfareAction.id)
    ).all()
    reason = f"Raised in error: the date it counted from was corrected on {format_date(at)}"
    for action, rule in sourced:
        due = due_at(placement.admitted_at, rule.due_offset, rule.due_unit)
        acpc_due = escalation_due(due, rule.acpc_grace_offset, rule.acpc_grace_unit)
        in_error = [
            escalation
            for escalation in session.exec(
                select(Escalation).where(
                    Escalation.action_id == action.id, Escalation.withdrawn_at.is_(None)
                )
            )
            if escalation.raised_at
            < (due if escalation.level is EscalationLevel.AGENCY else acpc_due)
        ]
        for escalation in in_error:
            escalation.withdrawn_at, escalation.withdrawn_reason = at, reason
            escalation.resolved_at = escalation.resolved_at or at
            session.add(escalation)
        result.withdrawn += in_error
        if in_error and action.is_open:
            _cancel(action, by, at, f"Replaced: the admission was corrected on {format_date(at)}")
            replacement = _create_by_rule(child, rule, due, action.owner_agency_id, placement, by)
            result.replaced.append((action, replacement))
        else:
            action.due_at, action.acpc_due_at = due, acpc_due
            db.save(action, StaleActionError)
            result.moved.append(action)
    session.flush()
    return result


def _episode_admission(child: YoungPerson) -> Placement | None:
    """The placement that began the custody episode the child is in now (None if not held):
    the current one, or the first of the transfers that led to it."""
    placements = list(
        db.session().exec(
            select(Placement)
            .where(Placement.young_person_id == child.id)
            .order_by(Placement.admitted_at.desc(), Placement.id.desc())
        )
    )
    if not placements or placements[0].left_at is not None:
        return None
    admission = placements[0]
    for earlier in placements[1:]:
        if earlier.leaving_reason != LeavingReason.TRANSFER:
            break
        admission = earlier
    return admission


def cancel_arising_from_discarded(action: WelfareAction, *, by: User, at: datetime) -> None:
    """Cancel an open action that arose from a draft screening now discarded.

    Whoever discards the draft may do so, whichever agency owns the action: it was set in that
    draft, and the reason on the record says so.
    """
    reason = f"The draft welfare screening it arose from was discarded on {format_date(at)}"
    _cancel(action, by, at, reason)


def complete_recorded(action: WelfareAction, *, by: User | None, at: datetime) -> None:
    """Complete one action whose work its feature has just recorded (an approval decided)."""
    _complete(action, by, at, None)


def cancel_recorded(action: WelfareAction, *, by: User, at: datetime, reason: str) -> None:
    """Cancel one action that its feature no longer needs, with the reason on the record."""
    _cancel(action, by, at, reason)


def complete_open_actions(
    child: YoungPerson,
    kind: str,
    *,
    by: User | None,
    at: datetime,
    note: str | None = None,
    owner_agency_id: int | None = None,
) -> list[WelfareAction]:
    """Complete the child's open actions of ``kind``, for the feature that did what they ask.

    For example a submitted welfare screening completes the open "welfare_screening_due"
    action, whichever agency's user submitted it. ``owner_agency_id`` completes only that
    agency's.
    """
    conditions = [WelfareAction.kind == kind]
    if owner_agency_id is not None:
        conditions.append(WelfareAction.owner_agency_id == owner_agency_id)
    actions = _open_actions_of(child, *conditions)
    for action in actions:
        _complete(action, by, at, note)
    return actions


# Timescale rules


def check_rule_change(
    rule: TimescaleRule,
    *,
    version_id: int | None,
    due_offset: int | None,
    due_unit: Unit | None,
    acpc_grace_offset: int,
    acpc_grace_unit: Unit,
) -> None:
    """Refuse a change to a rule that is stale, out of range or beyond the rule's bounds
    (``domain.rule_bounds``), naming the bound and why it is there."""
    rule.check_version(version_id, StaleRuleError)
    has_offset = rule.due_offset is not None
    if (due_offset is not None, due_unit is not None) != (has_offset, has_offset):
        raise ValueError("give a due offset and unit exactly when the rule has one")
    for value, unit, field, what, grace in (
        (due_offset, due_unit, "due_offset", "Due period", False),
        (acpc_grace_offset, acpc_grace_unit, "acpc_grace_offset", "ACPC grace period", True),
    ):
        if value is None:
            continue
        if not 0 <= value <= MAX_OFFSET:
            raise ActionError(f"{what} must be between 0 and {MAX_OFFSET}", field)
        bound = exceeded(value, Unit(unit), bounds_for(rule.key, grace=grace))
        if bound is not None:
            raise ActionError(f"{what} must be no longer than {bound.text}: {bound.why}", field)


def update_rule(
    rule: TimescaleRule,
    *,
    by: User,
    version_id: int | None,
    due_offset: int | None,
    due_unit: Unit | None,
    acpc_grace_offset: int,
    acpc_grace_unit: Unit,
    now: datetime,
) -> None:
    """Change a rule's timescales for actions created from now on; existing ones keep theirs.

    ``version_id`` is the version the editor started from: a rule changed since is refused.
    A rule whose due time the triggering event sets keeps no offset: pass None for both.
    A change that lengthens a rule waits for a second administrator: see ``rule_changes``.
    """
    check_rule_change(
        rule,
        version_id=version_id,
        due_offset=due_offset,
        due_unit=due_unit,
        acpc_grace_offset=acpc_grace_offset,
        acpc_grace_unit=acpc_grace_unit,
    )
    rule.due_offset = due_offset
    rule.due_unit = Unit(due_unit) if due_unit else None
    rule.acpc_grace_offset = acpc_grace_offset
    rule.acpc_grace_unit = Unit(acpc_grace_unit)
    rule.updated_at = now
    rule.updated_by_id = by.id
    db.save(rule, StaleRuleError)
    audit.record("timescale_rule_changed", object_type="timescale_rule", object_id=rule.id, user=by)
