"""Timescale rules: due times, overdue state and escalation."""

from datetime import UTC, datetime, timedelta

import pytest

from yoi_welfare.domain.calendar import LONDON
from yoi_welfare.domain.timescales import (
    DueStatus,
    EscalationLevel,
    Overdue,
    OverdueState,
    Unit,
    describe_overdue,
    due_at,
    due_status,
    escalation_due,
    escalation_level,
    overdue_state,
)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0):
    """An aware Europe/London wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0):
    """An aware UTC time."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


DUE_AT_CASES = [
    # --- HOURS: real elapsed time -------------------------------------------------------
    pytest.param(
        london(2026, 6, 5, 23, 30),
        24,
        Unit.HOURS,
        london(2026, 6, 6, 23, 30),
        id="a flag opened at 23:30 on Friday has its first case review due 23:30 on Saturday",
    ),
    pytest.param(
        london(2026, 6, 5, 9),
        72,
        Unit.HOURS,
        london(2026, 6, 8, 9),
        id="72 hours from Friday 09:00 is Monday 09:00, weekends count",
    ),
    pytest.param(
        london(2027, 3, 28, 15),
        24,
        Unit.HOURS,
        london(2027, 3, 29, 15),
        id="24 hours runs straight through Easter Monday",
    ),
    pytest.param(
        london(2026, 3, 29, 0, 30),
        24,
        Unit.HOURS,
        london(2026, 3, 30, 1, 30),
        id="24 hours from 00:30 on the day clocks go forward shows as 01:30 the next day",
    ),
    pytest.param(
        london(2026, 10, 25, 0, 30),
        24,
        Unit.HOURS,
        london(2026, 10, 25, 23, 30),
        id="24 hours from 00:30 on the day clocks go back shows as 23:30 the same day",
    ),
    # --- CALENDAR_DAYS: same London wall time ---------------------------------------------
    pytest.param(
        london(2026, 6, 5, 23, 30),
        1,
        Unit.CALENDAR_DAYS,
        london(2026, 6, 6, 23, 30),
        id="one calendar day from Friday 23:30 is Saturday 23:30",
    ),
    pytest.param(
        london(2027, 12, 24, 10),
        3,
        Unit.CALENDAR_DAYS,
        london(2027, 12, 27, 10),
        id="calendar days ignore weekends and bank holidays",
    ),
    pytest.param(
        london(2026, 3, 28, 12),
        1,
        Unit.CALENDAR_DAYS,
        london(2026, 3, 29, 12),
        id="one calendar day from noon before clocks go forward is noon BST the next day",
    ),
    pytest.param(
        london(2026, 10, 24, 12),
        1,
        Unit.CALENDAR_DAYS,
        london(2026, 10, 25, 12),
        id="one calendar day from noon before clocks go back is noon GMT the next day",
    ),
    pytest.param(
        london(2026, 3, 28, 1, 30),
        1,
        Unit.CALENDAR_DAYS,
        utc(2026, 3, 29, 1, 30),
        id="a wall time lost when clocks go forward (01:30) moves on to 02:30 BST",
    ),
    pytest.param(
        london(2026, 10, 24, 1, 30),
        1,
        Unit.CALENDAR_DAYS,
        utc(2026, 10, 25, 0, 30),
        id="a wall time repeated when clocks go back (01:30) means the first, BST, one",
    ),
    pytest.param(
        london(2026, 10, 25, 1, 30, fold=1),
        1,
        Unit.CALENDAR_DAYS,
        utc(2026, 10, 26, 1, 30),
        id="a trigger in the repeated hour (01:30 GMT) is due 01:30 the next day",
    ),
    pytest.param(
        utc(2026, 7, 1, 23, 30),
        1,
        Unit.CALENDAR_DAYS,
        london(2026, 7, 3, 0, 30),
        id="a trigger given in UTC is counted from its London date (23:30 UTC is 00:30 BST)",
    ),
    # --- WORKING_DAYS ---------------------------------------------------------------------
    pytest.param(
        london(2026, 6, 1, 9),
        1,
        Unit.WORKING_DAYS,
        london(2026, 6, 2, 9),
        id="admitted Monday 09:00, one working day is due Tuesday 09:00",
    ),
    pytest.param(
        london(2026, 6, 5, 16),
        1,
        Unit.WORKING_DAYS,
        london(2026, 6, 8, 16),
        id="admitted Friday 16:00, one working day is due Monday 16:00",
    ),
    pytest.param(
        london(2026, 6, 5, 23, 30),
        1,
        Unit.WORKING_DAYS,
        london(2026, 6, 8, 23, 30),
        id="admitted Friday 23:30, one working day is due Monday 23:30",
    ),
    pytest.param(
        london(2026, 6, 6, 10),
        1,
        Unit.WORKING_DAYS,
        london(2026, 6, 8, 23, 59),
        id="admitted Saturday 10:00, one working day is due by the end of Monday",
    ),
    pytest.param(
        london(2026, 6, 6, 0, 30),
        1,
        Unit.WORKING_DAYS,
        london(2026, 6, 8, 23, 59),
        id="admitted Saturday 00:30, one working day still runs to the end of Monday",
    ),
    pytest.param(
        london(2026, 6, 7, 23, 30),
        1,
        Unit.WORKING_DAYS,
        london(2026, 6, 8, 23, 59),
        id="admitted Sunday 23:30, one working day is due by the end of Monday",
    ),
    pytest.param(
        london(2026, 6, 6, 10),
        5,
        Unit.WORKING_DAYS,
        london(2026, 6, 12, 23, 59),
        id="admitted Saturday, five working days are due by the end of Friday",
    ),
    pytest.param(
        london(2027, 3, 25, 14),
        1,
        Unit.WORKING_DAYS,
        london(2027, 3, 30, 14),
        id="admitted the Thursday before Easter 2027 at 14:00, due Tuesday 14:00",
    ),
    pytest.param(
        london(2027, 3, 27, 10),
        1,
        Unit.WORKING_DAYS,
        london(2027, 3, 30, 23, 59),
        id="admitted Easter Saturday 2027, due by the end of Tuesday (Easter Monday skipped)",
    ),
    pytest.param(
        london(2027, 3, 29, 10),
        1,
        Unit.WORKING_DAYS,
        london(2027, 3, 30, 23, 59),
        id="admitted on Easter Monday 2027, due by the end of Tuesday",
    ),
    pytest.param(
        london(2027, 12, 24, 11),
        1,
        Unit.WORKING_DAYS,
        london(2027, 12, 29, 11),
        id="admitted Christmas Eve 2027 at 11:00, due Wednesday 29 Dec 11:00",
    ),
    pytest.param(
        london(2027, 12, 25, 11),
        2,
        Unit.WORKING_DAYS,
        london(2027, 12, 30, 23, 59),
        id="admitted Christmas Day 2027, two working days are due by the end of 30 Dec",
    ),
    pytest.param(
        london(2027, 12, 24, 11),
        5,
        Unit.WORKING_DAYS,
        london(2028, 1, 5, 11),
        id="five working days from Christmas Eve 2027 skip the New Year substitute day",
    ),
    pytest.param(
        london(2026, 3, 27, 9),
        1,
        Unit.WORKING_DAYS,
        london(2026, 3, 30, 9),
        id="admitted Friday 09:00 GMT before clocks go forward, due Monday 09:00 BST",
    ),
    pytest.param(
        london(2026, 10, 23, 9),
        1,
        Unit.WORKING_DAYS,
        london(2026, 10, 26, 9),
        id="admitted Friday 09:00 BST before clocks go back, due Monday 09:00 GMT",
    ),
    # --- MONTHS: calendar months, clamped to the end of a shorter month --------------------
    pytest.param(
        london(2026, 1, 31, 10),
        1,
        Unit.MONTHS,
        london(2026, 2, 28, 10),
        id="one month from 31 January 2026 is 28 February",
    ),
    pytest.param(
        london(2028, 1, 31, 10),
        1,
        Unit.MONTHS,
        london(2028, 2, 29, 10),
        id="one month from 31 January 2028 is 29 February in the leap year",
    ),
    pytest.param(
        london(2026, 8, 31, 10),
        6,
        Unit.MONTHS,
        london(2027, 2, 28, 10),
        id="six months from 31 August 2026 is 28 February 2027",
    ),
    pytest.param(
        london(2027, 8, 31, 10),
        6,
        Unit.MONTHS,
        london(2028, 2, 29, 10),
        id="six months from 31 August 2027 is 29 February 2028",
    ),
    pytest.param(
        london(2028, 2, 29, 10),
        12,
        Unit.MONTHS,
        london(2029, 2, 28, 10),
        id="a year from 29 February 2028 is 28 February 2029",
    ),
    pytest.param(
        london(2026, 3, 31, 10),
        1,
        Unit.MONTHS,
        london(2026, 4, 30, 10),
        id="one month from 31 March is 30 April",
    ),
    pytest.param(
        london(2026, 1, 15, 12),
        3,
        Unit.MONTHS,
        london(2026, 4, 15, 12),
        id="three months from noon GMT in January is noon BST in April",
    ),
    pytest.param(
        london(2026, 1, 29, 1, 30),
        2,
        Unit.MONTHS,
        london(2026, 3, 29, 2, 30),
        id="months landing on the lost hour when clocks go forward move on to 02:30 BST",
    ),
]


