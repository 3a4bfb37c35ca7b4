"""Information governance: sharing agreements, disclosures, subject access and retention."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import enum_column, partial_index


class SharingAgreement(SQLModel, table=True):
    """The information-sharing agreement an area's agencies signed.

    In force from ``starts_on`` up to and including ``ends_on`` (open-ended when empty). An
    agreement past ``review_by`` stays in force; the administrator's home page flags it.
    """

    __tablename__ = "sharing_agreement"
    __table_args__ = (sa.Index("ix_sharing_agreement_area", "area_id", "starts_on"),)

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id")
    title: str = Field(max_length=200)
    purpose: str = Field(sa_type=sa.Text)
    lawful_basis: str = Field(sa_type=sa.Text)
    data_items: str = Field(sa_type=sa.Text)
    contact: str = Field(max_length=300)
    starts_on: date
    review_by: date
    ends_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")

    def is_current(self, today: date) -> bool:
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class AgreementParty(SQLModel, table=True):
    """An agency that signed an agreement: its users see the area's children under it."""

    __tablename__ = "sharing_agreement_party"
    __table_args__ = (sa.Index("ix_sharing_agreement_party_agency", "agency_id", "agreement_id"),)

    agreement_id: int = Field(foreign_key="sharing_agreement.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)


class DisclosureChannel(StrEnum):
    WEEKLY_REPORT = "WEEKLY_REPORT"
    EMAIL = "EMAIL"
    DOWNLOAD = "DOWNLOAD"
    PRINT = "PRINT"
    EXPORT = "EXPORT"

    @property
    def label(self) -> str:
        return {
            "WEEKLY_REPORT": "Weekly ACPC report",
            "EMAIL": "Email",
            "DOWNLOAD": "Download",
            "PRINT": "Printed copy",
            "EXPORT": "Subject access export",
        }[self]


class Disclosure(SQLModel, table=True):
    """A record of a child's information leaving the service: with whom, why, on what basis."""

    __table_args__ = (sa.Index("ix_disclosure_child", "young_person_id", "disclosed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id")
    disclosed_at: datetime = Field(default_factory=utcnow)
    # Who made it leave; none when the scheduler sent it.
    user_id: int | None = Field(default=None, foreign_key="user.id")
    channel: DisclosureChannel = Field(sa_type=enum_column(DisclosureChannel))
    recipient: str = Field(max_length=300)
    purpose: str = Field(max_length=300)
    lawful_basis: str = Field(max_length=500)
    agreement_id: int | None = Field(default=None, foreign_key="sharing_agreement.id")
    # What left: for example ("escalation_report", 12).
    object_type: str | None = Field(default=None, max_length=40)
    object_id: int | None = None


class ExportStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"

    @property
    def label(self) -> str:
        return {"PENDING": "Being prepared", "READY": "Ready"}[self]


class SubjectAccessExport(SQLModel, table=True):
    """Everything held about one child, as PDF and JSON, produced by the scheduler."""

    __tablename__ = "subject_access_export"

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id", index=True)
    requester: str = Field(max_length=300)
    requested_at: datetime = Field(default_factory=utcnow)
    requested_by_id: int | None = Field(default=None, foreign_key="user.id")
    status: ExportStatus = Field(default=ExportStatus.PENDING, sa_type=enum_column(ExportStatus))
    produced_at: datetime | None = None
    pdf: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    document: str | None = Field(default=None, sa_type=sa.Text)
    page_count: int | None = None


class RetentionStatus(StrEnum):
    DUE = "DUE"
    ERASED = "ERASED"
    KEPT = "KEPT"

    @property
    def label(self) -> str:
        return {"DUE": "Due for review", "ERASED": "Records deleted", "KEPT": "Kept"}[self]


class RetentionReview(SQLModel, table=True):
    """A child whose records have reached the end of their retention period.

    Outlives the child's records: it keeps the reference and the dates, never welfare detail, so
    ``young_person_id`` is a plain number rather than a foreign key.
    """

    __tablename__ = "retention_review"
    __table_args__ = (
        partial_index(
            "uq_retention_review_due",
            "young_person_id",
            unique=True,
            where="status = 'DUE'",
        ),
        sa.Index("ix_retention_review_child", "young_person_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int
    area_id: int = Field(foreign_key="area.id")
    local_reference: str = Field(max_length=30)
    retain_until: date
    listed_at: datetime = Field(default_factory=utcnow)
    status: RetentionStatus = Field(
        default=RetentionStatus.DUE, sa_type=enum_column(RetentionStatus)
    )
    decided_at: datetime | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str | None = Field(default=None, max_length=500)
    # For KEPT: not listed again before this date.
    keep_until: date | None = None
