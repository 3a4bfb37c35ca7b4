"""Management information: how agencies meet children's welfare deadlines, as tables.

Every measure is computed in SQL over the children the viewer may see (``Viewer.visible``), so a
figure never counts a record the viewer could not open. Medians and the UK-time first night are
worked out in Python over the rows of one period, which the filters bound to five years.
A measure is a ``Table``: plain values, with the filters of the list behind each figure, so the
dashboard, its CSV downloads and the command-line export say the same thing.
"""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.access import Viewer
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.actions.queries import dao_kind_choices
from yoi_welfare.agencies.models import Agency
from yoi_welfare.dates import london_instant, uk_date
from yoi_welfare.domain.timescales import EscalationLevel
from yoi_welfare.escalations.models import Escalation
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.reports.weeks import IsoWeek
from yoi_welfare.screenings.models import ScreeningRead, WelfareScreening
from yoi_welfare.self_harm.models import RiskLevel, SelfHarmFlag

ESCALATION_WEEKS = 12
# The child's first night in custody starts at 21:00 UK time on the day of admission.
FIRST_NIGHT = time(21, 0)


@dataclass(frozen=True)
class Scope:
    """Whose figures, and over when: the viewer's children, optionally only the actions of one
    owner agency (an agency manager's own, or the ACPC's filter), from ``first`` to ``last``
    (UK dates, inclusive). ``establishment_id``, when that agency is an establishment, also
    limits the self-harm flags and admissions counted to those of that establishment."""

    viewer: Viewer
    first: date
    last: date
    now: datetime
    agency_id: int | None = None
    establishment_id: int | None = None

    @property
    def starts_at(self) -> datetime:
        return london_instant(self.first, time(0, 0))

    @property
    def ends_at(self) -> datetime:
        return london_instant(self.last + timedelta(days=1), time(0, 0))


@dataclass(frozen=True)
class Link:
    """The list of records behind a figure: ``list`` names it, ``args`` are its filters."""

    list: str
    args: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Cell:
    value: object
    link: Link | None = None


@dataclass
class Table:
    """One measure: a caption, column headings and rows of cells. ``chart`` names the column
    drawn as bars (its values are numbers, or None where there is nothing to measure)."""

    key: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: int = 1
    unit: str = ""

    def plain_rows(self) -> list[list[object]]:
        return [[_plain(cell.value) for cell in row] for row in self.rows]