@pytest.mark.parametrize(("trigger", "offset", "unit", "expected"), DUE_AT_CASES)
def test_due_at(trigger: datetime, offset: int, unit: Unit, expected: datetime) -> None:
    due = due_at(trigger, offset, unit)
    assert due == expected
    assert due.tzinfo is UTC


@pytest.mark.parametrize(
    ("trigger", "offset", "unit", "elapsed"),
    [
        pytest.param(
            london(2026, 3, 29, 0, 30),
            24,
            Unit.HOURS,
            timedelta(hours=24),
            id="24 hours across clocks going forward is 24 real hours",
        ),
        pytest.param(
            london(2026, 10, 25, 0, 30),
            24,
            Unit.HOURS,
            timedelta(hours=24),
            id="24 hours across clocks going back is 24 real hours",
        ),
        pytest.param(
            london(2026, 3, 28, 12),
            1,
            Unit.CALENDAR_DAYS,
            timedelta(hours=23),
            id="one calendar day across clocks going forward is 23 real hours",
        ),
        pytest.param(
            london(2026, 10, 24, 12),
            1,
            Unit.CALENDAR_DAYS,
            timedelta(hours=25),
            id="one calendar day across clocks going back is 25 real hours",
        ),
    ],
)
def test_real_time_elapsed_across_clock_changes(
    trigger: datetime, offset: int, unit: Unit, elapsed: timedelta
) -> None:
    assert due_at(trigger, offset, unit) - trigger == elapsed


