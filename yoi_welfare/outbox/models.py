"""The outbox: mail is written in the same transaction as its cause and delivered by a job."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import enum_column


class EmailStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"


class OutboundEmail(SQLModel, table=True):
    __tablename__ = "outbound_email"
    __table_args__ = (
        sa.Index("ix_outbound_email_due", "status", "next_attempt_at"),
        sa.Index("ix_outbound_email_cause", "cause_type", "cause_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=200, unique=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body_text: str = Field(sa_type=sa.Text)
    # What caused the mail (for example "escalation", 42): lets a cause find its mail again.
    cause_type: str | None = Field(default=None, max_length=40)
    cause_id: int | None = None
    status: EmailStatus = Field(default=EmailStatus.PENDING, sa_type=enum_column(EmailStatus))
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)


class EmailAttachment(SQLModel, table=True):
    __tablename__ = "email_attachment"

    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(foreign_key="outbound_email.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    content: bytes = Field(sa_type=sa.LargeBinary)
