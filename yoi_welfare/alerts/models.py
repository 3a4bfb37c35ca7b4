"""Standing alerts on a child, after HMPPS's alerts: a code, a description, active from and to,
who raised it and who ended it, and the record that raised it (if a record did).

An alert raised by a record (a self-harm flag, a welfare screening, the child's details) names it
in ``source_type`` and ``source_id`` and ends when the record no longer says so; one raised by hand
has no source and ends only when someone ends it, with a reason.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import Versioned, enum_column, partial_index


class AlertCode(StrEnum):
    """What an alert is about; lower ``rank`` is shown first."""

    SELF_HARM = "SELF_HARM"
    TONIGHT = "TONIGHT"
    WELFARE_LEVEL = "WELFARE_LEVEL"
    NO_CONTACT = "NO_CONTACT"
    KEEP_APART = "KEEP_APART"
    SAFEGUARDING = "SAFEGUARDING"
    EXPLOITATION = "EXPLOITATION"
    HEALTH = "HEALTH"
    MEDICATION = "MEDICATION"
    MENTAL_HEALTH = "MENTAL_HEALTH"
    CHILD_PROTECTION_PLAN = "CHILD_PROTECTION_PLAN"
    LOOKED_AFTER = "LOOKED_AFTER"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        return ALERT_LABELS[self]

    @property
    def rank(self) -> int:
        return list(AlertCode).index(self)

    @property
    def is_urgent(self) -> bool:
        """Whether the alert is about the child's safety tonight: shown in red."""
        return self in URGENT_CODES


ALERT_LABELS = {
    AlertCode.SELF_HARM: "Self-harm flag open",
    AlertCode.TONIGHT: "Must know tonight",
    AlertCode.WELFARE_LEVEL: "High welfare screening level",
    AlertCode.NO_CONTACT: "No contact",
    AlertCode.KEEP_APART: "Keep apart",
    AlertCode.SAFEGUARDING: "Safeguarding concern",
    AlertCode.EXPLOITATION: "Exploitation concern",
    AlertCode.HEALTH: "Health need",
    AlertCode.MEDICATION: "Medication",
    AlertCode.MENTAL_HEALTH: "Mental health condition",
    AlertCode.CHILD_PROTECTION_PLAN: "Child protection plan",
    AlertCode.LOOKED_AFTER: "Looked after",
    AlertCode.OTHER: "Other",
}
URGENT_CODES = frozenset({AlertCode.SELF_HARM, AlertCode.TONIGHT, AlertCode.WELFARE_LEVEL})


class Alert(Versioned, SQLModel, table=True):
    """One alert on a child, active from ``active_from`` until ``active_to`` (None: active)."""

    __tablename__ = "alert"
    __table_args__ = (
        sa.Index("ix_alert_child", "young_person_id", "active_from"),
        # The active alerts of a list of children, for every list that names them.
        partial_index("ix_alert_active", "young_person_id", where="active_to IS NULL"),
        sa.Index("ix_alert_source", "source_type", "source_id"),
        sa.CheckConstraint("(active_to IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
        sa.CheckConstraint("(source_type IS NULL) = (source_id IS NULL)", name="whole_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id")
    code: AlertCode = Field(sa_type=enum_column(AlertCode))
    description: str = Field(sa_type=sa.Text)
    active_from: datetime
    active_to: datetime | None = None
    raised_by_id: int = Field(foreign_key="user.id")
    # None when the record behind it ended and nobody is recorded as ending that.
    ended_by_id: int | None = Field(default=None, foreign_key="user.id")
    end_reason: str | None = Field(default=None, sa_type=sa.Text)
    # The record that raised it: "self_harm_flag", "welfare_screening" or "young_person".
    source_type: str | None = Field(default=None, max_length=40)
    source_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version_id: int = 1

    @property
    def is_active(self) -> bool:
        return self.active_to is None

    @property
    def raised_by_hand(self) -> bool:
        return self.source_type is None