@pytest.mark.parametrize("unit", list(Unit), ids=lambda unit: f"zero {unit} is due immediately")
def test_a_zero_offset_is_due_at_the_trigger(unit: Unit) -> None:
    repeated_hour_gmt = london(2026, 10, 25, 1, 30, fold=1)
    assert due_at(repeated_hour_gmt, 0, unit) == utc(2026, 10, 25, 1, 30)


def test_the_unit_may_be_given_as_its_stored_string() -> None:
    assert due_at(london(2026, 6, 5, 16), 1, "WORKING_DAYS") == london(2026, 6, 8, 16)


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="FORTNIGHTS"):
        due_at(london(2026, 6, 5, 16), 1, "FORTNIGHTS")


def test_a_naive_trigger_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2026, 6, 5, 16), 1, Unit.HOURS)


def test_a_negative_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        due_at(london(2026, 6, 5, 16), -1, Unit.CALENDAR_DAYS)


# --- overdue state ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "now", "expected"),
    [
        pytest.param(
            london(2026, 6, 9, 9),
            london(2026, 6, 8, 9),
            Overdue(OverdueState.DUE_LATER),
            id="due tomorrow is due later",
        ),
        pytest.param(
            london(2026, 6, 8, 16),
            london(2026, 6, 8, 9),
            Overdue(OverdueState.DUE_TODAY),
            id="due at 16:00 today is due today",
        ),
        pytest.param(
            london(2026, 6, 8, 9, 1),
            london(2026, 6, 8, 9),
            Overdue(OverdueState.DUE_TODAY),
            id="due in a minute is still due today",
        ),
        pytest.param(
            london(2026, 6, 8, 16),
            london(2026, 6, 8, 16),
            Overdue(OverdueState.OVERDUE, timedelta(0)),
            id="at the due time itself the action is overdue",
        ),
        pytest.param(
            london(2026, 6, 8, 16),
            london(2026, 6, 8, 19),
            Overdue(OverdueState.OVERDUE, timedelta(hours=3)),
            id="three hours after the due time it is overdue by three hours",
        ),
        pytest.param(
            london(2026, 7, 2, 10),
            utc(2026, 7, 1, 23, 30),
            Overdue(OverdueState.DUE_TODAY),
            id="'today' is the London date: 23:30 UTC on 1 July is already 2 July",
        ),
        pytest.param(
            utc(2026, 7, 1, 23, 30),
            utc(2026, 7, 1, 22, 30),
            Overdue(OverdueState.DUE_LATER),
            id="due 00:30 BST tomorrow is due later even on the same UTC date",
        ),
        pytest.param(
            due_at(london(2026, 6, 6, 10), 1, Unit.WORKING_DAYS),
            london(2026, 6, 8, 9),
            Overdue(OverdueState.DUE_TODAY),
            id="a Saturday admission's one-working-day action shows due today on Monday",
        ),
    ],
)
def test_overdue_state(due: datetime, now: datetime, expected: Overdue) -> None:
    assert overdue_state(due, now) == expected


