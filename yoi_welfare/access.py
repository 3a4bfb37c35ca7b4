"""The one access policy: who may do what, and which children each user can see.

A YOT sees the children of its area; an establishment sees the children it holds or has held
(read-only once they have left); an ACPC sees its area's children; an administrator sees no child.
Each only while its agency is a party to a sharing agreement in force for the child's home area.
Lists are scoped in the query. A child outside a user's reach is "not found", and the attempt is
audited.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import wraps

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user
from sqlalchemy.orm import aliased
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import london_today
from yoi_welfare.governance.agreements import (
    agreement_shared_under,
    dao_shared_under,
    party_to_agreement_clause,
    shared_under_line,
)
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.people.placements import dao_current_placement


class Permission(StrEnum):
    VIEW_CHILDREN = "VIEW_CHILDREN"
    REGISTER_CHILD = "REGISTER_CHILD"
    MOVE_CHILD = "MOVE_CHILD"
    ADMINISTER = "ADMINISTER"
    VIEW_ACCESS_LOG = "VIEW_ACCESS_LOG"
    VIEW_ACTIONS = "VIEW_ACTIONS"
    MANAGE_ACTIONS = "MANAGE_ACTIONS"
    VIEW_AGENCY_ESCALATIONS = "VIEW_AGENCY_ESCALATIONS"
    VIEW_ACPC_ESCALATIONS = "VIEW_ACPC_ESCALATIONS"
    VIEW_ESCALATION = "VIEW_ESCALATION"
    RESPOND_TO_ESCALATIONS = "RESPOND_TO_ESCALATIONS"
    # Custody welfare notes, self-harm flags and placement reviews; only while holding the child.
    WRITE_CUSTODY_RECORDS = "WRITE_CUSTODY_RECORDS"
    VIEW_ACPC_REPORTS = "VIEW_ACPC_REPORTS"
    # Welfare screenings: read by every practitioner who sees the child, written by their YOT.
    VIEW_SCREENINGS = "VIEW_SCREENINGS"
    WRITE_SCREENINGS = "WRITE_SCREENINGS"
    # A print-friendly copy of a child's record: a disclosure, so recorded.
    PRINT_CHILD_RECORD = "PRINT_CHILD_RECORD"
    # Sharing agreements, subject access exports and retention reviews.
    GOVERN_INFORMATION = "GOVERN_INFORMATION"
    # Approve or return a decision another person recorded (managers only).
    DECIDE_APPROVALS = "DECIDE_APPROVALS"
    # Children placed outside whom an establishment holds: its managers and the YOT's.
    VIEW_PLACEMENT_EXCEPTIONS = "VIEW_PLACEMENT_EXCEPTIONS"
    # Putting right when a child was admitted, transferred or released: see can_correct.
    CORRECT_PLACEMENT = "CORRECT_PLACEMENT"
    # Management information: an ACPC's dashboard of its area, a manager's of their agency.
    VIEW_AREA_DASHBOARD = "VIEW_AREA_DASHBOARD"
    VIEW_AGENCY_DASHBOARD = "VIEW_AGENCY_DASHBOARD"
    # The establishment's continuity pack, for when the service is down: its own staff only.
    DOWNLOAD_CONTINUITY_PACK = "DOWNLOAD_CONTINUITY_PACK"


# Granted by role, but only to users flagged as their agency's managers.
MANAGER_PERMISSIONS = frozenset(
    {
        Permission.VIEW_AGENCY_ESCALATIONS,
        Permission.DECIDE_APPROVALS,
        Permission.VIEW_PLACEMENT_EXCEPTIONS,
        Permission.VIEW_AGENCY_DASHBOARD,
    }
)


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.YOT_OFFICER: frozenset(
        {
            Permission.VIEW_CHILDREN,
            Permission.REGISTER_CHILD,
            Permission.VIEW_SCREENINGS,
            Permission.WRITE_SCREENINGS,
            # Managers only: a screening's level set far below the indicated level.
            Permission.DECIDE_APPROVALS,
            Permission.VIEW_ACTIONS,
            Permission.MANAGE_ACTIONS,
            Permission.VIEW_AGENCY_ESCALATIONS,
            Permission.VIEW_PLACEMENT_EXCEPTIONS,
            Permission.CORRECT_PLACEMENT,
            Permission.VIEW_ESCALATION,
            Permission.PRINT_CHILD_RECORD,
            # Managers only, and only for their area's children: see can_view_access_log.
            Permission.VIEW_ACCESS_LOG,
            Permission.VIEW_AGENCY_DASHBOARD,
        }
    ),
    Role.ESTABLISHMENT_STAFF: frozenset(
        {
            Permission.VIEW_CHILDREN,
            Permission.MOVE_CHILD,
            Permission.VIEW_SCREENINGS,
            Permission.WRITE_CUSTODY_RECORDS,
            Permission.DECIDE_APPROVALS,
            Permission.VIEW_ACTIONS,
            Permission.MANAGE_ACTIONS,
            Permission.VIEW_AGENCY_ESCALATIONS,
            Permission.VIEW_PLACEMENT_EXCEPTIONS,
            Permission.CORRECT_PLACEMENT,
            Permission.VIEW_ESCALATION,
            Permission.PRINT_CHILD_RECORD,
            Permission.VIEW_AGENCY_DASHBOARD,
            Permission.DOWNLOAD_CONTINUITY_PACK,
        }
    ),
    Role.ACPC_MEMBER: frozenset(
        {
            Permission.VIEW_CHILDREN,
            Permission.VIEW_ACTIONS,
            Permission.VIEW_ACPC_ESCALATIONS,
            Permission.VIEW_ESCALATION,
            Permission.RESPOND_TO_ESCALATIONS,
            Permission.VIEW_SCREENINGS,
            Permission.VIEW_ACPC_REPORTS,
            Permission.PRINT_CHILD_RECORD,
            Permission.VIEW_AREA_DASHBOARD,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {Permission.ADMINISTER, Permission.VIEW_ACCESS_LOG, Permission.GOVERN_INFORMATION}
    ),
}


def has_permission(user: User, permission: Permission) -> bool:
    if permission in MANAGER_PERMISSIONS and not user.is_manager:
        return False
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def permission_required(*permissions: Permission) -> Callable:
    """Decorate a view: signed in, active, and holding every permission named; else 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from yoi_welfare.extensions import login_manager

                return login_manager.unauthorized()
            if not all(has_permission(current_user, p) for p in permissions):
                audit.record("permission_denied", user=current_user, outcome="denied")
                db.commit()
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permissions = permissions
        return wrapped

    return decorator


