"""England & Wales working-day calendar."""

import ast
from datetime import date, datetime
from pathlib import Path

import pytest

from yoi_welfare.domain import calendar
from yoi_welfare.domain.calendar import add_working_days, bank_holidays, is_working_day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 6, 3), True, id="an ordinary Wednesday is a working day"),
        pytest.param(date(2026, 6, 6), False, id="a Saturday is not a working day"),
        pytest.param(date(2026, 6, 7), False, id="a Sunday is not a working day"),
        pytest.param(date(2027, 3, 26), False, id="Good Friday 2027 is a bank holiday"),
        pytest.param(date(2027, 3, 29), False, id="Easter Monday 2027 is a bank holiday"),
        pytest.param(date(2027, 3, 30), True, id="the Tuesday after Easter 2027 is a working day"),
        pytest.param(date(2027, 5, 3), False, id="the early May bank holiday 2027"),
        pytest.param(date(2027, 5, 31), False, id="the spring bank holiday 2027"),
        pytest.param(date(2027, 8, 30), False, id="the summer bank holiday 2027"),
        pytest.param(
            date(2027, 12, 27), False, id="27 Dec 2027 stands in for Christmas on a Saturday"
        ),
        pytest.param(
            date(2027, 12, 28), False, id="28 Dec 2027 stands in for Boxing Day on a Sunday"
        ),
        pytest.param(date(2027, 12, 29), True, id="29 Dec 2027 is a working day"),
        pytest.param(date(2028, 1, 3), False, id="3 Jan 2028 is the substitute for New Year's Day"),
        pytest.param(
            date(2026, 12, 28), False, id="28 Dec 2026 is the substitute for Boxing Day 2026"
        ),
        pytest.param(date(2020, 5, 8), False, id="the VE Day bank holiday 2020 (moved May Day)"),
        pytest.param(date(2020, 5, 4), True, id="the usual May Day Monday 2020 was worked"),
        pytest.param(date(2022, 6, 2), False, id="the moved spring bank holiday 2022"),
        pytest.param(date(2022, 6, 3), False, id="the Platinum Jubilee bank holiday 2022"),
        pytest.param(date(2022, 5, 30), True, id="the usual spring Monday 2022 was worked"),
        pytest.param(date(2022, 9, 19), False, id="the Queen's state funeral 2022"),
        pytest.param(date(2023, 5, 8), False, id="the coronation bank holiday 2023"),
        pytest.param(date(2030, 8, 26), False, id="the summer bank holiday 2030"),
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(date(2026, 6, 3), 0, date(2026, 6, 3), id="zero working days is the same day"),
        pytest.param(
            date(2026, 6, 6), 0, date(2026, 6, 6), id="zero working days from Saturday is Saturday"
        ),
        pytest.param(date(2026, 6, 1), 1, date(2026, 6, 2), id="Monday plus one is Tuesday"),
        pytest.param(date(2026, 6, 5), 1, date(2026, 6, 8), id="Friday plus one is Monday"),
        pytest.param(date(2026, 6, 6), 1, date(2026, 6, 8), id="Saturday plus one is Monday"),
        pytest.param(date(2026, 6, 7), 1, date(2026, 6, 8), id="Sunday plus one is Monday"),
        pytest.param(
            date(2026, 6, 3), 5, date(2026, 6, 10), id="Wednesday plus five is the next Wednesday"
        ),
        pytest.param(
            date(2027, 3, 25),
            1,
            date(2027, 3, 30),
            id="the Thursday before Easter 2027 plus one skips Good Friday to Easter Monday",
        ),
        pytest.param(
            date(2027, 12, 24),
            1,
            date(2027, 12, 29),
            id="Christmas Eve 2027 plus one skips both substitute days",
        ),
        pytest.param(
            date(2027, 12, 24),
            4,
            date(2028, 1, 4),
            id="Christmas Eve 2027 plus four skips the New Year substitute day",
        ),
        pytest.param(
            date(2026, 12, 24),
            1,
            date(2026, 12, 29),
            id="Christmas Eve 2026 plus one skips Christmas and the Boxing Day substitute",
        ),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_add_working_days_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(date(2026, 6, 3), -1)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: is_working_day(datetime(2027, 3, 29, 9)), id="is_working_day"),
        pytest.param(lambda: add_working_days(datetime(2027, 3, 29, 9), 1), id="add_working_days"),
    ],
)
def test_a_datetime_is_refused_because_it_would_never_match_a_bank_holiday(call) -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        call()


def test_bank_holidays_are_cached_per_year_as_an_immutable_set() -> None:
    holidays_2027 = bank_holidays(2027)
    assert holidays_2027 is bank_holidays(2027)
    assert isinstance(holidays_2027, frozenset)
    assert {date(2027, 12, 27), date(2027, 12, 28)} <= holidays_2027


def test_london_is_the_europe_london_zone() -> None:
    assert calendar.LONDON.key == "Europe/London"


@pytest.mark.parametrize("module", ["calendar.py", "timescales.py", "__init__.py"])
def test_domain_modules_do_not_import_the_web_framework_or_the_database(module: str) -> None:
    path = Path(calendar.__file__).with_name(module)
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "flask_login", "flask_wtf", "sqlalchemy", "sqlmodel", "wtforms"}
