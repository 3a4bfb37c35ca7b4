"""Managing areas, agencies and users."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.passwords import hash_password
from yoi_welfare.agencies.models import AREA_KINDS, ESTABLISHMENT_KINDS, Agency, AgencyKind, Area
from yoi_welfare.audit import services as audit
from yoi_welfare.domain.estate import DEFAULT_HOLDS, Holds
from yoi_welfare.errors import ServiceError
from yoi_welfare.governance.agreements import party_to_agreement_clause
from yoi_welfare.outbox.models import EmailStatus, OutboundEmail
from yoi_welfare.paging import Page, paginate
from yoi_welfare.people.models import Placement, YoungPerson


class AdminError(ServiceError):
    """An administration request that cannot be carried out."""


def dao_areas() -> list[Area]:
    return list(db.session().exec(select(Area).order_by(Area.name)).all())


def dao_agencies() -> list[tuple[Agency, Area | None]]:
    return list(
        db.session()
        .exec(select(Agency, Area).outerjoin(Area, Area.id == Agency.area_id).order_by(Agency.name))
        .all()
    )


def _agencies_without(kinds: list[AgencyKind], who: sa.ColumnElement[bool]) -> list[Agency]:
    """Agencies of these kinds with no active user matching ``who``, by name."""
    anyone = select(User.id).where(User.agency_id == Agency.id, User.active.is_(True), who).exists()
    return list(
        db.session()
        .exec(select(Agency).where(Agency.kind.in_(kinds), ~anyone).order_by(Agency.name))
        .all()
    )


def dao_agencies_without_manager() -> list[Agency]:
    """YOTs and establishments with no active manager. They own deadlines, and an overdue one
    is raised to the owner's managers: with none, it reaches no one until the ACPC hears."""
    return _agencies_without([AgencyKind.YOT, *ESTABLISHMENT_KINDS], User.is_manager.is_(True))


def dao_acpcs_without_member() -> list[Agency]:
    """ACPCs with no active member: what is escalated to them, and their weekly report, reach
    no one."""
    return _agencies_without([AgencyKind.ACPC], User.role == Role.ACPC_MEMBER)


def dao_held_unseen(today: date) -> list[tuple[Agency, Area, int]]:
    """(establishment, area, children) where an establishment holds children of an area whose
    agreement it is no longer a party to (the agreement ended): it cannot see them, though it
    owns their deadlines."""
    held = (
        select(Agency, Area, func.count(Placement.id))
        .join(Placement, Placement.establishment_id == Agency.id)
        .join(YoungPerson, YoungPerson.id == Placement.young_person_id)
        .join(Area, Area.id == YoungPerson.home_area_id)
        .where(
            Placement.left_at.is_(None),
            ~party_to_agreement_clause(Agency.id, YoungPerson.home_area_id, today),
        )
        .group_by(Agency.id, Area.id)
        .order_by(Agency.name, Area.name)
    )
    return list(db.session().exec(held).all())


def dao_failed_email_count() -> int:
    """Emails given up on after a day of trying: their recipients never heard."""
    return (
        db.session()
        .exec(
            select(func.count())
            .select_from(OutboundEmail)
            .where(OutboundEmail.status == EmailStatus.FAILED)
        )
        .one()
    )


def dao_users(page: int, per_page: int) -> Page:
    """A page of (user, agency), by name."""
    statement = (
        select(User, Agency).join(Agency, Agency.id == User.agency_id).order_by(User.name, User.id)
    )
    return paginate(statement, page, per_page)


def _taken(model, column, value: str) -> bool:
    statement = select(model.id).where(func.lower(column) == value.lower())
    return db.session().exec(statement).first() is not None


def create_area(code: str, name: str, *, by: User) -> Area:
    if _taken(Area, Area.code, code):
        raise AdminError("An area with this code already exists", "code")
    if _taken(Area, Area.name, name):
        raise AdminError("An area with this name already exists", "name")
    area = Area(code=code.upper(), name=name)
    db.session().add(area)
    db.session().flush()
    audit.record(
        "area_created", user=by, object_type="area", object_id=area.id, detail=f"code: {area.code}"
    )
    return area


# 10: the age of criminal responsibility; an establishment may go on holding a child after 18.
YOUNGEST_HELD = 10
OLDEST_HELD = 21


def change_holds(
    agency: Agency, *, boys: bool, girls: bool, youngest: int, oldest: int, by: User
) -> bool:
    """Set whom an establishment holds (audited); whether anything changed."""
    if not agency.is_establishment:
        raise AdminError("Only a secure establishment holds children")
    if not (boys or girls):
        raise AdminError("Select boys, girls or both", "sexes")
    if not YOUNGEST_HELD <= youngest <= oldest <= OLDEST_HELD:
        raise AdminError(
            f"Enter ages from {YOUNGEST_HELD} to {OLDEST_HELD}, the oldest no less than the "
            "youngest",
            "oldest",
        )
    holds = Holds(boys=boys, girls=girls, youngest=youngest, oldest=oldest)
    if holds == agency.holds and agency.holds_youngest is not None:
        return False
    before = agency.holds.describe()
    _set_holds(agency, holds)
    db.session().add(agency)
    db.session().flush()
    audit.record(
        "agency_holds_changed",
        user=by,
        object_type="agency",
        object_id=agency.id,
        detail=f"from {before} to {holds.describe()}",
    )
    return True


def _set_holds(agency: Agency, holds: Holds) -> None:
    agency.holds_boys, agency.holds_girls = holds.boys, holds.girls
    agency.holds_youngest, agency.holds_oldest = holds.youngest, holds.oldest


