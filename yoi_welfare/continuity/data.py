"""What the continuity pack says about each child an establishment holds: a few queries for the
whole establishment, never one per child."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.alerts.models import Alert
from yoi_welfare.alerts.queries import active_alerts_for
from yoi_welfare.dates import uk_date
from yoi_welfare.governance.agreements import party_to_agreement_clause
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.screenings.models import ScreeningStatus, WelfareScreening
from yoi_welfare.self_harm.models import FlagState, RiskLevel, SelfHarmFlag

# The next deadlines shown for each child: enough for a shift, short enough for paper.
NEXT_DUE = 3


@dataclass(frozen=True)
class PackChild:
    child: YoungPerson
    placement: Placement
    flag: SelfHarmFlag | None
    screening: WelfareScreening | None  # the latest submitted
    next_due: list[WelfareAction]
    alerts: list[Alert]  # active, most urgent first

    @property
    def must_know_tonight(self) -> str | None:
        screening = self.screening
        if screening is None or not screening.must_know_tonight:
            return None
        return screening.must_know_tonight_detail or "Yes (no detail given)"

    @property
    def urgency(self) -> tuple:
        """Children on a flag at high risk first, then raised, then any open flag; then name."""
        risk = self.flag.risk_level if self.flag else None
        order = {RiskLevel.HIGH: 0, RiskLevel.RAISED: 1}.get(risk, 2 if self.flag else 3)
        return (order, self.child.family_name.lower(), self.child.given_name.lower())


@dataclass(frozen=True)
class PackData:
    establishment: Agency
    produced_at: datetime
    children: list[PackChild]

    @property
    def on_open_flag(self) -> int:
        return sum(1 for item in self.children if item.flag is not None)


def gather(establishment: Agency, now: datetime) -> PackData:
    """The children the establishment holds at ``now`` and may see today (a party to their
    area's agreement, as for their pages), the most urgent first."""
    held = (
        db.session()
        .exec(
            select(YoungPerson, Placement)
            .join(Placement, Placement.young_person_id == YoungPerson.id)
            .where(
                Placement.establishment_id == establishment.id,
                Placement.left_at.is_(None),
                party_to_agreement_clause(establishment.id, YoungPerson.home_area_id, uk_date(now)),
            )
        )
        .all()
    )
    ids = [child.id for child, _ in held]
    flags = _open_flags(ids)
    screenings = _latest_screenings(ids)
    due = _next_due(ids)
    alerts = active_alerts_for(ids)
    children = [
        PackChild(
            child,
            placement,
            flags.get(child.id),
            screenings.get(child.id),
            due[child.id],
            alerts.get(child.id, []),
        )
        for child, placement in held
    ]
    children.sort(key=lambda item: item.urgency)
    return PackData(establishment, now, children)


def _open_flags(ids: list[int]) -> dict[int, SelfHarmFlag]:
    if not ids:
        return {}
    rows = db.session().exec(
        select(SelfHarmFlag).where(
            SelfHarmFlag.young_person_id.in_(ids), SelfHarmFlag.state == FlagState.OPEN
        )
    )
    return {flag.young_person_id: flag for flag in rows}


def _latest_screenings(ids: list[int]) -> dict[int, WelfareScreening]:
    if not ids:
        return {}
    rows = db.session().exec(
        select(WelfareScreening)
        .where(
            WelfareScreening.young_person_id.in_(ids),
            WelfareScreening.status == ScreeningStatus.SUBMITTED,
        )
        .order_by(WelfareScreening.submitted_at.desc(), WelfareScreening.id.desc())
    )
    latest: dict[int, WelfareScreening] = {}
    for screening in rows:
        latest.setdefault(screening.young_person_id, screening)
    return latest


def _next_due(ids: list[int]) -> dict[int, list[WelfareAction]]:
    """Each child's open actions, soonest first, the first few."""
    due: dict[int, list[WelfareAction]] = defaultdict(list)
    if not ids:
        return due
    rows = db.session().exec(
        select(WelfareAction)
        .where(
            WelfareAction.young_person_id.in_(ids),
            WelfareAction.completed_at.is_(None),
            WelfareAction.cancelled_at.is_(None),
        )
        .order_by(WelfareAction.due_at, WelfareAction.id)
    )
    for action in rows:
        if len(due[action.young_person_id]) < NEXT_DUE:
            due[action.young_person_id].append(action)
    return due
