"""What the weekly report says, gathered in a fixed number of queries for one area and week."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.actions.queries import dao_kind_choices
from yoi_welfare.agencies.models import Agency, Area
from yoi_welfare.dates import LONDON
from yoi_welfare.domain.timescales import EscalationLevel
from yoi_welfare.escalations.models import Escalation, EscalationResponse
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.reports.weeks import IsoWeek
from yoi_welfare.self_harm.models import FlagState, SelfHarmFlag

# The report's week and the eight before it, side by side.
TREND_WEEKS = 9


@dataclass(frozen=True)
class EscalatedAction:
    child: YoungPerson
    action: WelfareAction
    level: EscalationLevel
    raised_at: datetime
    resolved_at: datetime | None
    response: str | None
    # Raised only because of a date since corrected: shown as withdrawn, never dropped.
    withdrawn_reason: str | None = None


@dataclass(frozen=True)
class ChildInCustody:
    child: YoungPerson
    admitted_at: datetime
    overdue: int
    open_flag: bool


@dataclass(frozen=True)
class CustodyAtEstablishment:
    """Children of the area held at one establishment: named only where something concerns
    them (an escalation, an open self-harm flag, an overdue action); the others are counted."""

    establishment: Agency
    named: list[ChildInCustody]
    others: int

    @property
    def total(self) -> int:
        return len(self.named) + self.others


@dataclass(frozen=True)
class WeekMeasures:
    """The key measures of one week, for the table of this week beside the eight before it."""

    week: IsoWeek
    raised_to_agency: int
    raised_to_acpc: int
    actions_due: int
    met_on_time: int
    flags_opened: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.met_on_time / self.actions_due) if self.actions_due else None


@dataclass
class ReportData:
    area: Area
    week: IsoWeek
    generated_at: datetime
    raised_by_level: Counter = field(default_factory=Counter)
    still_open: int = 0
    resolved: int = 0
    oldest_open: EscalatedAction | None = None
    raised_by_agency: list[tuple[str, int]] = field(default_factory=list)
    raised_by_kind: list[tuple[str, int]] = field(default_factory=list)
    open_by_agency: list[tuple[str, int]] = field(default_factory=list)
    trend: list[WeekMeasures] = field(default_factory=list)
    in_custody: list[CustodyAtEstablishment] = field(default_factory=list)
    by_owner: list[tuple[Agency, list[EscalatedAction]]] = field(default_factory=list)

    @property
    def raised_total(self) -> int:
        return sum(self.raised_by_level.values())

    @property
    def in_custody_total(self) -> int:
        return sum(group.total for group in self.in_custody)

    @property
    def not_named_total(self) -> int:
        return sum(group.others for group in self.in_custody)

    @property
    def is_empty(self) -> bool:
        return self.raised_total == 0 and not self.by_owner


def _area_escalations(area_id: int, week: IsoWeek):
    """Every escalation of the area's children raised by the week's end and open during it."""
    return (
        db.session()
        .exec(
            select(Escalation, WelfareAction, YoungPerson, Agency)
            .join(WelfareAction, WelfareAction.id == Escalation.action_id)
            .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
            .join(Agency, Agency.id == WelfareAction.owner_agency_id)
            .where(
                YoungPerson.home_area_id == area_id,
                Escalation.raised_at < week.ends_at,
                sa.or_(Escalation.resolved_at.is_(None), Escalation.resolved_at >= week.starts_at),
            )
            .order_by(Escalation.became_due_at, Escalation.id)
        )
        .all()
    )


def _latest_responses(escalation_ids: list[int]) -> dict[int, str]:
    if not escalation_ids:
        return {}
    requested = sa.orm.aliased(Agency)
    rows = (
        db.session()
        .exec(
            select(EscalationResponse, requested.name)
            .outerjoin(requested, requested.id == EscalationResponse.requested_agency_id)
            .where(EscalationResponse.escalation_id.in_(escalation_ids))
            .order_by(EscalationResponse.responded_at, EscalationResponse.id)
        )
        .all()
    )
    latest = {}
    for response, agency_name in rows:
        text = response.kind.label + (f": {agency_name}" if agency_name else "")
        latest[response.escalation_id] = text + (f". {response.note}" if response.note else "")
    return latest


def _children_in_custody(
    area_id: int, now: datetime, escalated: set[int]
) -> list[CustodyAtEstablishment]:
    """Children of the area in custody now, by establishment. ``escalated`` holds the children
    with an escalation in the report: they are named even with nothing overdue now."""
    overdue = (
        select(sa.func.count(WelfareAction.id))
        .where(
            WelfareAction.young_person_id == YoungPerson.id,
            WelfareAction.completed_at.is_(None),
            WelfareAction.cancelled_at.is_(None),
            WelfareAction.due_at <= now,
        )
        .correlate(YoungPerson)
        .scalar_subquery()
    )
    open_flag = (
        select(SelfHarmFlag.id)
        .where(SelfHarmFlag.young_person_id == YoungPerson.id, SelfHarmFlag.state == FlagState.OPEN)
        .correlate(YoungPerson)
        .exists()
    )
    rows = db.session().exec(
        select(YoungPerson, Placement.admitted_at, Agency, overdue, open_flag)
        .join(Placement, Placement.young_person_id == YoungPerson.id)
        .join(Agency, Agency.id == Placement.establishment_id)
        .where(YoungPerson.home_area_id == area_id, Placement.left_at.is_(None))
    )
    establishments: dict[int, Agency] = {}
    named: dict[int, list[ChildInCustody]] = {}
    others: Counter = Counter()
    for child, admitted_at, establishment, overdue_count, has_open_flag in rows:
        establishments[establishment.id] = establishment
        named.setdefault(establishment.id, [])
        if overdue_count or has_open_flag or child.id in escalated:
            named[establishment.id].append(
                ChildInCustody(child, admitted_at, overdue_count, bool(has_open_flag))
            )
        else:
            others[establishment.id] += 1
    groups = []
    for establishment_id, establishment in establishments.items():
        children = sorted(
            named[establishment_id],
            key=lambda c: (not c.open_flag, -c.overdue, c.child.family_name),
        )
        groups.append(CustodyAtEstablishment(establishment, children, others[establishment_id]))
    return sorted(groups, key=lambda group: group.establishment.name)


def _week_of(instant: datetime) -> str:
    return str(IsoWeek.containing(instant.astimezone(LONDON).date()))


def _trend(area_id: int, week: IsoWeek) -> list[WeekMeasures]:
    """Escalations raised, actions due and met on time, and self-harm flags opened, in each
    of the report's week and the weeks before it (three queries, bounded by the area and
    the nine weeks)."""
    first = week.minus(TREND_WEEKS - 1)

    def of_area_within(statement: sa.Select, child_column, instant) -> list:
        return (
            db.session()
            .exec(
                statement.join(YoungPerson, YoungPerson.id == child_column).where(
                    YoungPerson.home_area_id == area_id,
                    instant >= first.starts_at,
                    instant < week.ends_at,
                )
            )
            .all()
        )

    escalations = of_area_within(
        select(Escalation.raised_at, Escalation.level).join(
            WelfareAction, WelfareAction.id == Escalation.action_id
        ),
        WelfareAction.young_person_id,
        Escalation.raised_at,
    )
    actions = of_area_within(
        select(WelfareAction.due_at, WelfareAction.completed_at).where(
            WelfareAction.cancelled_at.is_(None)
        ),
        WelfareAction.young_person_id,
        WelfareAction.due_at,
    )
    flags = of_area_within(
        select(SelfHarmFlag.opened_at), SelfHarmFlag.young_person_id, SelfHarmFlag.opened_at
    )
    counts = Counter()
    for raised_at, level in escalations:
        counts[(_week_of(raised_at), level)] += 1
    for due_at, completed_at in actions:
        counts[(_week_of(due_at), "due")] += 1
        if completed_at is not None and completed_at <= due_at:
            counts[(_week_of(due_at), "on_time")] += 1
    for opened_at in flags:
        counts[(_week_of(opened_at), "flags")] += 1
    weeks = [week.minus(n) for n in range(TREND_WEEKS - 1, -1, -1)]
    return [
        WeekMeasures(
            week=w,
            raised_to_agency=counts[(str(w), EscalationLevel.AGENCY)],
            raised_to_acpc=counts[(str(w), EscalationLevel.ACPC)],
            actions_due=counts[(str(w), "due")],
            met_on_time=counts[(str(w), "on_time")],
            flags_opened=counts[(str(w), "flags")],
        )
        for w in weeks
    ]


def gather(area: Area, week: IsoWeek, now: datetime) -> ReportData:
    data = ReportData(area=area, week=week, generated_at=now)
    rows = _area_escalations(area.id, week)
    responses = _latest_responses([e.id for e, *_ in rows])
    kind_labels = dict(dao_kind_choices())
    raised_agency, raised_kind, open_agency = Counter(), Counter(), Counter()
    # One line per action: its highest level so far.
    per_action: dict[int, tuple[Agency, EscalatedAction]] = {}
    for escalation, action, child, owner in rows:
        this_week = week.starts_at <= escalation.raised_at < week.ends_at
        if this_week:
            data.raised_by_level[escalation.level] += 1
            raised_agency[owner.name] += 1
            raised_kind[kind_labels.get(action.kind, action.kind)] += 1
            if escalation.resolved_at is None:
                data.still_open += 1
            else:
                data.resolved += 1
        if escalation.resolved_at is None:
            open_agency[owner.name] += 1
        line = EscalatedAction(
            child,
            action,
            escalation.level,
            escalation.raised_at,
            escalation.resolved_at,
            responses.get(escalation.id),
            escalation.withdrawn_reason,
        )
        # Rows come in the order they fell due: an action's ACPC line replaces its agency line.
        per_action[action.id] = (owner, line)
    open_lines = [line for _, line in per_action.values() if line.resolved_at is None]
    data.oldest_open = min(open_lines, key=lambda line: line.action.due_at, default=None)
    data.raised_by_agency = raised_agency.most_common()
    data.raised_by_kind = raised_kind.most_common()
    data.open_by_agency = open_agency.most_common()
    data.trend = _trend(area.id, week)
    escalated = {line.child.id for _, line in per_action.values()}
    data.in_custody = _children_in_custody(area.id, now, escalated)
    by_owner: dict[int, tuple[Agency, list[EscalatedAction]]] = {}
    for owner, line in per_action.values():
        by_owner.setdefault(owner.id, (owner, []))[1].append(line)
    data.by_owner = sorted(by_owner.values(), key=lambda group: group[0].name)
    for _owner, lines in data.by_owner:
        lines.sort(key=lambda line: line.action.due_at)
    return data