def signed_in(view: Callable) -> Callable:
    """Any signed-in user (the home page decides by role what to show)."""
    return permission_required()(view)


def public(view: Callable) -> Callable:
    """Mark a view as deliberately open to anyone (sign-in, health check)."""
    view.is_public = True
    return view


def user_agency() -> Agency:
    """The signed-in user's agency, loaded once per request."""
    if "user_agency" not in g:
        g.user_agency = db.session().get(Agency, current_user.agency_id)
    return g.user_agency


class Reach(StrEnum):
    """Which children a user's agency sees, by its kind and the user's role."""

    AREA = "area"  # a YOT or an ACPC: the children of its own area
    HELD = "held"  # an establishment: the children it holds or has held
    NONE = "none"  # anyone else: no child


def reach_of(user: User, agency: Agency) -> Reach:
    if user.role in (Role.YOT_OFFICER, Role.ACPC_MEMBER) and agency.area_id is not None:
        return Reach.AREA
    if user.role is Role.ESTABLISHMENT_STAFF and agency.is_establishment:
        return Reach.HELD
    return Reach.NONE


# The viewer's agency, its area and today's date (UK time), bound when a statement runs (from
# ``Viewer.params``): the clause below, and the statements built on it, are built once and reused.
VIEWER_AGENCY = sa.bindparam("viewer_agency_id", type_=sa.Integer)
VIEWER_AREA = sa.bindparam("viewer_area_id", type_=sa.Integer)
VIEWER_TODAY = sa.bindparam("viewer_today", type_=sa.Date)


