"""The children held now, most urgent first, and what needs attention: the YOT officer's
caseload (their area's children in custody) and an establishment's children held.

One statement for the whole list, however long: each child's latest screening, overdue actions
and actions due today come from correlated subqueries and the open self-harm flag from a join,
each an index lookup for that child (never a query per child, never a pass over every child's
history); one more gives the page's children's alerts.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from enum import IntEnum

import sqlalchemy as sa
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.access import Reach, Viewer, reach_clause
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.alerts.models import Alert
from yoi_welfare.alerts.queries import active_alerts_for
from yoi_welfare.dates import london_instant, london_today
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.paging import Listing, Page, listing, page_of
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.people.placements import is_current
from yoi_welfare.screenings.models import WelfareScreening
from yoi_welfare.screenings.queries import latest_submitted_id
from yoi_welfare.self_harm.models import FlagState, RiskLevel, SelfHarmFlag

ASCENDING = "ascending"
DESCENDING = "descending"
# Column -> the order its link asks for first: names A to Z, the most urgent children first.
SORTS = {
    "urgency": ASCENDING,
    "name": ASCENDING,
    "establishment": ASCENDING,
    "level": DESCENDING,
    "overdue": DESCENDING,
}
DEFAULT_SORT = "urgency"


class Urgency(IntEnum):
    """Which children come first on a list of children held: staff on a wing at night need the
    child at risk tonight to be the first thing they see."""

    HIGH_RISK_FLAG = 0
    RAISED_RISK_FLAG = 1
    OVERDUE = 2
    DUE_TODAY = 3
    OTHER = 4


@dataclass(frozen=True)
class CaseloadRow:
    child: YoungPerson
    placement: Placement
    establishment: Agency
    screening_id: int | None
    level: Level | None
    overdue: int
    flag: SelfHarmFlag | None
    due_today: int
    alerts: list[Alert] = field(default_factory=list)

    @property
    def has_open_flag(self) -> bool:
        return self.flag is not None


def dao_caseload(
    viewer: Viewer,
    *,
    sort: str,
    order: str,
    now: datetime,
    page: int,
    per_page: int,
    establishment_id: int | None = None,
) -> Page:
    """A page of the visible children held now (CaseloadRows, with their active alerts), or of
    those held at one establishment: their latest submitted level, open self-harm flag, overdue
    actions and actions due later today.

    ``sort`` is one of SORTS (else by urgency), ``order`` ASCENDING or DESCENDING. By urgency:
    an open flag at high risk, then at raised risk, then overdue actions (the most first), then
    actions due today, then the rest; ties, and children never screened (below LOW), fall back
    to name order. Three statements, however many children: the page, the alerts, and the count
    only past the last page.
    """
    # Every area's caseload has the same best plan: a few dozen children held of a thousand or
    # two. Planning its two statements anew took as long as running them.
    db.reuse_plans()
    end_of_today = london_instant(london_today(now) + timedelta(days=1), time())
    params = {**viewer.params, "now": now, "end_of_today": end_of_today}
    if establishment_id is not None:
        params["establishment_id"] = establishment_id
    rows = page_of(
        _caseload(viewer.reach, sort, order, establishment_id is not None), page, per_page, params
    )
    alerts = active_alerts_for(child.id for child, *_ in rows.items)
    return replace(
        rows,
        items=[
            CaseloadRow(
                child,
                placement,
                establishment,
                screening_id,
                level,
                count,
                flag,
                today,
                alerts.get(child.id, []),
            )
            for child, placement, establishment, screening_id, level, count, flag, today in (
                rows.items
            )
        ],
    )


def _open_actions_due(before: sa.BindParameter, after: sa.BindParameter | None = None):
    # Counted through the partial index of open actions by child.
    conditions = [
        WelfareAction.young_person_id == YoungPerson.id,
        WelfareAction.completed_at.is_(None),
        WelfareAction.cancelled_at.is_(None),
        WelfareAction.due_at <= before,
    ]
    if after is not None:
        conditions.append(WelfareAction.due_at > after)
    return select(func.count()).select_from(WelfareAction).where(*conditions).scalar_subquery()


@db.prepared
def _caseload(reach: Reach, sort: str, order: str, one_establishment: bool) -> Listing:
    now = sa.bindparam("now", type_=WelfareAction.due_at.type)
    overdue_count = _open_actions_due(now)
    due_today = _open_actions_due(
        sa.bindparam("end_of_today", type_=WelfareAction.due_at.type), after=now
    )
    level_rank = sa.case(
        {level: level.rank + 1 for level in Level},
        value=WelfareScreening.practitioner_level,
        else_=0,
    )
    urgency = sa.case(
        (SelfHarmFlag.risk_level == RiskLevel.HIGH, Urgency.HIGH_RISK_FLAG.value),
        (SelfHarmFlag.risk_level == RiskLevel.RAISED, Urgency.RAISED_RISK_FLAG.value),
        (overdue_count > 0, Urgency.OVERDUE.value),
        (due_today > 0, Urgency.DUE_TODAY.value),
        else_=Urgency.OTHER.value,
    )
    by_name = (YoungPerson.family_name, YoungPerson.given_name, YoungPerson.id)
    descending = order == DESCENDING
    if sort == "name":
        ordering = [column.desc() if descending else column.asc() for column in by_name]
    else:
        primary = {
            "establishment": [Agency.name],
            "level": [level_rank],
            "overdue": [overdue_count],
            # Within a kind of urgency, the most overdue first.
            "urgency": [urgency, -overdue_count, -level_rank],
        }.get(sort, [urgency])
        ordering = [column.desc() if descending else column.asc() for column in primary]
        ordering += by_name
    held_now = is_current(YoungPerson.id)
    # The flag the placements keep (migration 0012) lets the area's held children be read
    # straight from its partial index, rather than matched with every child held in the country.
    visible = sa.and_(YoungPerson.in_custody, reach_clause(reach))
    if one_establishment:
        visible = sa.and_(visible, Placement.establishment_id == sa.bindparam("establishment_id"))
    # A child has one open flag at most (a partial unique index).
    open_flag = sa.and_(
        SelfHarmFlag.young_person_id == YoungPerson.id, SelfHarmFlag.state == FlagState.OPEN
    )
    statement = (
        select(
            YoungPerson,
            Placement,
            Agency,
            WelfareScreening.id,
            WelfareScreening.practitioner_level,
            overdue_count,
            SelfHarmFlag,
            due_today,
        )
        .join(Placement, held_now)
        .join(Agency, Agency.id == Placement.establishment_id)
        .outerjoin(WelfareScreening, WelfareScreening.id == latest_submitted_id(YoungPerson.id))
        .outerjoin(SelfHarmFlag, open_flag)
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