@pytest.mark.parametrize(
    ("due", "now"),
    [
        pytest.param(datetime(2026, 6, 8, 16), london(2026, 6, 8, 9), id="naive due"),
        pytest.param(london(2026, 6, 8, 16), datetime(2026, 6, 8, 9), id="naive now"),
    ],
)
def test_overdue_state_refuses_naive_datetimes(due: datetime, now: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        overdue_state(due, now)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        pytest.param(timedelta(0), "overdue by less than a minute", id="just due"),
        pytest.param(timedelta(seconds=59), "overdue by less than a minute", id="59 seconds"),
        pytest.param(timedelta(minutes=1), "overdue by 1 minute", id="one minute is singular"),
        pytest.param(timedelta(minutes=45), "overdue by 45 minutes", id="45 minutes"),
        pytest.param(
            timedelta(minutes=59, seconds=59), "overdue by 59 minutes", id="just under an hour"
        ),
        pytest.param(timedelta(hours=1), "overdue by 1 hour", id="one hour is singular"),
        pytest.param(
            timedelta(hours=1, minutes=59), "overdue by 1 hour", id="hours are rounded down"
        ),
        pytest.param(timedelta(hours=3), "overdue by 3 hours", id="three hours"),
        pytest.param(timedelta(hours=23, minutes=59), "overdue by 23 hours", id="just under a day"),
        pytest.param(timedelta(hours=24), "overdue by 1 day", id="24 hours is one day"),
        pytest.param(timedelta(hours=47), "overdue by 1 day", id="days are rounded down"),
        pytest.param(timedelta(days=2), "overdue by 2 days", id="two days"),
        pytest.param(timedelta(days=31, hours=5), "overdue by 31 days", id="a month in days"),
    ],
)
def test_describe_overdue(delta: timedelta, text: str) -> None:
    assert describe_overdue(delta) == text


def test_describe_overdue_refuses_a_negative_delay() -> None:
    with pytest.raises(ValueError, match="negative"):
        describe_overdue(timedelta(minutes=-1))


# --- escalation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "grace_offset", "grace_unit", "expected"),
    [
        pytest.param(
            london(2026, 6, 5, 16),
            1,
            Unit.WORKING_DAYS,
            london(2026, 6, 8, 16),
            id="due Friday 16:00 with a working day's grace goes to the ACPC Monday 16:00",
        ),
        pytest.param(
            london(2026, 6, 5, 16),
            48,
            Unit.HOURS,
            london(2026, 6, 7, 16),
            id="due Friday 16:00 with 48 hours' grace goes to the ACPC Sunday 16:00",
        ),
        pytest.param(
            london(2027, 12, 24, 11),
            2,
            Unit.WORKING_DAYS,
            london(2027, 12, 30, 11),
            id="grace in working days skips the Christmas 2027 substitute days",
        ),
    ],
)
def test_escalation_due(
    due: datetime, grace_offset: int, grace_unit: Unit, expected: datetime
) -> None:
    assert escalation_due(due, grace_offset, grace_unit) == expected


DUE = london(2026, 6, 8, 16)
ACPC_DUE = london(2026, 6, 9, 16)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(london(2026, 6, 8, 15, 59), None, id="before the due time nobody is chased"),
        pytest.param(DUE, EscalationLevel.AGENCY, id="at the due time the agency is chased"),
        pytest.param(
            london(2026, 6, 9, 9), EscalationLevel.AGENCY, id="in the grace period the agency"
        ),
        pytest.param(ACPC_DUE, EscalationLevel.ACPC, id="at the end of grace it goes to the ACPC"),
        pytest.param(
            london(2026, 6, 20, 9), EscalationLevel.ACPC, id="long after, it stays with the ACPC"
        ),
    ],
)
def test_escalation_level(now: datetime, expected: EscalationLevel | None) -> None:
    assert escalation_level(DUE, ACPC_DUE, now) is expected


def test_escalation_level_refuses_an_acpc_time_before_the_due_time() -> None:
    with pytest.raises(ValueError, match="before due"):
        escalation_level(ACPC_DUE, DUE, ACPC_DUE)


def test_escalation_level_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        escalation_level(DUE, ACPC_DUE, datetime(2026, 6, 9, 9))


def test_due_status_reads_like_the_tag_a_user_sees() -> None:
    now = london(2026, 11, 25, 15, 0)
    assert due_status(london(2026, 11, 25, 16, 0), now) == DueStatus("Due today", "yellow")
    assert due_status(london(2026, 11, 26, 9, 0), now) == DueStatus("Due later", "blue")
    assert due_status(london(2026, 11, 25, 12, 0), now) == DueStatus(
        "Overdue by 3 hours", "red"
    )
    # Due at 15:00 is missed at 15:00.
    assert due_status(now, now).text == "Overdue by less than a minute"
    assert due_status(now, now).classes == "govuk-tag--red"
