"""Paged lists: one page of rows and how many there are in all, from statements built once."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import func, select

from yoi_welfare import db


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Listing:
    """A paged list's two statements: one page of its rows (bound ``offset`` and ``limit``) and
    how many rows there are in all. Build it once (``db.prepared``) to reuse both."""

    rows: sa.Select
    count: sa.Select


def listing(statement: sa.Select, counted: sa.Select | None = None) -> Listing:
    """The listing of a statement's rows.

    ``counted``, when given, is a cheaper statement giving the same rows to count: one without
    the columns the page computes for each row.
    """
    counted = (counted if counted is not None else statement).order_by(None).subquery()
    return Listing(
        rows=statement.offset(sa.bindparam("offset")).limit(sa.bindparam("limit")),
        count=select(func.count()).select_from(counted),
    )


def page_of(rows: Listing, page: int, per_page: int, params: dict | None = None) -> Page:
    """One page of a listing, and how many rows it gives in all."""
    session = db.session()
    params = params or {}
    total = session.exec(rows.count, params=params).one()
    paging = {**params, "offset": (page - 1) * per_page, "limit": per_page}
    items = session.exec(rows.rows, params=paging).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def paginate(
    statement: sa.Select, page: int, per_page: int, counted: sa.Select | None = None
) -> Page:
    """One page of a statement's rows, and how many rows it gives in all (see ``listing``)."""
    return page_of(listing(statement, counted), page, per_page)
