"""An approval: one person asks, another decides.

Each request names what it is about (``subject_type``/``subject_id``, such as the case review that
would close a self-harm flag), whose managers decide (``approver_agency_id``) and, for a request
about a child, the welfare action that watches it. A subject has one pending request at most.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import Versioned, enum_column, partial_index


class ApprovalState(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    RETURNED = "RETURNED"  # the approver said no, with a reason the requester sees
    WITHDRAWN = "WITHDRAWN"  # overtaken by events before anyone decided

    @property
    def label(self) -> str:
        return {
            "PENDING": "Awaiting approval",
            "APPROVED": "Approved",
            "RETURNED": "Returned",
            "WITHDRAWN": "Withdrawn",
        }[self]

    @property
    def colour(self) -> str:
        return {"PENDING": "yellow", "APPROVED": "green", "RETURNED": "red", "WITHDRAWN": "grey"}[
            self
        ]


class Approval(Versioned, SQLModel, table=True):
    __tablename__ = "approval"
    __table_args__ = (
        partial_index(
            "uq_approval_pending_subject",
            "subject_type",
            "subject_id",
            unique=True,
            where="state = 'PENDING'",
        ),
        partial_index(
            "ix_approval_pending_by_approver",
            "approver_agency_id",
            "requested_at",
            where="state = 'PENDING'",
        ),
        sa.Index("ix_approval_young_person", "young_person_id", "requested_at"),
        sa.CheckConstraint(
            "(state = 'PENDING') = (decided_at IS NULL)", name="decided_unless_pending"
        ),
        sa.CheckConstraint(
            "state <> 'RETURNED' OR reason IS NOT NULL", name="returned_with_reason"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    subject_type: str = Field(max_length=40)
    subject_id: int
    young_person_id: int | None = Field(default=None, foreign_key="young_person.id")
    approver_agency_id: int | None = Field(default=None, foreign_key="agency.id")
    summary: str = Field(max_length=300)
    # What takes effect if approved, when the subject does not hold it (a rule's new figures).
    proposed: dict | None = Field(default=None, sa_type=sa.JSON)
    state: ApprovalState = Field(default=ApprovalState.PENDING, sa_type=enum_column(ApprovalState))
    requested_by_id: int = Field(foreign_key="user.id")
    requested_at: datetime = Field(default_factory=utcnow)
    action_id: int | None = Field(default=None, foreign_key="welfare_action.id")
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = None
    reason: str | None = Field(default=None, max_length=1000)
    version_id: int = 1

    @property
    def is_pending(self) -> bool:
        return self.state is ApprovalState.PENDING