def create_agency(
    code: str, name: str, kind: AgencyKind, area_id: int | None, *, by: User
) -> Agency:
    if _taken(Agency, Agency.code, code):
        raise AdminError("An agency with this code already exists", "code")
    if _taken(Agency, Agency.name, name):
        raise AdminError("An agency with this name already exists", "name")
    if kind in AREA_KINDS and area_id is None:
        raise AdminError("Select the area this agency serves", "area")
    if kind not in AREA_KINDS and area_id is not None:
        raise AdminError("An establishment belongs to no area: leave the area blank", "area")
    if area_id is not None and db.session().get(Area, area_id) is None:
        raise AdminError("Select an area from the list", "area")
    if kind is AgencyKind.ACPC:
        existing = (
            db.session()
            .exec(
                select(Agency.id).where(Agency.area_id == area_id, Agency.kind == AgencyKind.ACPC)
            )
            .first()
        )
        if existing is not None:
            raise AdminError("This area already has an ACPC", "area")
    agency = Agency(code=code.upper(), name=name, kind=kind, area_id=area_id)
    if kind in ESTABLISHMENT_KINDS:
        _set_holds(agency, DEFAULT_HOLDS[kind.value])
    db.session().add(agency)
    db.session().flush()
    audit.record(
        "agency_created",
        user=by,
        object_type="agency",
        object_id=agency.id,
        detail=f"code: {agency.code}; kind: {kind.value}; area: {area_id or 'none'}",
    )
    return agency


def create_user(
    name: str, email: str, role: Role, agency_id: int, is_manager: bool, password: str, *, by: User
) -> User:
    agency = db.session().get(Agency, agency_id)
    if agency is None:
        raise AdminError("Select an agency from the list", "agency")
    if not role.allows_agency(agency.kind):
        raise AdminError(f"A {role.label.lower()} cannot belong to {agency.name}", "agency")
    if _taken(User, User.email, email):
        raise AdminError("A user with this email address already exists", "email")
    user = User(
        name=name,
        email=email.lower(),
        role=role,
        agency_id=agency.id,
        is_manager=is_manager,
        password_hash=hash_password(password),
    )
    db.session().add(user)
    db.session().flush()
    audit.record(
        "user_created",
        user=by,
        object_type="user",
        object_id=user.id,
        detail=f"role: {role.value}; agency: {agency.id}; manager: {_yes_no(is_manager)}",
    )
    return user


class StaleChange(AdminError):
    """The user was changed by someone else after the form was loaded."""

    def __init__(self):
        super().__init__(
            "Someone else changed this user while you were working on it. Check their details "
            "as they are now, then make your change again"
        )


def dao_agency(agency_id: int) -> Agency | None:
    return db.session().get(Agency, agency_id)


def dao_user(user_id: int) -> User | None:
    return db.session().get(User, user_id)


def _claim_version(user: User, expected_version: int) -> None:
    """Move the user to the next version, if it is still the one the form was filled in against.

    One conditional UPDATE, so that of two administrators saving at once only one succeeds.
    """
    result = db.session().execute(
        sa.update(User)
        .where(User.id == user.id, User.version == expected_version)
        .values(version=User.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleChange()
    user.version = expected_version + 1


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def change_user(
    user: User, expected_version: int, role: Role, agency_id: int, is_manager: bool, by: User
) -> list[str]:
    """Change a user's role, agency and manager flag; return what changed (audited)."""
    agency = db.session().get(Agency, agency_id)
    if agency is None:
        raise AdminError("Select an agency from the list", "agency")
    if not role.allows_agency(agency.kind):
        raise AdminError(f"A {role.label.lower()} cannot belong to {agency.name}", "agency")
    if user.id == by.id and role is not user.role:
        raise AdminError("You cannot change your own role: ask another administrator", "role")
    changes = []
    if role is not user.role:
        changes.append(f"role: {user.role.value} -> {role.value}")
    if agency.id != user.agency_id:
        changes.append(f"agency: {user.agency_id} -> {agency.id}")
    if is_manager != user.is_manager:
        changes.append(f"manager: {_yes_no(user.is_manager)} -> {_yes_no(is_manager)}")
    if not changes:
        return changes
    _claim_version(user, expected_version)
    user.role, user.agency_id, user.is_manager = role, agency.id, is_manager
    db.session().add(user)
    audit.record(
        "user_changed", user=by, object_type="user", object_id=user.id, detail="; ".join(changes)
    )
    return changes


def set_user_active(user: User, expected_version: int, active: bool, by: User) -> None:
    """Deactivate (ending every session at once) or reactivate a user."""
    if user.id == by.id and not active:
        raise AdminError("You cannot deactivate your own account: ask another administrator")
    _claim_version(user, expected_version)
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    db.session().add(user)
    action = "user_reactivated" if active else "user_deactivated"
    audit.record(action, user=by, object_type="user", object_id=user.id)


def reset_second_factor(user: User, expected_version: int, *, by: User) -> None:
    """Forget the user's authenticator: they set up a new one at their next sign-in.

    Their sessions end too, since the reset is usually because a device was lost.
    """
    _claim_version(user, expected_version)
    user.mfa_secret = None
    user.mfa_enrolment_secret = None
    user.mfa_last_timestep = None
    user.session_version += 1
    db.session().add(user)
    audit.record("user_two_factor_reset", user=by, object_type="user", object_id=user.id)
