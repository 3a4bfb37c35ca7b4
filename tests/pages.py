"""Every HTML page a test renders must parse and have one h1, a matching title and unique ids."""

import contextvars
from collections import Counter

from bs4 import BeautifulSoup
from flask import g, has_app_context
from flask.testing import FlaskClient


class PageStructureError(AssertionError):
    pass


def check_page_structure(html: str, path: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html5lib")
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        raise PageStructureError(f"{path}: expected exactly one h1, found {len(h1s)}")
    heading = " ".join(h1s[0].get_text().split())
    title = " ".join((soup.title.get_text() if soup.title else "").split())
    title = title.removeprefix("Error: ")
    if not title.startswith(heading):
        raise PageStructureError(f"{path}: title {title!r} does not start with h1 {heading!r}")
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise PageStructureError(f"{path}: duplicate ids {duplicates}")
    return soup


class CheckedClient(FlaskClient):
    """A test client whose requests run as in production: each in a fresh app context.

    The test's own session ends its transaction first (SQLite allows one writer), and every
    HTML page is checked for structure.
    """

    def open(self, *args, **kwargs):
        if has_app_context() and "db_session" in g:
            g.db_session.rollback()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if response.mimetype == "text/html" and response.status_code not in (301, 302, 303):
            path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "")
            check_page_structure(response.get_data(as_text=True), str(path))
        return response


def field_error(page: str, field: str) -> str:
    """The GOV.UK error message on a field ("Error: ..."), which the error summary links to."""
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one(f'.govuk-error-summary a[href="#{field}"]'), f"no summary for {field}"
    return " ".join(soup.select_one(f"#{field}-error").get_text().split())
