"""Managing areas, agencies and users."""

from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.passwords import hash_password
from yoi_welfare.agencies.models import AREA_KINDS, Agency, AgencyKind, Area
from yoi_welfare.audit import services as audit


class AdminError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def dao_areas() -> list[Area]:
    return list(db.session().exec(select(Area).order_by(Area.name)).all())


def dao_agencies() -> list[tuple[Agency, Area | None]]:
    return list(
        db.session()
        .exec(select(Agency, Area).outerjoin(Area, Area.id == Agency.area_id).order_by(Agency.name))
        .all()
    )


def dao_users() -> list[tuple[User, Agency]]:
    return list(
        db.session()
        .exec(select(User, Agency).join(Agency, Agency.id == User.agency_id).order_by(User.name))
        .all()
    )


def _taken(model, column, value: str) -> bool:
    statement = select(model.id).where(func.lower(column) == value.lower())
    return db.session().exec(statement).first() is not None


def create_area(code: str, name: str) -> Area:
    if _taken(Area, Area.code, code):
        raise AdminError("An area with this code already exists", "code")
    if _taken(Area, Area.name, name):
        raise AdminError("An area with this name already exists", "name")
    area = Area(code=code.upper(), name=name)
    db.session().add(area)
    db.session().flush()
    audit.record("area_created", object_type="area", object_id=area.id)
    return area


def create_agency(code: str, name: str, kind: AgencyKind, area_id: int | None) -> Agency:
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
    db.session().add(agency)
    db.session().flush()
    audit.record("agency_created", object_type="agency", object_id=agency.id)
    return agency


def create_user(
    name: str, email: str, role: Role, agency_id: int, is_manager: bool, password: str
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
    audit.record("user_created", object_type="user", object_id=user.id)
    return user
