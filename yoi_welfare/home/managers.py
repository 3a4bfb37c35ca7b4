"""What a manager's home page leads with: their agency's work that is late or waiting for them.

Open escalations, requests from the ACPC still open, and overdue actions by kind and by child:
a few grouped statements over the agency's open actions (the partial index of open actions by
owner), whatever the number of children.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.access import Viewer
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.actions.queries import dao_kind_choices, is_open
from yoi_welfare.escalations.services import dao_agency_escalations
from yoi_welfare.people.models import YoungPerson

# What an ACPC's request to act becomes: an action of the agency asked, made by the response.
ACPC_REQUEST = "escalation_response"


@dataclass(frozen=True)
class ManagerSummary:
    open_escalations: int
    acpc_requests: list[tuple[WelfareAction, YoungPerson]]
    overdue_by_kind: list[tuple[str, str, int]]  # (kind, label, count)
    overdue_by_child: list[tuple[YoungPerson, int]]

    @property
    def overdue(self) -> int:
        return sum(count for _kind, _label, count in self.overdue_by_kind)


def dao_manager_summary(viewer: Viewer, agency_id: int, now: datetime) -> ManagerSummary:
    """The agency's open escalations, open requests from the ACPC, and overdue actions grouped
    by kind and by child (most overdue first), of the children the viewer may see."""
    session = db.session()
    params = {**viewer.params, "agency_id": agency_id, "now": now}
    owned_open = sa.and_(
        WelfareAction.owner_agency_id == sa.bindparam("agency_id"), is_open(), viewer.visible
    )
    overdue = sa.and_(
        owned_open, WelfareAction.due_at <= sa.bindparam("now", type_=WelfareAction.due_at.type)
    )
    requests = session.exec(
        select(WelfareAction, YoungPerson)
        .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
        .where(owned_open, WelfareAction.source_type == ACPC_REQUEST)
        .order_by(WelfareAction.due_at, WelfareAction.id),
        params=params,
    ).all()
    labels = dict(dao_kind_choices())
    by_kind = session.exec(
        select(WelfareAction.kind, func.count())
        .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
        .where(overdue)
        .group_by(WelfareAction.kind)
        .order_by(func.count().desc(), WelfareAction.kind),
        params=params,
    ).all()
    by_child = session.exec(
        select(YoungPerson, func.count())
        .join(WelfareAction, WelfareAction.young_person_id == YoungPerson.id)
        .where(overdue)
        .group_by(YoungPerson.id)
        .order_by(func.min(WelfareAction.due_at), YoungPerson.id),
        params=params,
    ).all()
    escalations = dao_agency_escalations(viewer, agency_id, 1, 1).total
    return ManagerSummary(
        escalations,
        list(requests),
        [(kind, labels.get(kind, kind.replace("_", " ").capitalize()), n) for kind, n in by_kind],
        list(by_child),
    )