def _plain(value: object) -> object:
    """A value for a spreadsheet: blank for nothing measured, and text that a spreadsheet
    would take for a formula (an agency named "=..." by an administrator) kept as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _run(statement: sa.Select, scope: Scope) -> list:
    return list(db.session().exec(statement, params=scope.viewer.params).all())


def _of_owner(scope: Scope) -> list[sa.ColumnElement[bool]]:
    if scope.agency_id is None:
        return []
    return [WelfareAction.owner_agency_id == scope.agency_id]


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def _deadlines(scope: Scope, group: sa.ColumnElement) -> dict[object, tuple[int, int, list]]:
    """Actions due in the period (and by now), not cancelled: per group, how many were due,
    how many were met on time, and how late each late one was (to completion, or to now)."""
    on_time = sa.and_(
        WelfareAction.completed_at.is_not(None),
        WelfareAction.completed_at <= WelfareAction.due_at,
    )
    due = [
        scope.viewer.visible,
        WelfareAction.cancelled_at.is_(None),
        WelfareAction.due_at >= scope.starts_at,
        WelfareAction.due_at < min(scope.ends_at, scope.now),
        *_of_owner(scope),
    ]
    counted = _run(
        select(
            group,
            sa.func.count(WelfareAction.id),
            sa.func.sum(sa.case((on_time, 1), else_=0)),
        )
        .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
        .where(*due)
        .group_by(group),
        scope,
    )
    late = _run(
        select(group, WelfareAction.due_at, WelfareAction.completed_at)
        .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
        .where(*due, ~on_time),
        scope,
    )
    lateness = defaultdict(list)
    for key, due_at, completed_at in late:
        lateness[key].append(_hours((completed_at or scope.now) - due_at))
    return {key: (total, int(met or 0), lateness[key]) for key, total, met in counted}


def _deadline_row(label: str, figures: tuple[int, int, list], args: tuple) -> list[Cell]:
    total, met, late = figures
    return [
        Cell(label),
        Cell(total, Link("actions", args + (("status", "completed"),))),
        Cell(met, Link("actions", args + (("status", "completed"),))),
        Cell(percent(met, total)),
        Cell(median(late) if late else None, Link("actions", args + (("status", "overdue"),))),
    ]


DEADLINE_HEADERS = ["Due", "Met on time", "Met on time (%)", "Median lateness (hours)"]


def on_time_by_kind(scope: Scope) -> Table:
    table = Table(
        "deadlines_by_kind",
        "Deadlines met on time, by kind of action",
        ["Kind of action", *DEADLINE_HEADERS],
        chart=3,
        unit="%",
    )
    figures = _deadlines(scope, WelfareAction.kind)
    for kind, label in dao_kind_choices():
        if kind in figures:
            table.rows.append(_deadline_row(label, figures[kind], (("kind", kind),)))
    return table


def _agency_names(ids) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session().exec(select(Agency.id, Agency.name).where(Agency.id.in_(list(ids))))
    return dict(rows.all())


def on_time_by_owner(scope: Scope) -> Table:
    table = Table(
        "deadlines_by_owner",
        "Deadlines met on time, by owner agency",
        ["Owner agency", *DEADLINE_HEADERS],
        chart=3,
        unit="%",
    )
    figures = _deadlines(scope, WelfareAction.owner_agency_id)
    names = _agency_names(figures)
    for agency_id in sorted(figures, key=lambda i: names[i]):
        row = _deadline_row(names[agency_id], figures[agency_id], ())
        table.rows.append(row)
    return table


def open_and_overdue(scope: Scope) -> Table:
    """Actions open now, and of those overdue now, by owner agency (whatever the period)."""
    overdue = sa.func.sum(sa.case((WelfareAction.due_at <= scope.now, 1), else_=0))
    rows = _run(
        select(WelfareAction.owner_agency_id, sa.func.count(WelfareAction.id), overdue)
        .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
        .where(
            scope.viewer.visible,
            WelfareAction.completed_at.is_(None),
            WelfareAction.cancelled_at.is_(None),
            *_of_owner(scope),
        )
        .group_by(WelfareAction.owner_agency_id),
        scope,
    )
    names = _agency_names([agency_id for agency_id, *_ in rows])
    table = Table(
        "open_and_overdue",
        "Actions open and overdue now",
        ["Owner agency", "Open", "Overdue"],
        chart=2,
    )
    for agency_id, open_count, overdue_count in sorted(rows, key=lambda r: names[r[0]]):
        table.rows.append(
            [
                Cell(names[agency_id]),
                Cell(open_count, Link("actions", (("status", "open"),))),
                Cell(int(overdue_count or 0), Link("actions", (("status", "overdue"),))),
            ]
        )
    return table


def escalation_weeks(scope: Scope) -> list[IsoWeek]:
    """The twelve ISO weeks ending with the one that holds the period's last day."""
    last = IsoWeek.containing(min(scope.last, scope.viewer.today))
    return [last.minus(n) for n in range(ESCALATION_WEEKS - 1, -1, -1)]


def escalations_by_week(scope: Scope) -> Table:
    """Escalations raised in each of the last twelve weeks, by level: bucketed in SQL."""
    weeks = escalation_weeks(scope)
    bucket = sa.case(
        *((Escalation.raised_at < week.ends_at, index) for index, week in enumerate(weeks)),
        else_=len(weeks),
    )
    rows = _run(
        select(bucket, Escalation.level, sa.func.count(Escalation.id))
        .join(WelfareAction, WelfareAction.id == Escalation.action_id)
        .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
        .where(
            scope.viewer.visible,
            Escalation.raised_at >= weeks[0].starts_at,
            Escalation.raised_at < weeks[-1].ends_at,
            *_of_owner(scope),
        )
        .group_by(bucket, Escalation.level),
        scope,
    )
    counts = Counter({(index, level): count for index, level, count in rows})
    table = Table(
        "escalations_by_week",
        f"Escalations raised by level, in each of the last {ESCALATION_WEEKS} weeks",
        ["Week", "To the owner agency", "To the ACPC"],
    )
    link = Link("escalations", (("status", "all"),))
    for index, week in enumerate(weeks):
        table.rows.append(
            [
                Cell(str(week)),
                Cell(counts[(index, EscalationLevel.AGENCY)], link),
                Cell(counts[(index, EscalationLevel.ACPC)], link),
            ]
        )
    return table


