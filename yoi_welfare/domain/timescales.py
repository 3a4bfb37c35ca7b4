"""Timescale rules: when a welfare action falls due, and how late it is.

All instants are timezone-aware. Values are returned in UTC (for storage and comparison);
anything counted in days or months is counted on the Europe/London wall clock, because
that is the clock practitioners in England & Wales read deadlines from.

Wall times that do not exist or happen twice
--------------------------------------------
Adding days or months keeps the local time of day, which can land in a clock change:

* a time that does not exist (01:00-01:59 on the last Sunday in March) is read with the
  offset in force before the change, so 01:30 becomes 02:30 BST - the instant the same
  number of hours after the trigger as on any ordinary day;
* a time that happens twice (01:00-01:59 on the last Sunday in October) means the first of
  the two, in BST - the earlier instant, so a deadline is never quietly an hour later.

This is ``fold=0`` in PEP 495 terms and matches RFC 5545 (iCalendar). Working-day
deadlines never hit either case: UK clocks change on Sundays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from yoi_welfare.dates import LONDON
from yoi_welfare.domain.calendar import add_working_days, is_working_day

__all__ = [
    "END_OF_WORKING_DAY",
    "DueStatus",
    "EscalationLevel",
    "Overdue",
    "OverdueState",
    "Unit",
    "describe_overdue",
    "due_at",
    "due_status",
    "escalation_due",
    "escalation_level",
    "overdue_state",
]

# A working-day deadline that runs to "the end of" a day is set at 23:59 rather than at
# midnight: "midnight Monday" is read both ways, and 00:00 Tuesday would be listed under the
# wrong day and would not show as "due today" on the day it is actually due.
END_OF_WORKING_DAY = time(23, 59)


class Unit(StrEnum):
    """The unit a timescale offset is counted in."""

    HOURS = "HOURS"
    WORKING_DAYS = "WORKING_DAYS"
    CALENDAR_DAYS = "CALENDAR_DAYS"
    MONTHS = "MONTHS"


class OverdueState(StrEnum):
    """Where an action stands against its due time."""

    DUE_LATER = "DUE_LATER"
    DUE_TODAY = "DUE_TODAY"
    OVERDUE = "OVERDUE"


class EscalationLevel(StrEnum):
    """Who an overdue action has been escalated to."""

    AGENCY = "AGENCY"  # overdue: the responsible agency is chased
    ACPC = "ACPC"  # still overdue after the grace period: it goes to the ACPC


@dataclass(frozen=True, slots=True)
class Overdue:
    """An action's state against its due time; ``overdue_by`` is set only when OVERDUE."""

    state: OverdueState
    overdue_by: timedelta | None = None


def _require_aware(name: str, value: datetime) -> None:
    # A naive datetime could be UTC or London time; guessing would move deadlines by an hour
    # for half the year, so refuse it at the boundary.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")


def _london_wall_time_to_utc(day: date, wall: time) -> datetime:
    """Turn a Europe/London date and wall time into an aware UTC datetime (fold=0 rule)."""
    # ``time`` from ``datetime.time()`` carries no tzinfo and fold=0; fold=0 is the rule
    # described in the module docstring for missing and repeated wall times.
    local = datetime.combine(day, wall.replace(fold=0), tzinfo=LONDON)
    return local.astimezone(UTC)


def due_at(trigger: datetime, offset: int, unit: Unit) -> datetime:
    """Return when an action triggered at ``trigger`` falls due, as an aware UTC datetime.

    * HOURS: real elapsed hours, so 24 hours across a clock change is 23:30 or 01:30 local.
    * CALENDAR_DAYS / MONTHS: the same London wall time ``offset`` days / calendar months
      later; months clamp to the end of a shorter month (31 January + 1 month = 28/29 Feb).
    * WORKING_DAYS: if the trigger is on a working day, the same London wall time ``offset``
      working days later (Friday 16:00 + 1 = Monday 16:00). If it is on a weekend or bank
      holiday the clock starts at the beginning of the next working day, so the action is
      due at the end (23:59) of the ``offset``-th working day: Saturday 10:00 + 1 = Monday
      23:59; Saturday + 1 before Easter Monday = Tuesday 23:59.

    An ``offset`` of 0 means "due immediately" and returns the trigger itself, in UTC.
    """
    _require_aware("trigger", trigger)
    if offset < 0:
        raise ValueError(f"offset must be zero or more, got {offset}")
    unit = Unit(unit)  # accept the stored string value as well as the enum
    trigger_utc = trigger.astimezone(UTC)
    if offset == 0:
        # Re-deriving the wall time would lose a fold=1 trigger (01:30 GMT on the October
        # change day) and a non-working-day trigger would jump to 23:59: neither is "now".
        return trigger_utc
    if unit is Unit.HOURS:
        # Elapsed time is measured in UTC so that clock changes neither add nor remove time.
        return trigger_utc + timedelta(hours=offset)

    local = trigger.astimezone(LONDON)
    local_day, wall = local.date(), local.time()
    if unit is Unit.CALENDAR_DAYS:
        return _london_wall_time_to_utc(local_day + timedelta(days=offset), wall)
    if unit is Unit.MONTHS:
        # relativedelta clamps the day of month instead of overflowing into the next month.
        return _london_wall_time_to_utc(local_day + relativedelta(months=offset), wall)
    # WORKING_DAYS. A non-working trigger day counts from the start of the next working day;
    # using the trigger's wall time there instead would give a Saturday 00:30 flag less time
    # than a Friday 23:30 one (Monday 00:30 against Monday 23:30).
    due_day = add_working_days(local_day, offset)
    if is_working_day(local_day):
        return _london_wall_time_to_utc(due_day, wall)
    return _london_wall_time_to_utc(due_day, END_OF_WORKING_DAY)


