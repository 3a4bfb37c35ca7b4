"""The audit trail: append-only and hash-chained, so an edit or a deletion shows."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.models_base import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_young_person", "young_person_id", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow)
    action: str = Field(max_length=60)
    outcome: str = Field(default="ok", max_length=20)
    user_id: int | None = Field(default=None, index=True)
    user_email: str | None = Field(default=None, max_length=254)
    role: str | None = Field(default=None, max_length=30)
    agency_id: int | None = None
    young_person_id: int | None = None
    object_type: str | None = Field(default=None, max_length=40)
    object_id: int | None = None
    remote_addr: str | None = Field(default=None, max_length=64)
    path: str | None = Field(default=None, max_length=300)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)

    def content(self) -> dict:
        """The fields the hash covers; never welfare text, passwords or tokens."""
        return {
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "action": self.action,
            "outcome": self.outcome,
            "user_id": self.user_id,
            "user_email": self.user_email,
            "role": self.role,
            "agency_id": self.agency_id,
            "young_person_id": self.young_person_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "remote_addr": self.remote_addr,
            "path": self.path,
        }
