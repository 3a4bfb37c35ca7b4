"""Areas and the agencies that work in them."""

from enum import StrEnum

from sqlmodel import Field, SQLModel

from yoi_welfare.domain.estate import DEFAULT_HOLDS, Holds
from yoi_welfare.models_base import enum_column


class AgencyKind(StrEnum):
    YOT = "YOT"
    YOI = "YOI"
    STC = "STC"
    SCH = "SCH"
    SECURE_SCHOOL = "SECURE_SCHOOL"
    ACPC = "ACPC"

    @property
    def label(self) -> str:
        return AGENCY_KIND_LABELS[self]

    @property
    def is_establishment(self) -> bool:
        return self in ESTABLISHMENT_KINDS


AGENCY_KIND_LABELS = {
    AgencyKind.YOT: "Youth offending team",
    AgencyKind.YOI: "Young offender institution",
    AgencyKind.STC: "Secure training centre",
    AgencyKind.SCH: "Secure children's home",
    AgencyKind.SECURE_SCHOOL: "Secure school",
    AgencyKind.ACPC: "Area child protection committee",
}
ESTABLISHMENT_KINDS = frozenset(
    {AgencyKind.YOI, AgencyKind.STC, AgencyKind.SCH, AgencyKind.SECURE_SCHOOL}
)
AREA_KINDS = frozenset({AgencyKind.YOT, AgencyKind.ACPC})


class Area(SQLModel, table=True):
    """A local authority area, with its ACPC and one or more YOTs."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=120, unique=True)


class Agency(SQLModel, table=True):
    """A YOT or ACPC of an area, or a secure establishment (which belongs to no area)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=120, unique=True)
    kind: AgencyKind = Field(sa_type=enum_column(AgencyKind))
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    # Whom an establishment holds, as its administrators set it; unset, its kind's default.
    holds_boys: bool | None = None
    holds_girls: bool | None = None
    holds_youngest: int | None = None
    holds_oldest: int | None = None

    @property
    def is_establishment(self) -> bool:
        return self.kind in ESTABLISHMENT_KINDS

    @property
    def holds(self) -> Holds | None:
        """Whom the establishment holds (None for a YOT or an ACPC)."""
        if not self.is_establishment:
            return None
        if self.holds_youngest is None:
            return DEFAULT_HOLDS[self.kind.value]
        return Holds(
            boys=bool(self.holds_boys),
            girls=bool(self.holds_girls),
            youngest=self.holds_youngest,
            oldest=self.holds_oldest,
        )
