"""Escalations: an overdue action raised to its owner agency's managers, then to the ACPC."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.domain.timescales import EscalationLevel
from yoi_welfare.models_base import enum_column, partial_index


class Escalation(SQLModel, table=True):
    """One per (action, level), ever: a rerun of the scan never raises the same thing twice."""

    __table_args__ = (
        sa.UniqueConstraint("action_id", "level"),
        sa.Index("ix_escalation_agency_open", "agency_id", "resolved_at", "became_due_at"),
        # The open escalations: few, whatever the history (the scan and the counts start here).
        partial_index(
            "ix_escalation_open",
            "action_id",
            where="resolved_at IS NULL",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="welfare_action.id")
    level: EscalationLevel = Field(sa_type=enum_column(EscalationLevel, name="escalation_level"))
    # The agency it was raised to: the owner agency (AGENCY) or the ACPC of the child's area.
    agency_id: int = Field(foreign_key="agency.id")
    became_due_at: datetime
    raised_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    # Raised only because of a date later corrected: kept, and shown as withdrawn.
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = Field(default=None, max_length=200)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ResponseKind(StrEnum):
    ACKNOWLEDGED = "ACKNOWLEDGED"
    ACTION_REQUESTED = "ACTION_REQUESTED"
    RESOLVED = "RESOLVED"

    @property
    def label(self) -> str:
        return {
            "ACKNOWLEDGED": "Acknowledged",
            "ACTION_REQUESTED": "Action requested from agency",
            "RESOLVED": "Resolved",
        }[self]


class EscalationResponse(SQLModel, table=True):
    """What the ACPC did about an escalation; the owner agency sees it."""

    __tablename__ = "escalation_response"

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    kind: ResponseKind = Field(sa_type=enum_column(ResponseKind))
    requested_agency_id: int | None = Field(default=None, foreign_key="agency.id")
    note: str | None = Field(default=None, max_length=1000)
    responded_at: datetime = Field(default_factory=utcnow)
    responded_by_id: int = Field(foreign_key="user.id")
