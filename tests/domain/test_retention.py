from datetime import date

from yoi_welfare.domain.retention import born_on_or_before, is_due, retain_until


def test_a_child_never_in_custody_is_kept_until_their_25th_birthday():
    assert retain_until(date(2008, 3, 14), None, 7) == date(2033, 3, 14)


def test_a_placement_ending_late_keeps_the_records_seven_years_after_it():
    assert retain_until(date(2008, 3, 14), date(2027, 6, 1), 7) == date(2034, 6, 1)


def test_a_placement_ending_in_childhood_does_not_shorten_the_period():
    assert retain_until(date(2008, 3, 14), date(2024, 6, 1), 7) == date(2033, 3, 14)


def test_the_period_is_configurable():
    assert retain_until(date(2008, 3, 14), None, 10) == date(2036, 3, 14)


def test_a_leap_day_birthday_falls_on_28_february():
    assert retain_until(date(2008, 2, 29), None, 7) == date(2033, 2, 28)


def test_due_on_the_day_and_never_while_in_custody():
    born = date(2001, 1, 10)
    assert not is_due(born, None, False, 7, date(2026, 1, 9))
    assert is_due(born, None, False, 7, date(2026, 1, 10))
    assert not is_due(born, None, True, 7, date(2030, 1, 10))


def test_children_born_after_the_cut_off_cannot_be_due():
    assert born_on_or_before(date(2026, 11, 1), 7) == date(2001, 11, 1)
