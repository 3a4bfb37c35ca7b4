"""Working-day calendar for England & Wales.

Statutory timescales in the youth secure estate are counted in working days, so we need
the England & Wales bank holidays (including substitute days and one-off days such as the
2022 state funeral and the 2023 coronation). The ``holidays`` package maintains that list;
England and Wales share the same bank holidays, so the ``ENG`` subdivision covers both.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from yoi_welfare.dates import LONDON

__all__ = ["LONDON", "add_working_days", "bank_holidays", "is_working_day"]


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Return the England & Wales bank holidays in ``year``, substitute days included.

    Dates that fall on a weekend (e.g. Christmas Day on a Saturday) are in the set too;
    their weekday substitutes are listed separately, as the ``holidays`` package does.
    """
    # One immutable set per year rather than one shared ``HolidayBase``: the package object
    # lazily fills itself in when asked about a new year, which is a mutation we do not want
    # racing between request threads. ``country_holidays`` is the package's documented entry
    # point; the version is pinned, so new one-off bank holidays arrive with an upgrade.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(d: date) -> bool:
    """Return True if ``d`` is Monday to Friday and not an England & Wales bank holiday."""
    # A datetime is a date subclass but never equals a date, so it would silently miss
    # every bank holiday; make the caller choose the local date explicitly.
    if isinstance(d, datetime):
        raise TypeError("is_working_day() takes a date, not a datetime")
    return d.weekday() < 5 and d not in bank_holidays(d.year)


def add_working_days(d: date, n: int) -> date:
    """Return the date ``n`` working days after ``d`` (``d`` itself when ``n`` is 0).

    ``d`` does not have to be a working day: one working day after a Saturday is the
    following Monday (or Tuesday, when Monday is a bank holiday).
    """
    if isinstance(d, datetime):
        raise TypeError("add_working_days() takes a date, not a datetime")
    if n < 0:
        raise ValueError(f"n must be zero or more, got {n}")
    current = d
    remaining = n
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
