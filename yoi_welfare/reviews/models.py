"""Placement reviews: LAC reviews of a looked-after child, and placement review meetings."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import enum_column


class ReviewKind(StrEnum):
    LAC_REVIEW = "LAC_REVIEW"
    PLACEMENT_MDM = "PLACEMENT_MDM"

    @property
    def label(self) -> str:
        return {"LAC_REVIEW": "LAC review", "PLACEMENT_MDM": "Placement review meeting"}[self]


class MeetingReason(StrEnum):
    """Why a placement review meeting was called (LAC reviews follow the statutory timetable)."""

    RISK_TO_SELF = "RISK_TO_SELF"
    RISK_TO_OTHERS = "RISK_TO_OTHERS"
    PLANNED = "PLANNED"

    @property
    def label(self) -> str:
        return {
            "RISK_TO_SELF": "Risk to self",
            "RISK_TO_OTHERS": "Risk to others",
            "PLANNED": "Planned review",
        }[self]


class PlacementOutcome(StrEnum):
    REMAIN = "REMAIN"
    TRANSFER_RECOMMENDED = "TRANSFER_RECOMMENDED"

    @property
    def label(self) -> str:
        return {
            "REMAIN": "Remain at the establishment",
            "TRANSFER_RECOMMENDED": "Transfer recommended",
        }[self]


class PlacementReview(SQLModel, table=True):
    """A review that was held: when, who came, what it decided and when the next is due.

    ``due_at`` is when the review was due, from the action it completed (None if none was
    open); ``next_review_due`` is the due time of the next review's action, if one was set.
    """

    __tablename__ = "placement_review"
    __table_args__ = (
        sa.Index("ix_placement_review_child", "young_person_id", "kind", "held_at"),
        sa.CheckConstraint(
            "(kind = 'PLACEMENT_MDM') = (reason IS NOT NULL)", name="reason_for_meetings"
        ),
        sa.CheckConstraint(
            "(outcome = 'TRANSFER_RECOMMENDED') = (transfer_to IS NOT NULL)",
            name="transfer_has_destination",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id")
    kind: ReviewKind = Field(sa_type=enum_column(ReviewKind))
    reason: MeetingReason | None = Field(
        default=None, sa_type=enum_column(MeetingReason), nullable=True
    )
    establishment_id: int = Field(foreign_key="agency.id")
    held_at: datetime
    attendees: str = Field(sa_type=sa.Text)
    yot_attended: bool
    outcome: PlacementOutcome = Field(sa_type=enum_column(PlacementOutcome))
    summary: str = Field(sa_type=sa.Text)
    transfer_to: str | None = Field(default=None, max_length=200)
    transfer_reason: str | None = Field(default=None, sa_type=sa.Text)
    due_at: datetime | None = None
    next_review_due: datetime | None = None
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow)
