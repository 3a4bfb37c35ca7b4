"""Welfare actions as people read them: the lists, a child's actions, who may own one, and the
status a person sees. Reads only; the changes are in ``services``."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import func, or_, select

from yoi_welfare import db
from yoi_welfare.access import Reach, Viewer, reach_clause
from yoi_welfare.accounts.models import User
from yoi_welfare.actions.models import MANUAL, TimescaleRule, WelfareAction
from yoi_welfare.agencies.models import Agency, AgencyKind
from yoi_welfare.domain.timescales import CANCELLED, COMPLETED, DueStatus, due_status
from yoi_welfare.paging import Listing, Page, listing, page_of
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.people.placements import is_current

MANUAL_LABEL = "Added by hand"


def dao_rules() -> list[TimescaleRule]:
    return list(db.session().exec(select(TimescaleRule).order_by(TimescaleRule.id)).all())


def dao_rule(rule_id: int) -> TimescaleRule | None:
    return db.session().get(TimescaleRule, rule_id)


def dao_rules_by_key(keys: list[str]) -> dict[str, TimescaleRule]:
    statement = select(TimescaleRule).where(TimescaleRule.key.in_(keys))
    return {rule.key: rule for rule in db.session().exec(statement)}


def dao_kind_choices() -> list[tuple[str, str]]:
    """(kind, label) for every kind of action: one per rule, then manual."""
    return [(rule.key, rule.action_label) for rule in dao_rules()] + [(MANUAL, MANUAL_LABEL)]


def dao_visible_action(
    action_id: int, viewer: Viewer
) -> tuple[WelfareAction, YoungPerson, Agency] | None:
    """(action, child, owner) if the action's child is among those the viewer may see."""
    return (
        db.session()
        .exec(
            select(WelfareAction, YoungPerson, Agency)
            .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
            .join(Agency, Agency.id == WelfareAction.owner_agency_id)
            .where(WelfareAction.id == action_id, viewer.visible),
            params=viewer.params,
        )
        .first()
    )


CHILD = sa.bindparam("child_id")


def _child_actions(*conditions) -> sa.Select:
    return (
        select(WelfareAction, Agency)
        .join(Agency, Agency.id == WelfareAction.owner_agency_id)
        .where(WelfareAction.young_person_id == CHILD, *conditions)
    )


@db.prepared
def _child_open_actions() -> sa.Select:
    return _child_actions(is_open()).order_by(WelfareAction.due_at, WelfareAction.id)


def dao_child_open_actions(child_id: int) -> list[tuple[WelfareAction, Agency]]:
    """The child's open actions with their owners, soonest due first."""
    return list(db.session().exec(_child_open_actions(), params={"child_id": child_id}).all())


@dataclass(frozen=True)
class ClosedAction:
    action: WelfareAction
    owner: Agency
    closed_by: str | None  # the name of who completed or cancelled it


@db.prepared
def _child_closed_actions(limited: bool) -> sa.Select:
    closed_at = sa.func.coalesce(WelfareAction.completed_at, WelfareAction.cancelled_at)
    closer_id = sa.func.coalesce(WelfareAction.completed_by_id, WelfareAction.cancelled_by_id)
    # A lookup for each action rather than a join: PostgreSQL hashed every user to join them.
    closed_by = select(User.name).where(User.id == closer_id).scalar_subquery()
    statement = (
        _child_actions(~is_open())
        .add_columns(closed_by)
        .order_by(closed_at.desc(), WelfareAction.id.desc())
    )
    return statement.limit(sa.bindparam("limit")) if limited else statement


def dao_child_closed_actions(child_id: int, limit: int | None = None) -> list[ClosedAction]:
    """The child's completed or cancelled actions with their owners and who closed them, the
    most recently closed first; only the latest ``limit`` when given."""
    statement = _child_closed_actions(limit is not None)
    params = {"child_id": child_id, "limit": limit}
    return [ClosedAction(*row) for row in db.session().exec(statement, params=params)]


@db.prepared
def _child_closed_count() -> sa.Select:
    return (
        select(sa.func.count())
        .select_from(WelfareAction)
        .where(WelfareAction.young_person_id == CHILD, ~is_open())
    )


def dao_child_closed_count(child_id: int) -> int:
    return db.session().exec(_child_closed_count(), params={"child_id": child_id}).one()


def is_open() -> sa.ColumnElement[bool]:
    """Actions neither completed nor cancelled."""
    return sa.and_(WelfareAction.completed_at.is_(None), WelfareAction.cancelled_at.is_(None))


# Few enough to be found, sorted and counted whole; closed actions come in order from indexes.
OPEN_STATUSES = ("open", "overdue")


def _status_filter(status: str, now) -> sa.ColumnElement[bool]:
    if status == "completed":
        return WelfareAction.completed_at.is_not(None)
    if status == "cancelled":
        return WelfareAction.cancelled_at.is_not(None)
    if status == "overdue":
        return sa.and_(is_open(), WelfareAction.due_at <= now)
    return is_open()


