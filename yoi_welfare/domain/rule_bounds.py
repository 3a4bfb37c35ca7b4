"""How long a timescale rule may be, and whether a change makes it longer.

A rule set far too long switches off the watch it exists to keep, whether by a slip of the
keyboard or a decision made alone. So no rule's deadline or grace is longer than a year; the
ACCT steps counted in hours are due within 72 hours; and a rule whose figure is set in law is
never longer than that figure. Periods in different units are compared by their nominal
length: a working day as 7/5 of a day (five in a week), a month as 30.44 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from yoi_welfare.domain.timescales import Unit

__all__ = ["Bound", "bounds_for", "exceeded", "lengthens", "nominal_length"]

NOMINAL = {
    Unit.HOURS: timedelta(hours=1),
    Unit.CALENDAR_DAYS: timedelta(days=1),
    Unit.WORKING_DAYS: timedelta(days=7) / 5,
    Unit.MONTHS: timedelta(days=365.25) / 12,
}

# The ACCT steps counted in hours: the immediate action plan, the assessment interview, the
# first case review, and the longest between case reviews at high risk.
ACCT_HOUR_STEPS = frozenset(
    {"immediate_action_plan", "assessment_interview", "first_case_review", "case_review_limit_high"}
)

# Rules whose figure is set in law: (offset, unit, the law).
CARE_PLANNING = "the Care Planning, Placement and Case Review (England) Regulations 2010"
STATUTORY = {
    "first_lac_review": (20, Unit.WORKING_DAYS, CARE_PLANNING),
    "second_lac_review": (3, Unit.MONTHS, CARE_PLANNING),
    "later_lac_review": (6, Unit.MONTHS, CARE_PLANNING),
}


def nominal_length(offset: int, unit: Unit) -> timedelta:
    return offset * NOMINAL[Unit(unit)]


def lengthens(old: tuple[int, Unit] | None, new: tuple[int, Unit] | None) -> bool:
    """Whether the period ``new`` is longer than ``old`` (None: no period of its own)."""
    if old is None or new is None:
        return False
    return nominal_length(*new) > nominal_length(*old)


@dataclass(frozen=True)
class Bound:
    """The longest a period may be, in words, and why."""

    offset: int
    unit: Unit
    text: str  # such as "72 hours"
    why: str

    @property
    def length(self) -> timedelta:
        return nominal_length(self.offset, self.unit)


YEAR = Bound(12, Unit.MONTHS, "a year", "no deadline is set further ahead than that")
ACCT_HOURS = Bound(72, Unit.HOURS, "72 hours", "ACCT (PSI 64/2011) counts this step in hours")


def bounds_for(key: str, *, grace: bool = False) -> list[Bound]:
    """Every bound on the rule's due period (or, with ``grace``, its ACPC grace)."""
    bounds = [YEAR]
    if grace:
        return bounds
    if key in ACCT_HOUR_STEPS:
        bounds.append(ACCT_HOURS)
    if key in STATUTORY:
        offset, unit, law = STATUTORY[key]
        plural = unit.value.lower().replace("_", " ")
        text = f"{offset} {plural if offset != 1 else plural.rstrip('s')}"
        bounds.append(Bound(offset, unit, text, f"{law} set it, and a rule cannot allow longer"))
    return bounds


def exceeded(offset: int, unit: Unit, bounds: list[Bound]) -> Bound | None:
    """The tightest bound the period is longer than, or None."""
    over = [bound for bound in bounds if nominal_length(offset, unit) > bound.length]
    return min(over, key=lambda bound: bound.length) if over else None
