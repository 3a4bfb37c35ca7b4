"""The YOT officer's caseload: their area's children in custody, and what needs their attention.

One statement for the whole list, however long: each child's latest screening, overdue actions
and open self-harm flag come from correlated subqueries, each an index lookup for that child
(never a query per child, never a pass over every child's history).
"""

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.access import Reach, Viewer, reach_clause
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.paging import Listing, Page, listing, page_of
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.people.placements import is_current
from yoi_welfare.screenings.models import WelfareScreening
from yoi_welfare.screenings.queries import latest_submitted_id
from yoi_welfare.self_harm.models import FlagState, SelfHarmFlag

ASCENDING = "ascending"
DESCENDING = "descending"
# Column -> the order its link asks for first: names A to Z, the most urgent children first.
SORTS = {
    "name": ASCENDING,
    "establishment": ASCENDING,
    "level": DESCENDING,
    "overdue": DESCENDING,
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class CaseloadRow:
    child: YoungPerson
    placement: Placement
    establishment: Agency
    screening_id: int | None
    level: Level | None
    overdue: int
    has_open_flag: bool


def dao_caseload(
    viewer: Viewer, *, sort: str, order: str, now: datetime, page: int, per_page: int
) -> Page:
    """A page of the visible children held now (CaseloadRows), with their latest submitted
    level and overdue action count.

    ``sort`` is one of SORTS (else by name), ``order`` ASCENDING or DESCENDING. Ties, and
    children never screened (below LOW), fall back to name order.
    """
    # Every area's caseload has the same best plan: a few dozen children held of a thousand or
    # two. Planning its two statements anew took as long as running them.
    db.reuse_plans()
    params = {**viewer.params, "now": now}
    rows = page_of(_caseload(viewer.reach, sort, order), page, per_page, params)
    return replace(
        rows,
        items=[
            CaseloadRow(child, placement, establishment, screening_id, level, count, bool(flag))
            for child, placement, establishment, screening_id, level, count, flag in rows.items
        ],
    )


@db.prepared
def _caseload(reach: Reach, sort: str, order: str) -> Listing:
    # Counted through the partial index of open actions by child.
    overdue_count = (
        select(func.count())
        .select_from(WelfareAction)
        .where(
            WelfareAction.young_person_id == YoungPerson.id,
            WelfareAction.completed_at.is_(None),
            WelfareAction.cancelled_at.is_(None),
            WelfareAction.due_at <= sa.bindparam("now", type_=WelfareAction.due_at.type),
        )
        .scalar_subquery()
    )
    has_open_flag = (
        select(SelfHarmFlag.id)
        .where(SelfHarmFlag.young_person_id == YoungPerson.id, SelfHarmFlag.state == FlagState.OPEN)
        .exists()
    )
    level_rank = sa.case(
        {level: level.rank + 1 for level in Level},
        value=WelfareScreening.practitioner_level,
        else_=0,
    )
    by_name = (YoungPerson.family_name, YoungPerson.given_name, YoungPerson.id)
    primary = {
        "name": None,
        "establishment": Agency.name,
        "level": level_rank,
        "overdue": overdue_count,
    }.get(sort)
    descending = order == DESCENDING
    ordering = []
    if primary is not None:
        ordering.append(primary.desc() if descending else primary.asc())
        ordering += by_name
    else:
        ordering += [column.desc() if descending else column.asc() for column in by_name]
    held_now = is_current(YoungPerson.id)
    # The flag the placements keep (migration 0012) lets the area's held children be read
    # straight from its partial index, rather than matched with every child held in the country.
    visible = sa.and_(YoungPerson.in_custody, reach_clause(reach))
    statement = (
        select(
            YoungPerson,
            Placement,
            Agency,
            WelfareScreening.id,
            WelfareScreening.practitioner_level,
            overdue_count,
            has_open_flag,
        )
        .join(Placement, held_now)
        .join(Agency, Agency.id == Placement.establishment_id)
        .outerjoin(WelfareScreening, WelfareScreening.id == latest_submitted_id(YoungPerson.id))
        .where(visible)
        .order_by(*ordering)
    )
    counted = select(YoungPerson.id).join(Placement, held_now).where(visible)
    return listing(statement, counted, total_in_rows=True)


def sort_links(sort: str, order: str) -> dict[str, dict]:
    """For each sortable column: its aria-sort, and the query its header link asks for."""
    links = {}
    for column, first_order in SORTS.items():
        current = column == sort
        flipped = DESCENDING if order == ASCENDING else ASCENDING
        next_order = flipped if current else first_order
        links[column] = {
            "aria_sort": order if current else "none",
            "query": {"sort": column, "order": next_order},
        }
    return links


def parse_sort(sort: str | None, order: str | None) -> tuple[str, str]:
    """A known column and order from the query string, else the default."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    order = order if order in (ASCENDING, DESCENDING) else SORTS[sort]
    return sort, order