@dataclass(frozen=True)
class Viewer:
    """Who is looking at children's records, as the access policy needs it. The views pass it
    to the services that find or list records, so that no service reads the request."""

    agency_id: int
    area_id: int | None
    reach: Reach
    today: date

    @property
    def visible(self) -> sa.ColumnElement[bool]:
        """A WHERE clause on YoungPerson: the children this viewer may see (bind ``params``)."""
        return reach_clause(self.reach)

    @property
    def params(self) -> dict:
        """The values ``visible`` is bound to when a statement using it runs."""
        return {
            "viewer_agency_id": self.agency_id,
            "viewer_area_id": self.area_id,
            "viewer_today": self.today,
        }


def viewer_of(user: User, agency: Agency, today: date) -> Viewer:
    return Viewer(agency.id, agency.area_id, reach_of(user, agency), today)


def current_viewer() -> Viewer:
    """The signed-in user as a Viewer, made once per request."""
    if "viewer" not in g:
        g.viewer = viewer_of(current_user, user_agency(), london_today())
    return g.viewer


@db.prepared
def reach_clause(reach: Reach) -> sa.ColumnElement[bool]:
    """A WHERE clause on YoungPerson selecting exactly the children the signed-in user may see.

    One SQL clause, no per-row Python: the role's reach, and an EXISTS on the sharing agreements
    in force today (UK time) to which the user's agency is a party for the child's home area.
    """
    # == rather than is: the cache holds one clause per value, and a plain "area" equals Reach.AREA.
    if reach == Reach.AREA:
        return sa.and_(
            YoungPerson.home_area_id == VIEWER_AREA,
            # Of the agency's own area only: not correlated, so evaluated once per query.
            party_to_agreement_clause(VIEWER_AGENCY, VIEWER_AREA, VIEWER_TODAY),
        )
    if reach == Reach.HELD:
        held = aliased(Placement)
        return sa.and_(
            select(held.id)
            .where(held.young_person_id == YoungPerson.id, held.establishment_id == VIEWER_AGENCY)
            .correlate(YoungPerson)
            .exists(),
            party_to_agreement_clause(VIEWER_AGENCY, YoungPerson.home_area_id, VIEWER_TODAY),
        )
    return sa.false()


@db.prepared
def _visible_child(reach: Reach) -> sa.Select:
    """The child with their home area and the agreement the user sees them under (the footer's
    "Shared under"): one statement for what every page about a child shows."""
    agreement = agreement_shared_under(VIEWER_AGENCY, YoungPerson.home_area_id, VIEWER_TODAY)
    return (
        select(YoungPerson, Area, agreement.correlate(YoungPerson).scalar_subquery())
        .join(Area, Area.id == YoungPerson.home_area_id)
        .where(YoungPerson.id == sa.bindparam("child_id"), reach_clause(reach))
    )


def get_visible_child(child_id: int) -> YoungPerson:
    """The child, if the signed-in user may see them; otherwise audit the attempt and 404."""
    viewer = current_viewer()
    statement = _visible_child(viewer.reach)
    row = db.session().exec(statement, params={"child_id": child_id, **viewer.params}).first()
    if row is None:
        deny(young_person_id=child_id, object_type="young_person", object_id=child_id)
    child, home_area, agreement = row
    shown_child(child)
    g.child_home_area = home_area
    g.shared_under = shared_under_line(agreement, home_area.name)
    return child


def home_area(child: YoungPerson) -> Area:
    """The child's home area, as ``get_visible_child`` loaded it with the child."""
    area = g.get("child_home_area")
    if area is None or area.id != child.home_area_id:
        area = db.session().get(Area, child.home_area_id)
    return area


def shown_child(child: YoungPerson) -> None:
    """Note the child this page is about, for the "Shared under" line in its footer."""
    g.child_in_view = child
    g.pop("shared_under", None)


def shared_under() -> str | None:
    """The agreement under which the signed-in user sees this page's child, if it is about one."""
    child = g.get("child_in_view")
    if child is None or not current_user.is_authenticated:
        return None
    if "shared_under" not in g:
        g.shared_under = dao_shared_under(
            current_user.agency_id, child.home_area_id, london_today()
        )
    return g.shared_under


def deny(**audit_fields) -> None:
    """Record a refused request and answer "not found", revealing nothing."""
    db.rollback()
    g.pop("child_in_view", None)
    audit.record("access_denied", user=current_user, outcome="denied", **audit_fields)
    db.commit()
    abort(404)