def _flags_in_period(scope: Scope, instant) -> dict[str, int]:
    conditions = [scope.viewer.visible, instant >= scope.starts_at, instant < scope.ends_at]
    if scope.establishment_id is not None:
        conditions.append(SelfHarmFlag.opened_establishment_id == scope.establishment_id)
    rows = _run(
        select(SelfHarmFlag.risk_level, sa.func.count(SelfHarmFlag.id))
        .join(YoungPerson, YoungPerson.id == SelfHarmFlag.young_person_id)
        .where(*conditions)
        .group_by(SelfHarmFlag.risk_level),
        scope,
    )
    return dict(rows)


def flags_by_risk(scope: Scope) -> Table:
    """Self-harm flags opened and closed in the period, by their risk level now; with an agency
    filter, the flags that agency's establishment opened."""
    opened = _flags_in_period(scope, SelfHarmFlag.opened_at)
    closed = _flags_in_period(scope, SelfHarmFlag.closed_at)
    table = Table(
        "self_harm_flags_by_risk",
        "Self-harm flags opened and closed, by risk level",
        ["Risk level", "Opened", "Closed"],
    )
    for level in RiskLevel:
        table.rows.append(
            [
                Cell(level.label),
                Cell(opened.get(level, 0)),
                Cell(closed.get(level, 0)),
            ]
        )
    return table


def first_night_deadline(admitted_at: datetime) -> datetime:
    """21:00 UK time on the day of admission; the admission itself when later in the day."""
    return max(admitted_at, london_instant(uk_date(admitted_at), FIRST_NIGHT))


def screenings_before_first_night(scope: Scope) -> Table:
    """Admissions in the period, by establishment, and of those how many had the child's
    submitted welfare screening read there before the child's first night."""
    first_read = (
        select(sa.func.min(ScreeningRead.read_at))
        .join(WelfareScreening, WelfareScreening.id == ScreeningRead.screening_id)
        .where(
            WelfareScreening.young_person_id == Placement.young_person_id,
            ScreeningRead.agency_id == Placement.establishment_id,
        )
        .correlate(Placement)
        .scalar_subquery()
    )
    conditions = [
        scope.viewer.visible,
        Placement.admitted_at >= scope.starts_at,
        Placement.admitted_at < scope.ends_at,
    ]
    if scope.establishment_id is not None:
        conditions.append(Placement.establishment_id == scope.establishment_id)
    rows = _run(
        select(Placement.establishment_id, Placement.admitted_at, first_read)
        .join(YoungPerson, YoungPerson.id == Placement.young_person_id)
        .where(*conditions),
        scope,
    )
    admissions, in_time = Counter(), Counter()
    for establishment_id, admitted_at, read_at in rows:
        admissions[establishment_id] += 1
        if read_at is not None and read_at <= first_night_deadline(admitted_at):
            in_time[establishment_id] += 1
    names = _agency_names(admissions)
    table = Table(
        "screenings_before_first_night",
        "Welfare screenings read before the child's first night",
        ["Establishment", "Admissions", "Read before the first night", "Read in time (%)"],
        chart=3,
        unit="%",
    )
    for establishment_id in sorted(admissions, key=lambda i: names[i]):
        table.rows.append(
            [
                Cell(names[establishment_id]),
                Cell(admissions[establishment_id]),
                Cell(in_time[establishment_id]),
                Cell(percent(in_time[establishment_id], admissions[establishment_id])),
            ]
        )
    return table


MEASURE_KEYS = {
    "deadlines_by_kind": on_time_by_kind,
    "deadlines_by_owner": on_time_by_owner,
    "open_and_overdue": open_and_overdue,
    "escalations_by_week": escalations_by_week,
    "self_harm_flags_by_risk": flags_by_risk,
    "screenings_before_first_night": screenings_before_first_night,
}


def all_measures(scope: Scope) -> list[Table]:
    return [measure(scope) for measure in MEASURE_KEYS.values()]


def to_csv(table: Table) -> str:
    """The table as CSV: a header row, then one row per line of the table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(table.plain_rows())
    return buffer.getvalue()
