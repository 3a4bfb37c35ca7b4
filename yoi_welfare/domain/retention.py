"""How long a child's records are kept.

Records are kept until the later of two dates: the child's 18th birthday plus the retention
period, and the end of their last placement plus the same period. With the default period of
seven years that is the child's 25th birthday, or seven years after they last left custody if
that is later. A child in custody now is never due. Nothing is deleted on this date: it is when
an administrator is asked to review the records.
"""

from datetime import date

ADULTHOOD = 18
DEFAULT_YEARS_AFTER_18 = 7


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retain_until(date_of_birth: date, last_left_on: date | None, years: int) -> date:
    """The first day on which the records are due for review."""
    until = add_years(date_of_birth, ADULTHOOD + years)
    if last_left_on is not None:
        until = max(until, add_years(last_left_on, years))
    return until


def is_due(
    date_of_birth: date, last_left_on: date | None, in_custody: bool, years: int, today: date
) -> bool:
    return not in_custody and retain_until(date_of_birth, last_left_on, years) <= today


def born_on_or_before(today: date, years: int) -> date:
    """Children born after this date cannot be due yet, whatever their placements."""
    return add_years(today, -(ADULTHOOD + years))
