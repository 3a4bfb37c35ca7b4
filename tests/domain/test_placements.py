from datetime import UTC, date, datetime, timedelta

from yoi_welfare.domain.placements import age_on, birthday, recorded_late


def test_a_child_is_a_year_older_on_their_birthday_and_not_the_day_before():
    assert age_on(date(2010, 3, 14), date(2020, 3, 13)) == 9
    assert age_on(date(2010, 3, 14), date(2020, 3, 14)) == 10


def test_a_leap_day_child_turns_ten_on_1_march_in_a_common_year():
    assert age_on(date(2008, 2, 29), date(2018, 2, 28)) == 9
    assert age_on(date(2008, 2, 29), date(2018, 3, 1)) == 10


def test_a_move_recorded_more_than_a_day_after_it_happened_is_late():
    happened = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert not recorded_late(happened, happened + timedelta(hours=24))
    assert recorded_late(happened, happened + timedelta(hours=24, minutes=1))


def test_the_tenth_birthday_agrees_with_the_age():
    assert birthday(date(2010, 3, 14), 10) == date(2020, 3, 14)
    assert birthday(date(2008, 2, 29), 10) == date(2018, 3, 1)
    assert age_on(date(2008, 2, 29), birthday(date(2008, 2, 29), 10)) == 10
