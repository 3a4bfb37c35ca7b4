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
    # The page's rows end with how many rows there are in all (count(*) OVER ()).
    total_in_rows: bool = False


def listing(
    statement: sa.Select, counted: sa.Select | None = None, *, total_in_rows: bool = False
) -> Listing:
    """The listing of a statement's rows.

    ``counted``, when given, is a cheaper statement giving the same rows to count: one without
    the columns the page computes for each row. With ``total_in_rows`` the page's statement
    counts them too, saving a statement: for a list that has to find all its rows anyway to
    sort them, and only if the database computes its per-row columns after the sort.
    """
    counted = (counted if counted is not None else statement).order_by(None).subquery()
    if total_in_rows:
        statement = statement.add_columns(func.count().over())
    return Listing(
        rows=statement.offset(sa.bindparam("offset")).limit(sa.bindparam("limit")),
        count=select(func.count()).select_from(counted),
        total_in_rows=total_in_rows,
    )


def page_of(rows: Listing, page: int, per_page: int, params: dict | None = None) -> Page:
    """One page of a listing, and how many rows it gives in all."""
    session = db.session()
    params = params or {}
    paging = {**params, "offset": (page - 1) * per_page, "limit": per_page}
    if rows.total_in_rows:
        found = session.exec(rows.rows, params=paging).all()
        if found:
            items = [tuple(row)[:-1] for row in found]
            return Page(items=items, page=page, per_page=per_page, total=found[0][-1])
        if page == 1:
            return Page([], page, per_page, 0)  # nothing at all
        # Past the last page: no row to tell how many there are.
        return Page([], page, per_page, session.exec(rows.count, params=params).one())
    total = session.exec(rows.count, params=params).one()
    items = session.exec(rows.rows, params=paging).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def paginate(
    statement: sa.Select,
    page: int,
    per_page: int,
    counted: sa.Select | None = None,
    *,
    params: dict | None = None,
) -> Page:
    """One page of a statement's rows, and how many rows it gives in all (see ``listing``)."""
    return page_of(listing(statement, counted), page, per_page, params)
