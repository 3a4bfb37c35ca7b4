"""The audit trail: append-only and hash-chained, so an edit or a deletion shows."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_young_person", "young_person_id", "occurred_at"),
        # Recent failed sign-ins for one email address (the lock-out counts them).
        sa.Index("ix_audit_event_user_email", "user_email", "occurred_at"),
        # What happened to one record, such as a draft screening that has since been discarded.
        sa.Index("ix_audit_event_object", "object_type", "object_id"),
    )

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
    # A short, fixed description of a change, such as "role: YOT_OFFICER -> ADMINISTRATOR".
    detail: str | None = Field(default=None, max_length=200)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)

    def content(self) -> dict:
        """The fields the hash covers; never welfare text, passwords or tokens."""
        names = ("occurred_at", "detail", *HASHED_FIELDS)
        return event_content({name: getattr(self, name) for name in names})


HASHED_FIELDS = (
    "action",
    "outcome",
    "user_id",
    "user_email",
    "role",
    "agency_id",
    "young_person_id",
    "object_type",
    "object_id",
    "remote_addr",
    "path",
)


def event_content(fields) -> dict:
    """What an event's hash covers, from its fields (an event's or a row's about to be written)."""
    content = {"occurred_at": fields["occurred_at"].isoformat(timespec="microseconds")}
    content.update((name, fields.get(name)) for name in HASHED_FIELDS)
    # Added later: covered only when present, so events written before it still verify.
    if fields.get("detail") is not None:
        content["detail"] = fields["detail"]
    return content


class AuditChainHead(SQLModel, table=True):
    """The newest event and the number of events, kept beside the chain.

    The chain itself shows an edited or deleted event anywhere but at its end; the head shows
    events cut from the end. It is one row, moved on in the same transaction as each event.
    """

    __tablename__ = "audit_chain_head"

    id: int = Field(default=1, primary_key=True)
    event_id: int | None = None
    hash: str = Field(max_length=64)
    event_count: int = 0
