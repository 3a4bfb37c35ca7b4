"""Reading alerts: a child's, and the active alerts of many children at once for lists."""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.alerts.models import Alert


def _shown_first(alerts: Iterable[Alert]) -> list[Alert]:
    """The most urgent first, then the newest."""
    return sorted(alerts, key=lambda a: (a.code.rank, -a.active_from.timestamp()))


@db.prepared
def _active_of_children() -> sa.Select:
    return select(Alert).where(
        Alert.young_person_id.in_(sa.bindparam("child_ids", expanding=True)),
        Alert.active_to.is_(None),
    )


def active_alerts_for(children_ids: Iterable[int]) -> dict[int, list[Alert]]:
    """The active alerts of each child, most urgent first, in one query; a child without any
    is absent from the answer. For lists, pages and documents that name many children: the
    caller has already decided that its reader may see them."""
    # Asked even for no children, so that a page issues the same statements whatever it lists.
    ids = sorted(set(children_ids))
    found: dict[int, list[Alert]] = {}
    for alert in db.session().exec(_active_of_children(), params={"child_ids": ids}).all():
        found.setdefault(alert.young_person_id, []).append(alert)
    return {child_id: _shown_first(alerts) for child_id, alerts in found.items()}


def active_alerts(child_id: int) -> list[Alert]:
    return active_alerts_for([child_id]).get(child_id, [])


@dataclass(frozen=True)
class AlertRow:
    """An alert with the names of who raised and who ended it."""

    alert: Alert
    raised_by: str
    ended_by: str | None


@db.prepared
def _child_alerts() -> sa.Select:
    ender = aliased(User)
    return (
        select(Alert, User.name, ender.name)
        .join(User, User.id == Alert.raised_by_id)
        .outerjoin(ender, ender.id == Alert.ended_by_id)
        .where(Alert.young_person_id == sa.bindparam("child_id"))
        .order_by(Alert.active_from.desc(), Alert.id.desc())
    )


def dao_child_alerts(child_id: int) -> list[AlertRow]:
    """Every alert of the child, active or ended, newest first."""
    rows = db.session().exec(_child_alerts(), params={"child_id": child_id}).all()
    return [AlertRow(alert, raised, ended) for alert, raised, ended in rows]


def dao_alert(alert_id: int) -> Alert | None:
    return db.session().get(Alert, alert_id)
