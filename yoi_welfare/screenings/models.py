"""The YOT's welfare screening of a child, and the establishments' record of reading it."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.models_base import Versioned, enum_column, partial_index

# Every free-text answer; the forms count characters against it.
MAX_TEXT = 2000


class DiscardReason(StrEnum):
    """Why a draft was discarded: fixed wording, so that no welfare text reaches the audit trail,
    which keeps it when the records themselves are deleted."""

    WRONG_CHILD = "WRONG_CHILD"
    STARTED_TOO_EARLY = "STARTED_TOO_EARLY"
    NO_LONGER_NEEDED = "NO_LONGER_NEEDED"

    @property
    def label(self) -> str:
        return {
            "WRONG_CHILD": "It was started for the wrong child",
            "STARTED_TOO_EARLY": "It was started too early",
            "NO_LONGER_NEEDED": "It is no longer needed",
        }[self]


class ScreeningStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"

    @property
    def label(self) -> str:
        return {"DRAFT": "Draft", "SUBMITTED": "Submitted"}[self]


def _text() -> Any:
    return Field(default=None, max_length=MAX_TEXT)


class WelfareScreening(Versioned, SQLModel, table=True):
    """One YOT welfare screening of a child: DRAFT while it is written, then SUBMITTED for good.

    The answers are typed columns, one per question (a yes/no as a nullable boolean, None until
    answered; its detail as text), rather than a JSON document per section. Each section's form
    validates its own answers either way; columns add what JSON would not: the database checks
    types and lengths, "what changed since the last screening" is a comparison of two rows, and
    questions such as "children with recent self-harm" are plain WHERE clauses. The price is a
    migration for a new question, which a change to what the YOT is asked deserves anyway.

    ``version_id`` is the optimistic lock: a form carries the version it was read at, and a save
    from a stale form is refused (two officers editing one draft). A child has at most one draft.
    """

    __tablename__ = "welfare_screening"
    __table_args__ = (
        partial_index(
            "uq_welfare_screening_draft",
            "young_person_id",
            unique=True,
            where="status = 'DRAFT'",
        ),
        sa.Index("ix_welfare_screening_young_person", "young_person_id", "submitted_at"),
        sa.CheckConstraint(
            "(status = 'SUBMITTED') = (submitted_at IS NOT NULL)",
            name="submitted_at_when_submitted",
        ),
        sa.CheckConstraint(
            "status = 'DRAFT' OR practitioner_level IS NOT NULL", name="submitted_with_level"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id")
    status: ScreeningStatus = Field(
        default=ScreeningStatus.DRAFT, sa_type=enum_column(ScreeningStatus)
    )
    # The screening whose answers this one started from, if any.
    copied_from_id: int | None = Field(default=None, foreign_key="welfare_screening.id")
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int = Field(foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int = Field(foreign_key="user.id")
    submitted_at: datetime | None = None
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    version_id: int = 1

    # Physical health
    physical_health_needs: bool | None = None
    physical_health_detail: str | None = _text()
    # Mental health
    mental_health_diagnosis: bool | None = None
    mental_health_diagnosis_detail: str | None = _text()
    camhs_involvement: bool | None = None
    camhs_detail: str | None = _text()
    mental_health_medication: bool | None = None
    mental_health_medication_detail: str | None = _text()
    # Self-harm and suicide
    self_harm_ever: bool | None = None
    self_harm_detail: str | None = _text()
    last_self_harm_on: date | None = None
    self_harm_what_helped: str | None = _text()
    self_harm_recent: bool | None = None
    self_harm_recent_detail: str | None = _text()
    # Substance misuse
    substance_misuse: bool | None = None
    substance_misuse_detail: str | None = _text()
    # Neurodisability and learning needs
    neurodisability: bool | None = None
    neurodisability_detail: str | None = _text()
    # Care status
    looked_after: bool | None = None
    looked_after_detail: str | None = _text()
    # Child protection
    child_protection_plan: bool | None = None
    child_protection_plan_detail: str | None = _text()
    child_protection_concerns: bool | None = None
    child_protection_concerns_detail: str | None = _text()
    # Risks from others
    bullying: bool | None = None
    bullying_detail: str | None = _text()
    exploitation: bool | None = None
    exploitation_detail: str | None = _text()
    gang_association: bool | None = None
    gang_association_detail: str | None = _text()
    # Family contact
    family_contacts: str | None = _text()
    contact_restrictions: bool | None = None
    contact_restrictions_detail: str | None = _text()
    # First time in custody
    first_time_in_custody: bool | None = None
    # Tonight
    must_know_tonight: bool | None = None
    must_know_tonight_detail: str | None = _text()

    # Why a section answers "no" where the service already held a "yes" (questions.py,
    # ``Section.explanation``): one per section that has such questions.
    physical_health_explanation: str | None = _text()
    mental_health_explanation: str | None = _text()
    self_harm_explanation: str | None = _text()
    substance_misuse_explanation: str | None = _text()
    neurodisability_explanation: str | None = _text()
    care_status_explanation: str | None = _text()
    child_protection_explanation: str | None = _text()
    risks_from_others_explanation: str | None = _text()
    family_contact_explanation: str | None = _text()

    # The level: computed from the answers at each save (frozen on submission), and decided.
    indicated_level: Level | None = Field(
        default=None, sa_type=enum_column(Level, name="indicated_level"), nullable=True
    )
    # The reasons shown with the indicated level, one a line, as the officer saw them.
    indicated_reasons: str | None = Field(default=None, sa_type=sa.Text)
    practitioner_level: Level | None = Field(
        default=None, sa_type=enum_column(Level, name="practitioner_level"), nullable=True
    )
    level_reason: str | None = _text()

    @property
    def is_draft(self) -> bool:
        return self.status is ScreeningStatus.DRAFT

    @property
    def reasons(self) -> list[str]:
        return self.indicated_reasons.splitlines() if self.indicated_reasons else []


class ScreeningRead(SQLModel, table=True):
    """An establishment has read a submitted screening: the first of its staff to open it."""

    __tablename__ = "screening_read"
    __table_args__ = (sa.UniqueConstraint("screening_id", "agency_id"),)

    id: int | None = Field(default=None, primary_key=True)
    screening_id: int = Field(foreign_key="welfare_screening.id")
    agency_id: int = Field(foreign_key="agency.id", index=True)
    read_by_id: int = Field(foreign_key="user.id")
    read_at: datetime = Field(default_factory=utcnow)
