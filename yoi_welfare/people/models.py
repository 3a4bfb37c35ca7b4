"""The child, and each custody episode (placement) at an establishment."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import enum_column, partial_index


class Sex(StrEnum):
    FEMALE = "FEMALE"
    MALE = "MALE"
    NOT_KNOWN = "NOT_KNOWN"

    @property
    def label(self) -> str:
        return {"FEMALE": "Female", "MALE": "Male", "NOT_KNOWN": "Not known"}[self]


class LegalStatus(StrEnum):
    REMAND = "REMAND"
    DTO = "DTO"
    S250 = "S250"
    S259 = "S259"
    OTHER_SENTENCE = "OTHER_SENTENCE"

    @property
    def label(self) -> str:
        return LEGAL_STATUS_LABELS[self]

    @property
    def is_remand(self) -> bool:
        return self is LegalStatus.REMAND


LEGAL_STATUS_LABELS = {
    LegalStatus.REMAND: "Remanded to youth detention accommodation",
    LegalStatus.DTO: "Sentenced: detention and training order",
    LegalStatus.S250: "Sentenced: section 250 (long-term detention)",
    LegalStatus.S259: "Sentenced: section 259 (detention at His Majesty's pleasure)",
    LegalStatus.OTHER_SENTENCE: "Sentenced: other",
}

# 2011 census categories, as used in youth justice returns.
ETHNICITIES = (
    "Asian or Asian British",
    "Black, Black British, Caribbean or African",
    "Mixed or multiple ethnic groups",
    "White",
    "Other ethnic group",
    "Not known",
)


class LeavingReason(StrEnum):
    TRANSFER = "TRANSFER"
    RELEASE = "RELEASE"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        return {"TRANSFER": "Transferred", "RELEASE": "Released", "OTHER": "Other"}[self]


class ReleaseReason(StrEnum):
    """Why a child left custody, as the releasing establishment records it."""

    END_OF_CUSTODY = "END_OF_CUSTODY"
    BAIL = "BAIL"
    REMAND_ENDED = "REMAND_ENDED"
    NON_CUSTODIAL_SENTENCE = "NON_CUSTODIAL_SENTENCE"
    ADULT_ESTATE = "ADULT_ESTATE"
    HOSPITAL = "HOSPITAL"
    DEATH_IN_CUSTODY = "DEATH_IN_CUSTODY"

    @property
    def label(self) -> str:
        return RELEASE_REASON_LABELS[self]


RELEASE_REASON_LABELS = {
    ReleaseReason.END_OF_CUSTODY: "End of the custodial term, or released on licence",
    ReleaseReason.BAIL: "Released on bail",
    ReleaseReason.REMAND_ENDED: "Remand ended",
    ReleaseReason.NON_CUSTODIAL_SENTENCE: "Given a sentence that is not custodial",
    ReleaseReason.ADULT_ESTATE: "Moved to the adult estate at 18",
    ReleaseReason.HOSPITAL: "Moved to hospital under the Mental Health Act",
    ReleaseReason.DEATH_IN_CUSTODY: "Death in custody",
}


class ReleaseDestination(StrEnum):
    """Where a released child went."""

    HOME = "HOME"
    CARE_PLACEMENT = "CARE_PLACEMENT"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        return {
            "HOME": "Home, or to family",
            "CARE_PLACEMENT": "A care placement",
            "OTHER": "Somewhere else",
        }[self]


class YoungPerson(SQLModel, table=True):
    """A child known to the service. Flags and history follow the child, not the episode."""

    __tablename__ = "young_person"
    __table_args__ = (
        sa.UniqueConstraint("home_area_id", "local_reference"),
        # Each area's children held now, for the caseload.
        sa.Index(
            "ix_young_person_in_custody",
            "home_area_id",
            sqlite_where=sa.text("in_custody = 1"),
            postgresql_where=sa.text("in_custody"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100, index=True)
    date_of_birth: date
    sex: Sex = Field(sa_type=enum_column(Sex))
    ethnicity: str = Field(max_length=60)
    local_reference: str = Field(max_length=30, index=True)
    pnc_number: str | None = Field(default=None, max_length=20)
    home_area_id: int = Field(foreign_key="area.id", index=True)
    legal_status: LegalStatus = Field(sa_type=enum_column(LegalStatus))
    looked_after: bool = False
    child_protection_plan: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    # Whether the child has an open placement: set by the database's triggers on placement
    # (migration 0012), never by the application, for queries only. A child object loaded
    # before an admission, transfer or release in the same session still shows the old value.
    in_custody: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def initials(self) -> str:
        return f"{self.given_name[:1]}{self.family_name[:1]}".upper()


class Placement(SQLModel, table=True):
    """One custody episode at one establishment; a transfer closes one and opens the next."""

    __table_args__ = (
        # At most one current placement per child.
        partial_index(
            "uq_placement_current",
            "young_person_id",
            unique=True,
            where="left_at IS NULL",
        ),
        sa.Index("ix_placement_establishment_current", "establishment_id", "left_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id", index=True)
    establishment_id: int = Field(foreign_key="agency.id")
    admitted_at: datetime
    left_at: datetime | None = None
    leaving_reason: LeavingReason | None = Field(
        default=None, sa_type=enum_column(LeavingReason), nullable=True
    )
    admitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    # Why the admission, or the leaving, was recorded more than a day after it happened.
    admission_late_reason: str | None = Field(default=None, max_length=500)
    leaving_late_reason: str | None = Field(default=None, max_length=500)
    # Why the child left custody and where they went: for a release only (none after a death).
    release_reason: ReleaseReason | None = Field(
        default=None, sa_type=enum_column(ReleaseReason), nullable=True
    )
    release_destination: ReleaseDestination | None = Field(
        default=None, sa_type=enum_column(ReleaseDestination), nullable=True
    )
    left_by_id: int | None = Field(default=None, foreign_key="user.id")

    @property
    def is_current(self) -> bool:
        return self.left_at is None

    @property
    def died_in_custody(self) -> bool:
        return self.release_reason is ReleaseReason.DEATH_IN_CUSTODY

    @property
    def leaving_label(self) -> str:
        """How the placement ended, in words: a death in custody is never "Released"."""
        if self.died_in_custody:
            return "Died in custody"
        if self.leaving_reason is None:
            return ""
        if self.release_reason is None:
            return self.leaving_reason.label
        return f"{self.leaving_reason.label}: {self.release_reason.label.lower()}"


class PlacementException(SQLModel, table=True):
    """A child placed where the establishment does not hold children of their sex or age, and
    why: recorded by whoever admitted or transferred them, and told to the managers at once."""

    __tablename__ = "placement_exception"

    id: int | None = Field(default=None, primary_key=True)
    # One per establishment the placement has been recorded at: a correction of the
    # establishment may need one of its own.
    placement_id: int = Field(foreign_key="placement.id", index=True)
    young_person_id: int = Field(foreign_key="young_person.id", index=True)
    establishment_id: int = Field(foreign_key="agency.id", index=True)
    # What the establishment holds and how the child is outside it, as it stood then.
    outside: str = Field(max_length=200)
    reason: str = Field(max_length=1000)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class CorrectedMoment(StrEnum):
    """Which end of a placement was corrected: a transfer is the leaving of one placement and
    the admission of the next, corrected together."""

    ADMISSION = "ADMISSION"
    LEAVING = "LEAVING"

    @property
    def label(self) -> str:
        return {"ADMISSION": "admission", "LEAVING": "leaving"}[self]


class PlacementCorrection(SQLModel, table=True):
    """A placement's admission or leaving put right: what it said, what it says now, why, who
    and when. The original stays on the record, as a note's amendment keeps the note.

    The date and time are always recorded (the same before and after when only the rest was
    corrected); the establishment and the legal status only when the correction changed them.
    """

    __tablename__ = "placement_correction"

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    young_person_id: int = Field(foreign_key="young_person.id", index=True)
    moment: CorrectedMoment = Field(sa_type=enum_column(CorrectedMoment))
    was_at: datetime
    corrected_to: datetime
    was_establishment_id: int | None = Field(default=None, foreign_key="agency.id")
    corrected_establishment_id: int | None = Field(default=None, foreign_key="agency.id")
    was_legal_status: LegalStatus | None = Field(
        default=None,
        sa_type=enum_column(LegalStatus, name="was_legal_status"),
        nullable=True,
    )
    corrected_legal_status: LegalStatus | None = Field(
        default=None,
        sa_type=enum_column(LegalStatus, name="corrected_legal_status"),
        nullable=True,
    )
    reason: str = Field(max_length=1000)
    corrected_by_id: int = Field(foreign_key="user.id")
    corrected_at: datetime = Field(default_factory=utcnow)


class DuplicateOccasion(StrEnum):
    """When a possible duplicate was put to the user: registering a child, or admitting one."""

    REGISTRATION = "REGISTRATION"
    ADMISSION = "ADMISSION"


class DuplicateDismissal(SQLModel, table=True):
    """A user's word that a child is not the possible duplicate the service found, and why.

    The pair is asked about once: a later registration or admission does not ask again."""

    __tablename__ = "duplicate_dismissal"
    __table_args__ = (sa.UniqueConstraint("young_person_id", "other_young_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id", index=True)
    other_young_person_id: int = Field(foreign_key="young_person.id", index=True)
    occasion: DuplicateOccasion = Field(sa_type=enum_column(DuplicateOccasion))
    reason: str = Field(max_length=1000)
    dismissed_by_id: int = Field(foreign_key="user.id")
    dismissed_at: datetime = Field(default_factory=utcnow)


class ChildMerge(SQLModel, table=True):
    """Two records of one child made one: the merged record's rows moved to the kept child,
    and what identified the merged one kept here, so that its reference still finds the child.

    ``merged_id`` is a plain number: that record is gone. A link to it leads to the kept child.
    """

    __tablename__ = "child_merge"

    id: int | None = Field(default=None, primary_key=True)
    merged_id: int = Field(unique=True)
    kept_id: int = Field(foreign_key="young_person.id", index=True)
    merged_home_area_id: int = Field(foreign_key="area.id")
    merged_local_reference: str = Field(max_length=30, index=True)
    merged_pnc_number: str | None = Field(default=None, max_length=20)
    merged_date_of_birth: date
    reason: str = Field(max_length=1000)
    merged_by_id: int | None = Field(default=None, foreign_key="user.id")
    merged_at: datetime = Field(default_factory=utcnow)