def _status_order(status: str, action) -> tuple:
    if status in OPEN_STATUSES:
        return (action.due_at, action.id)
    closed_at = action.completed_at if status == "completed" else action.cancelled_at
    return (closed_at.desc(), action.id.desc())


def dao_actions(
    viewer: Viewer,
    *,
    owner_agency_id: int | None,
    status: str,
    now: datetime,
    child_text: str = "",
    kind: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """One page of actions of visible children, (action, child, owner), and how many there are
    in all.

    Open and overdue actions come soonest due first; completed and cancelled ones most recently
    closed first. ``owner_agency_id`` None means any owner.
    """
    words = child_text.split()[:5]
    params = {
        **viewer.params,
        "now": now,
        "owner_agency_id": owner_agency_id,
        "kind": kind,
        **{f"word{i}": f"%{word.lower()}%" for i, word in enumerate(words)},
    }
    statements = _actions(viewer.reach, owner_agency_id is not None, status, bool(kind), len(words))
    return page_of(statements, page, per_page, params)


@db.prepared
def _actions(reach: Reach, owned: bool, status: str, of_kind: bool, words: int) -> Listing:
    now = sa.bindparam("now", type_=WelfareAction.due_at.type)
    own = [_status_filter(status, now)]
    if owned:
        own.append(WelfareAction.owner_agency_id == sa.bindparam("owner_agency_id"))
    if of_kind:
        own.append(WelfareAction.kind == sa.bindparam("kind"))
    action = WelfareAction
    visible = reach_clause(reach)
    # Left to itself PostgreSQL misjudges how many actions an agency owns and how many of its
    # children it may see, and chose plans from four to five hundred times slower. Two shapes
    # leave it no choice, both through materialised CTEs:
    if owned and status in OPEN_STATUSES:
        # an agency owns a few dozen open actions: start from them (the partial index of open
        # actions by owner), then look at their children;
        action = aliased(
            WelfareAction,
            select(WelfareAction).where(*own).cte("owned").prefix_with("MATERIALIZED"),
        )
        own = []
    elif owned:
        # but thousands of closed ones: take the children it may see first, then walk its
        # closed actions in order (their indexes by owner) and stop at the page.
        children = select(YoungPerson.id).where(visible).cte("visible").prefix_with("MATERIALIZED")
        visible = WelfareAction.young_person_id.in_(select(children.c.id))
    conditions = [visible, *own]
    for i in range(words):
        like = sa.bindparam(f"word{i}", type_=sa.String)
        conditions.append(
            or_(
                func.lower(YoungPerson.given_name).like(like),
                func.lower(YoungPerson.family_name).like(like),
                func.lower(YoungPerson.local_reference).like(like),
            )
        )
    statement = (
        select(action, YoungPerson, Agency)
        .join(YoungPerson, YoungPerson.id == action.young_person_id)
        .join(Agency, Agency.id == action.owner_agency_id)
        .where(*conditions)
        .order_by(*_status_order(status, action))
    )
    counted = (
        select(action.id)
        .join(YoungPerson, YoungPerson.id == action.young_person_id)
        .where(*conditions)
    )
    return listing(statement, counted, total_in_rows=status in OPEN_STATUSES)


@db.prepared
def _user_names() -> sa.Select:
    return select(User.id, User.name).where(User.id.in_(sa.bindparam("ids", expanding=True)))


def dao_user_names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session().exec(_user_names(), params={"ids": list(user_ids)}).all())


def dao_child_yots(child: YoungPerson) -> list[Agency]:
    """The YOTs of the child's home area, oldest first."""
    return list(
        db.session()
        .exec(
            select(Agency)
            .where(Agency.area_id == child.home_area_id, Agency.kind == AgencyKind.YOT)
            .order_by(Agency.id)
        )
        .all()
    )


def dao_holding_establishment(child: YoungPerson) -> Agency | None:
    return (
        db.session()
        .exec(
            select(Agency)
            .join(Placement, Placement.establishment_id == Agency.id)
            .where(is_current(child.id))
        )
        .first()
    )


def allowed_owners(child: YoungPerson) -> list[Agency]:
    """Agencies that may own an action for the child: its YOTs, and the establishment holding it.

    An establishment that held the child before sees their record read-only, so it owns nothing
    new; an ACPC owns no actions.
    """
    holding = dao_holding_establishment(child)
    return dao_child_yots(child) + ([holding] if holding else [])


# The status a person sees


def status_of(action: WelfareAction, now: datetime) -> DueStatus:
    """Completed, cancelled, due later, due today, or overdue by how long."""
    if action.completed_at is not None:
        return COMPLETED
    if action.cancelled_at is not None:
        return CANCELLED
    return due_status(action.due_at, now)
