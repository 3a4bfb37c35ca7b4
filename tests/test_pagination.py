"""Links to the pages of a long list, GOV.UK style."""

import pytest

from yoi_welfare.paging import Page
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
