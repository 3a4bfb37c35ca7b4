"""What each user is told: one row per notice per person, read in the service and emailed at
once or in the morning's digest."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import partial_index


class Delivery(StrEnum):
    """How a user takes the notices that can wait. Urgent ones are always emailed at once."""

    IMMEDIATE = "IMMEDIATE"
    DIGEST = "DIGEST"

    @property
    def label(self) -> str:
        return {
            "IMMEDIATE": "Email each one at once",
            "DIGEST": "One email at 7am with everything from the day before",
        }[self]


class Notification(SQLModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user", "user_id", "created_at"),
        # The header's unread count and the digest read only these few rows.
        partial_index("ix_notification_unread", "user_id", where="read_at IS NULL"),
        partial_index("ix_notification_digest_due", "user_id", where="digest_due"),
        sa.Index("ix_notification_young_person", "young_person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    # The child it is about (initials and reference only are shown), or none (a rule to approve).
    young_person_id: int | None = Field(default=None, foreign_key="young_person.id")
    created_at: datetime = Field(default_factory=utcnow)
    subject: str = Field(max_length=200)
    body_text: str = Field(sa_type=sa.Text)
    # The page to open, a path within the service.
    path: str = Field(max_length=500)
    urgent: bool = False
    # Why it was sent, for the record of disclosure when it leaves by email.
    purpose: str = Field(max_length=300)
    cause_type: str | None = Field(default=None, max_length=40)
    cause_id: int | None = None
    read_at: datetime | None = None
    # Waiting for the next morning's digest.
    digest_due: bool = False
    # The email that carried it (at once or in a digest); none while waiting or if never sent.
    email_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("outbound_email.id", ondelete="SET NULL"), nullable=True
        ),
    )

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