# What a user may do to a child: one named predicate per rule, given who is acting, used by the
# views (to offer a link or refuse a request) and by the services (to refuse a change) alike.


def holds(user: User, placement: Placement | None) -> bool:
    """Whether the user's establishment holds the child whose current placement this is (None
    when the child is not in custody). Only the holding establishment records custody welfare
    notes, self-harm flags and placement reviews, and moves the child."""
    return placement is not None and placement.establishment_id == user.agency_id


def holds_now(user: User, child_id: int) -> bool:
    """``holds``, asking the database where the child is held now."""
    return holds(user, dao_current_placement(child_id))


def may_amend_note(user: User, note_establishment_id: int, *, holding: bool) -> bool:
    """A custody welfare note is amended by users of the establishment that wrote it, while it
    holds the child (``holding``: see ``holds``)."""
    return user.agency_id == note_establishment_id and holding


def may_add_actions(user: User, agency: Agency, child: YoungPerson, *, holding: bool) -> bool:
    """The child's YOT, or the establishment holding the child (``holding``: see ``holds``),
    may add actions for them."""
    if not has_permission(user, Permission.MANAGE_ACTIONS):
        return False
    if user.role is Role.ESTABLISHMENT_STAFF:
        return holding
    return agency.kind is AgencyKind.YOT and agency.area_id == child.home_area_id


def may_write_about(user: User, agency: Agency, child: YoungPerson, *, holding: bool) -> bool:
    """Who may write about a child (raise or end an alert by hand, say): the child's YOT, and
    the establishment holding the child (``holding``: see ``holds``)."""
    if user.role is Role.ESTABLISHMENT_STAFF:
        return holding and has_permission(user, Permission.WRITE_CUSTODY_RECORDS)
    return (
        has_permission(user, Permission.WRITE_SCREENINGS)
        and agency.kind is AgencyKind.YOT
        and agency.area_id == child.home_area_id
    )


def may_close_action(user: User, owner_agency_id: int, is_open: bool) -> bool:
    """Only users of the owner agency complete or cancel an open action."""
    return (
        is_open
        and owner_agency_id == user.agency_id
        and has_permission(user, Permission.MANAGE_ACTIONS)
    )


def current_placement(child: YoungPerson) -> Placement | None:
    """The child's current placement, asked once per child and request (the child's page asks
    for every panel). A request that moves a child asks before the move, never after."""
    placements = g.setdefault("current_placements", {})
    if child.id not in placements:
        placements[child.id] = dao_current_placement(child.id)
    return placements[child.id]


def holds_child(child: YoungPerson) -> bool:
    """Whether the signed-in user's establishment holds the child now (and so may record)."""
    return current_user.role is Role.ESTABLISHMENT_STAFF and holds(
        current_user, current_placement(child)
    )


def can_record(child: YoungPerson) -> bool:
    """Whether the signed-in user may record custody welfare notes, self-harm flags and
    placement reviews for the child: establishment staff, while their establishment holds it."""
    return has_permission(current_user, Permission.WRITE_CUSTODY_RECORDS) and holds_child(child)


def can_view_access_log(user: User, agency: Agency, child: YoungPerson) -> bool:
    """Who may see who has seen a child's record: administrators, and managers of the child's YOT.

    The page shows audit events only, never the record itself.
    """
    if user.role is Role.ADMINISTRATOR:
        return True
    return (
        user.role is Role.YOT_OFFICER
        and user.is_manager
        and agency.kind is AgencyKind.YOT
        and agency.area_id == child.home_area_id
    )


def get_child_for_access_log(child_id: int) -> YoungPerson:
    """The child whose access log the signed-in user may read; otherwise audit and 404.

    Administrators oversee every record; a YOT manager, only a child their agency may see.
    """
    statement = select(YoungPerson).where(YoungPerson.id == child_id)
    overseer = current_user.role is Role.ADMINISTRATOR
    params = {}
    if not overseer:
        viewer = current_viewer()
        statement = statement.where(viewer.visible)
        params = viewer.params
    child = db.session().exec(statement, params=params).first()
    if child is None or not can_view_access_log(current_user, user_agency(), child):
        deny(young_person_id=child_id, object_type="access_log", object_id=child_id)
    if not overseer:
        shown_child(child)
    return child
