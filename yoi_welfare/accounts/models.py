"""People who sign in, and what their role lets them do."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from yoi_welfare.agencies.models import ESTABLISHMENT_KINDS, AgencyKind
from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import enum_column
from yoi_welfare.notifications.models import Delivery


class Role(StrEnum):
    YOT_OFFICER = "YOT_OFFICER"
    ESTABLISHMENT_STAFF = "ESTABLISHMENT_STAFF"
    ACPC_MEMBER = "ACPC_MEMBER"
    ADMINISTRATOR = "ADMINISTRATOR"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    def allows_agency(self, kind: AgencyKind) -> bool:
        """Whether a user with this role may belong to an agency of this kind."""
        return kind in ROLE_AGENCY_KINDS[self]


ROLE_LABELS = {
    Role.YOT_OFFICER: "YOT officer",
    Role.ESTABLISHMENT_STAFF: "Establishment staff",
    Role.ACPC_MEMBER: "ACPC member",
    Role.ADMINISTRATOR: "Administrator",
}
ROLE_AGENCY_KINDS = {
    Role.YOT_OFFICER: frozenset({AgencyKind.YOT}),
    Role.ESTABLISHMENT_STAFF: ESTABLISHMENT_KINDS,
    Role.ACPC_MEMBER: frozenset({AgencyKind.ACPC}),
    Role.ADMINISTRATOR: frozenset(AgencyKind),
}


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    role: Role = Field(sa_type=enum_column(Role))
    agency_id: int = Field(foreign_key="agency.id", index=True)
    is_manager: bool = False
    active: bool = True
    # Bumped to end every session of this user at once (sign-out, deactivation, password change).
    session_version: int = 0
    # The TOTP secret (base32) once the user has set up their second factor, and the last time step
    # whose code they used: a code is accepted once only.
    mfa_secret: str | None = Field(default=None, max_length=64)
    mfa_last_timestep: int | None = None
    # The secret offered while the user sets up their app, kept here rather than in the session
    # cookie (signed, not encrypted); it becomes mfa_secret when a code proves the app holds it.
    mfa_enrolment_secret: str | None = Field(default=None, max_length=64)
    # Bumped by every administrator's change; their forms carry it, so a stale form is refused
    # instead of silently overwriting a newer change.
    version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Notices that can wait: emailed one by one, or together in the morning's digest.
    routine_notices: Delivery = Field(
        default=Delivery.DIGEST,
        sa_type=enum_column(Delivery),
        sa_column_kwargs={"server_default": Delivery.DIGEST.value},
    )
    created_at: datetime = Field(default_factory=utcnow)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def has_second_factor(self) -> bool:
        return self.mfa_secret is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"
