"""Dates and times as the pages write them: GOV.UK style, in UK time."""

from datetime import UTC, date, datetime, time

import pytest

from yoi_welfare.dates import format_date, format_datetime, london_instant, london_today


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 1, 9, 14, 30, tzinfo=UTC), "9 January 2026 at 2:30pm"),
        (datetime(2026, 7, 3, 13, 5, tzinfo=UTC), "3 July 2026 at 2:05pm"),  # summer time
        (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), "1 July 2026 at 12am"),  # the next day in UK
        (datetime(2026, 12, 1, 12, 0, tzinfo=UTC), "1 December 2026 at 12pm"),
        (datetime(2026, 11, 25, 9, 15, tzinfo=UTC), "25 November 2026 at 9:15am"),
        (None, ""),
    ],
)
def test_a_moment_is_written_in_uk_time(value, expected):
    assert format_datetime(value) == expected


def test_a_date_is_written_in_full_and_a_moment_by_its_uk_day():
    assert format_date(date(2026, 2, 28)) == "28 February 2026"
    assert format_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert format_date(None) == ""



def test_today_is_the_uk_day_not_the_utc_day():
    # 23:30 UTC on 1 July is 00:30 on 2 July in British Summer Time; in winter the days agree.
    assert london_today(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert london_today(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)


def test_a_uk_wall_clock_time_is_stored_as_utc():
    summer = london_instant(date(2026, 7, 2), time(0, 30))
    winter = london_instant(date(2026, 12, 2), time(0, 30))
    assert summer == datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert winter == datetime(2026, 12, 2, 0, 30, tzinfo=UTC)
