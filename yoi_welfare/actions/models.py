"""Timescale rules, and the welfare actions they create."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.domain.timescales import Unit
from yoi_welfare.models_base import Versioned, enum_column, partial_index

UNIT_LABELS = {
    Unit.HOURS: ("hour", "hours"),
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.CALENDAR_DAYS: ("day", "days"),
    Unit.MONTHS: ("month", "months"),
}


def describe_period(offset: int, unit: Unit) -> str:
    """A period in words, such as 1 working day, 24 hours or 3 months."""
    singular, plural = UNIT_LABELS[unit]
    return f"{offset} {singular if offset == 1 else plural}"


class OwnerKind(StrEnum):
    """Who owns a rule's actions: the child's YOT, or the establishment holding the child."""

    YOT = "YOT"
    ESTABLISHMENT = "ESTABLISHMENT"

    @property
    def label(self) -> str:
        return {"YOT": "Child's youth offending team", "ESTABLISHMENT": "Establishment"}[self]


# Rules that make no action but bound one set by hand: the longest after a case review that
# the next may be set, one rule per risk level (``case_review_limit_high`` and so on).
LIMIT_TRIGGERS = frozenset({"case_review_limit"})


class TimescaleRule(Versioned, SQLModel, table=True):
    """When a trigger event makes an action due, who owns it, and when the ACPC hears of it.

    A rule with no offset (the next case review) is due when the event that triggers it says.
    An edit changes actions created afterwards only: each action keeps the due times it was
    given when it was made. A limit rule (``sets_limit``) makes no action and has no grace: it
    bounds a due time that a person sets.
    """

    __tablename__ = "timescale_rule"
    __table_args__ = (
        sa.CheckConstraint(
            "(due_offset IS NULL) = (due_unit IS NULL)", name="offset_and_unit_together"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    trigger_event: str = Field(max_length=40, index=True)
    action_label: str = Field(max_length=120)
    due_offset: int | None = None
    due_unit: Unit | None = Field(
        default=None, sa_type=enum_column(Unit, name="due_unit"), nullable=True
    )
    owner_kind: OwnerKind = Field(sa_type=enum_column(OwnerKind))
    acpc_grace_offset: int = 2
    acpc_grace_unit: Unit = Field(
        default=Unit.WORKING_DAYS, sa_type=enum_column(Unit, name="acpc_grace_unit")
    )
    source: str = Field(max_length=300)
    updated_at: datetime | None = None
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    version_id: int = 1

    @property
    def sets_limit(self) -> bool:
        return self.trigger_event in LIMIT_TRIGGERS

    @property
    def due_text(self) -> str:
        if self.due_offset is None or self.due_unit is None:
            return "Set by the event that triggers it"
        return describe_period(self.due_offset, self.due_unit)

    @property
    def grace_text(self) -> str:
        return describe_period(self.acpc_grace_offset, self.acpc_grace_unit)


MANUAL = "manual"
# A rule's offsets stay within this, so a slip of the keyboard cannot put a deadline decades away.
MAX_OFFSET = 1000


class WelfareAction(Versioned, SQLModel, table=True):
    """Something an agency must do for a child by a deadline; it can become overdue.

    Made by a timescale rule (``kind`` is the rule's key) or by hand (``kind`` is "manual").
    ``source_type``/``source_id`` name the record that caused it, such as a placement.
    ``acpc_due_at`` is fixed when the action is made, so a later rule edit does not move it.
    """

    __tablename__ = "welfare_action"
    __table_args__ = (
        # An agency's open actions, soonest due first (the actions page).
        partial_index(
            "ix_welfare_action_open_by_owner",
            "owner_agency_id",
            "due_at",
            where="completed_at IS NULL AND cancelled_at IS NULL",
        ),
        # An agency's completed and cancelled actions, most recently closed first.
        partial_index(
            "ix_welfare_action_completed_by_owner",
            "owner_agency_id",
            "completed_at",
            where="completed_at IS NOT NULL",
        ),
        partial_index(
            "ix_welfare_action_cancelled_by_owner",
            "owner_agency_id",
            "cancelled_at",
            where="cancelled_at IS NOT NULL",
        ),
        sa.Index("ix_welfare_action_young_person", "young_person_id", "due_at"),
        # A child's open actions (the caseload's overdue counts, the child's page).
        partial_index(
            "ix_welfare_action_open_by_child",
            "young_person_id",
            "due_at",
            where="completed_at IS NULL AND cancelled_at IS NULL",
        ),
        sa.CheckConstraint(
            "completed_at IS NULL OR cancelled_at IS NULL", name="completed_or_cancelled"
        ),
        sa.CheckConstraint("acpc_due_at >= due_at", name="acpc_due_after_due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id")
    kind: str = Field(max_length=40)
    rule_id: int | None = Field(default=None, foreign_key="timescale_rule.id")
    title: str = Field(max_length=200)
    source_type: str | None = Field(default=None, max_length=40)
    source_id: int | None = None
    owner_agency_id: int = Field(foreign_key="agency.id")
    due_at: datetime
    acpc_due_at: datetime
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    completed_at: datetime | None = None
    completed_by_id: int | None = Field(default=None, foreign_key="user.id")
    completion_note: str | None = Field(default=None, max_length=1000)
    cancelled_at: datetime | None = None
    cancelled_by_id: int | None = Field(default=None, foreign_key="user.id")
    cancellation_reason: str | None = Field(default=None, max_length=1000)
    version_id: int = 1

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None
