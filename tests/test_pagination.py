"""Links to the pages of a long list, GOV.UK style."""

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from tests.factories import create_area
from yoi_welfare import db
from yoi_welfare.agencies.models import Area
from yoi_welfare.config import ConfigError, load_settings
from yoi_welfare.paging import Page, listing, page_of
from yoi_welfare.view_helpers import page_numbers, pagination


@pytest.mark.parametrize(
    ("page", "pages", "numbers"),
    [
        (1, 2, [1, 2]),
        (1, 5, [1, 2, None, 5]),
        (1, 4, [1, 2, 3, 4]),
        (3, 5, [1, 2, 3, 4, 5]),
        (5, 8, [1, None, 4, 5, 6, 7, 8]),
        (15, 30, [1, None, 14, 15, 16, None, 30]),
    ],
)
def test_the_first_last_and_neighbouring_pages_with_ellipses(page, pages, numbers):
    assert page_numbers(page, pages) == numbers


def test_one_page_has_no_links_and_past_the_end_previous_is_the_last_page(app):
    with app.test_request_context("/actions"):
        assert pagination(Page([], 1, 25, 10), "actions.index") is None
        links = pagination(Page([], 9, 25, 120), "actions.index", {"status": "open", "kind": ""})
    assert links["previous"]["href"] == "/actions?page=5&status=open"
    assert links["next"] is None
    assert not any(item.get("current") for item in links["items"])


def test_a_list_counted_in_its_rows_knows_an_empty_first_page_without_counting(app):
    for n in range(3):
        create_area(f"Area {n}", f"A{n}")
    areas = listing(
        sa.select(Area.name).where(Area.name.like(sa.bindparam("name"))).order_by(Area.name),
        total_in_rows=True,
    )
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine(), "before_cursor_execute", count)
    try:
        assert page_of(areas, 1, 2, {"name": "Area%"}) == Page([("Area 0",), ("Area 1",)], 1, 2, 3)
        assert page_of(areas, 1, 2, {"name": "Nowhere%"}) == Page([], 1, 2, 0)
        # Past the last page no row says how many there are: that takes a count.
        assert page_of(areas, 5, 2, {"name": "Area%"}) == Page([], 5, 2, 3)
    finally:
        event.remove(db.engine(), "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(selects) == 4


@pytest.mark.parametrize("value", ["twenty", "0", "-5", "2.5"])
def test_a_page_size_that_is_not_a_whole_number_above_zero_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("PAGE_SIZE", value)
    with pytest.raises(ConfigError, match=f"PAGE_SIZE is '{value}'; set it to a whole number of 1"):
        load_settings({"ENV_NAME": "test"})


def test_the_page_size_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PAGE_SIZE", " 50 ")
    assert load_settings({"ENV_NAME": "test"})["PAGE_SIZE"] == 50
    monkeypatch.delenv("PAGE_SIZE")
    assert load_settings({"ENV_NAME": "test"})["PAGE_SIZE"] == 25
