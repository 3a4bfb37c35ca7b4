"""The rules of a self-harm flag that a person sees: how long a case review may set the next
one off at each risk level, how a review stands, and which decisions wait for a manager."""

from dataclasses import dataclass
from datetime import datetime

from yoi_welfare.actions import queries as action_queries
from yoi_welfare.approvals.models import Approval
from yoi_welfare.dates import format_datetime
from yoi_welfare.domain.timescales import DueStatus, due_at, due_status
from yoi_welfare.self_harm.models import ObservationLevel, RiskLevel, SelfHarmFlag

LIMIT_KEYS = {level: f"case_review_limit_{level.value.lower()}" for level in RiskLevel}


@dataclass(frozen=True)
class ReviewLimit:
    """The latest a case review held at some time may set the next, at one risk level."""

    risk_level: RiskLevel
    period: str  # in words, such as "24 hours"
    latest: datetime


def review_limits(held_at: datetime) -> dict[RiskLevel, ReviewLimit]:
    """For each risk level with a limit rule, the latest the next case review may be set after a
    review held at ``held_at``."""
    rules = action_queries.dao_rules_by_key(list(LIMIT_KEYS.values()))
    limits = {}
    for level, key in LIMIT_KEYS.items():
        rule = rules.get(key)
        if rule is not None and rule.due_offset is not None:
            latest = due_at(held_at, rule.due_offset, rule.due_unit)
            limits[level] = ReviewLimit(level, rule.due_text, latest)
    return limits


def describe_review_limits(held_at: datetime) -> str:
    """The limits in words, as the case review form states them for a review held now."""
    limits = sorted(review_limits(held_at).values(), key=lambda limit: -limit.risk_level.rank)
    if not limits:
        return ""
    return "At the latest " + "; ".join(
        f"{limit.period} after the review at {limit.risk_level.label.lower()} risk "
        f"({format_datetime(limit.latest)} for a review held now)"
        for limit in limits
    )


def arrived_unreviewed(flag: SelfHarmFlag, holding_establishment_id: int | None) -> bool:
    """An open flag that came with the child from another establishment, not yet reviewed here."""
    return (
        flag.is_open
        and holding_establishment_id is not None
        and holding_establishment_id != flag.reviewed_establishment_id
    )


def next_review_status(flag: SelfHarmFlag, now: datetime) -> DueStatus | None:
    """How the open flag's next case review stands: due later, due today, or overdue."""
    if not flag.is_open or flag.next_review_due is None:
        return None
    return due_status(flag.next_review_due, now)


def decision_needing_approval(
    *,
    close: bool,
    risk_level: RiskLevel,
    observation_level: ObservationLevel,
    previous: RiskLevel,
) -> str | None:
    """What a case review decides that a manager must approve before it takes effect, in
    words, or None: closing the flag at high risk or with observations above the standard
    level, or lowering the risk two levels at once (closing or not)."""
    lowering = None
    if previous.rank - risk_level.rank >= 2:
        lowering = f"lower the risk from {previous.label.lower()} to {risk_level.label.lower()}"
    if not close:
        return f"{lowering.capitalize()} at once" if lowering else None
    why = []
    if risk_level is RiskLevel.HIGH:
        why.append("the risk is high")
    if observation_level is not ObservationLevel.STANDARD:
        why.append(f"observations are {observation_level.label.lower()}")
    if why:
        return f"Close the flag while {' and '.join(why)}"
    return f"Close the flag and {lowering} at once" if lowering else None


def awaiting_text(pending: Approval | None, reviews: list) -> str | None:
    """What the flag's page says while a review's decision waits for a manager."""
    if pending is None:
        return None
    review = next((row.review for row in reviews if row.review.id == pending.subject_id), None)
    if review is not None and review.closes_flag:
        return "Closing awaits approval by a manager"
    return "Lowering the risk awaits approval by a manager"
