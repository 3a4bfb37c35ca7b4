"""The period a dashboard or an export covers: UK dates, inclusive, at most five years."""

from datetime import date, timedelta

from yoi_welfare.domain.retention import add_years

MAX_YEARS = 5
# With no dates given, a dashboard shows the last thirteen weeks.
DEFAULT_DAYS = 91


def period_problem(first: date, last: date) -> str | None:
    """What is wrong with a period, in words a person can act on; None if nothing is."""
    if last < first:
        return "The end date must be the same as or after the start date"
    if last > add_years(first, MAX_YEARS):
        return f"The period must be {MAX_YEARS} years or shorter"
    return None


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_DAYS - 1), today