def overdue_state(due: datetime, now: datetime) -> Overdue:
    """Classify an action due at ``due`` as seen at ``now``.

    OVERDUE from the due instant itself (``now >= due``), with ``overdue_by = now - due``.
    DUE_TODAY when not yet overdue and due on the same Europe/London date as ``now``.
    DUE_LATER otherwise.
    """
    _require_aware("due", due)
    _require_aware("now", now)
    # "Due by 16:00" is missed at 16:00, so the due instant itself counts as overdue.
    if now >= due:
        return Overdue(OverdueState.OVERDUE, now - due)
    if due.astimezone(LONDON).date() == now.astimezone(LONDON).date():
        return Overdue(OverdueState.DUE_TODAY)
    return Overdue(OverdueState.DUE_LATER)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def describe_overdue(delta: timedelta) -> str:
    """Describe how late an action is, e.g. "overdue by 3 hours".

    Days from 24 hours, hours from 1 hour, minutes below that, always rounded down so the
    text never overstates the delay; under a minute reads "overdue by less than a minute".
    """
    if delta < timedelta(0):
        raise ValueError(f"delta must not be negative, got {delta}")
    if delta >= timedelta(days=1):
        return f"overdue by {_plural(delta // timedelta(days=1), 'day')}"
    if delta >= timedelta(hours=1):
        return f"overdue by {_plural(delta // timedelta(hours=1), 'hour')}"
    if delta >= timedelta(minutes=1):
        return f"overdue by {_plural(delta // timedelta(minutes=1), 'minute')}"
    return "overdue by less than a minute"


@dataclass(frozen=True, slots=True)
class DueStatus:
    """How something with a deadline stands, in the words and colour of a GOV.UK tag."""

    text: str
    colour: str  # the GOV.UK tag modifier: red overdue, yellow due today, blue due later

    @property
    def classes(self) -> str:
        return f"govuk-tag--{self.colour}"


COMPLETED = DueStatus("Completed", "green")
CANCELLED = DueStatus("Cancelled", "grey")


def due_status(due: datetime, now: datetime) -> DueStatus:
    """Something not yet done, due at ``due``, as seen at ``now``: "Due later", "Due today", or
    "Overdue by 3 hours" (``overdue_state`` draws the lines)."""
    state = overdue_state(due, now)
    if state.state is OverdueState.OVERDUE:
        text = describe_overdue(state.overdue_by)
        return DueStatus(text[0].upper() + text[1:], "red")
    if state.state is OverdueState.DUE_TODAY:
        return DueStatus("Due today", "yellow")
    return DueStatus("Due later", "blue")


def escalation_due(due: datetime, grace_offset: int, grace_unit: Unit) -> datetime:
    """Return when an action still overdue at ``due`` plus the grace period goes to the ACPC."""
    return due_at(due, grace_offset, grace_unit)


def escalation_level(due: datetime, acpc_due: datetime, now: datetime) -> EscalationLevel | None:
    """Return who an action should be escalated to at ``now``, or None if it is not yet due.

    AGENCY from ``due`` until ``acpc_due``, ACPC from ``acpc_due`` on; both boundaries are
    inclusive, matching ``overdue_state``.
    """
    _require_aware("due", due)
    _require_aware("acpc_due", acpc_due)
    _require_aware("now", now)
    if acpc_due < due:
        raise ValueError("acpc_due must not be before due")
    if now >= acpc_due:
        return EscalationLevel.ACPC
    if now >= due:
        return EscalationLevel.AGENCY
    return None
