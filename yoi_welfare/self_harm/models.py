"""Self-harm flags (ACCT) and their case reviews.

A flag is OPEN while the child is on it, CLOSED during the post-closure period, and
POST_CLOSURE_ENDED once the post-closure review is held: the prison alert codes HA, HA1, HA2.
It belongs to the child, not to a placement, so it follows the child across transfers.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import Versioned, enum_column, partial_index


class FlagState(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    POST_CLOSURE_ENDED = "POST_CLOSURE_ENDED"
    # Released from custody while open or in the post-closure period: no one holds the child
    # to review it, so it ends with the placement and the child's YOT is told.
    ENDED_ON_RELEASE = "ENDED_ON_RELEASE"

    @property
    def label(self) -> str:
        return {
            "OPEN": "Open",
            "CLOSED": "Closed: post-closure period",
            "POST_CLOSURE_ENDED": "Ended",
            "ENDED_ON_RELEASE": "Ended on release",
        }[self]

    @property
    def alert_code(self) -> str:
        """The prison alert code for the state."""
        return {
            "OPEN": "HA",
            "CLOSED": "HA1",
            "POST_CLOSURE_ENDED": "HA2",
            "ENDED_ON_RELEASE": "HA2",
        }[self]

    @property
    def has_ended(self) -> bool:
        return self in (FlagState.POST_CLOSURE_ENDED, FlagState.ENDED_ON_RELEASE)


class RiskLevel(StrEnum):
    LOW = "LOW"
    RAISED = "RAISED"
    HIGH = "HIGH"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        """0 for low, 1 for raised, 2 for high: how many levels above low."""
        return list(RiskLevel).index(self)


class ObservationLevel(StrEnum):
    STANDARD = "STANDARD"
    HOURLY = "HOURLY"
    EVERY_30_MINUTES = "EVERY_30_MINUTES"
    EVERY_15_MINUTES = "EVERY_15_MINUTES"
    EVERY_10_MINUTES = "EVERY_10_MINUTES"
    EVERY_5_MINUTES = "EVERY_5_MINUTES"
    CONSTANT_WATCH = "CONSTANT_WATCH"

    @property
    def label(self) -> str:
        return OBSERVATION_LABELS[self]


OBSERVATION_LABELS = {
    ObservationLevel.STANDARD: "Standard",
    ObservationLevel.HOURLY: "At least hourly",
    ObservationLevel.EVERY_30_MINUTES: "Every 30 minutes",
    ObservationLevel.EVERY_15_MINUTES: "Every 15 minutes",
    ObservationLevel.EVERY_10_MINUTES: "Every 10 minutes",
    ObservationLevel.EVERY_5_MINUTES: "Every 5 minutes",
    ObservationLevel.CONSTANT_WATCH: "Constant watch",
}


class Attendee(StrEnum):
    """Who attended a case review besides the establishment's own staff and the child's YOT."""

    CHILD = "CHILD"
    FAMILY = "FAMILY"
    HEALTHCARE = "HEALTHCARE"
    MENTAL_HEALTH = "MENTAL_HEALTH"
    EDUCATION = "EDUCATION"
    CHAPLAINCY = "CHAPLAINCY"
    SUBSTANCE_MISUSE = "SUBSTANCE_MISUSE"
    CHILDRENS_SERVICES = "CHILDRENS_SERVICES"
    ADVOCACY = "ADVOCACY"

    @property
    def label(self) -> str:
        return ATTENDEE_LABELS[self]


ATTENDEE_LABELS = {
    Attendee.CHILD: "The child",
    Attendee.FAMILY: "Family or carer",
    Attendee.HEALTHCARE: "Healthcare",
    Attendee.MENTAL_HEALTH: "Mental health in-reach",
    Attendee.EDUCATION: "Education",
    Attendee.CHAPLAINCY: "Chaplaincy",
    Attendee.SUBSTANCE_MISUSE: "Substance misuse service",
    Attendee.CHILDRENS_SERVICES: "Local authority children's services",
    Attendee.ADVOCACY: "Advocacy service",
}


class SelfHarmFlag(Versioned, SQLModel, table=True):
    """One ACCT-style plan for a child: the concern, the levels now, and each step taken.

    ``reviewed_establishment_id`` is where the flag was opened or last reviewed. An open flag of
    a child now held somewhere else came with a transfer and has not been reviewed there yet.
    """

    __tablename__ = "self_harm_flag"
    __table_args__ = (
        # Only one open flag per child.
        partial_index(
            "uq_self_harm_flag_open",
            "young_person_id",
            unique=True,
            where="state = 'OPEN'",
        ),
        sa.Index("ix_self_harm_flag_child", "young_person_id", "opened_at"),
        sa.CheckConstraint("(state = 'OPEN') = (closed_at IS NULL)", name="closed_unless_open"),
        sa.CheckConstraint(
            "(state = 'POST_CLOSURE_ENDED') = (post_closure_review_at IS NOT NULL)",
            name="ended_by_post_closure_review",
        ),
        sa.CheckConstraint(
            "(state = 'ENDED_ON_RELEASE') = (released_at IS NOT NULL)", name="ended_on_release"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id")
    state: FlagState = Field(default=FlagState.OPEN, sa_type=enum_column(FlagState))
    concern: str = Field(sa_type=sa.Text)
    triggers: str | None = Field(default=None, sa_type=sa.Text)
    warning_signs: str | None = Field(default=None, sa_type=sa.Text)
    risk_level: RiskLevel = Field(sa_type=enum_column(RiskLevel))
    observation_level: ObservationLevel = Field(sa_type=enum_column(ObservationLevel))
    opened_at: datetime
    opened_by_id: int = Field(foreign_key="user.id")
    opened_establishment_id: int = Field(foreign_key="agency.id")
    reviewed_establishment_id: int = Field(foreign_key="agency.id")
    next_review_due: datetime | None = None
    immediate_action_plan: str | None = Field(default=None, sa_type=sa.Text)
    immediate_action_plan_at: datetime | None = None
    immediate_action_plan_by_id: int | None = Field(default=None, foreign_key="user.id")
    assessment_interview: str | None = Field(default=None, sa_type=sa.Text)
    assessment_interview_at: datetime | None = None
    assessment_interview_by_id: int | None = Field(default=None, foreign_key="user.id")
    closed_at: datetime | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="user.id")
    post_closure_review: str | None = Field(default=None, sa_type=sa.Text)
    post_closure_review_at: datetime | None = None
    post_closure_review_by_id: int | None = Field(default=None, foreign_key="user.id")
    released_at: datetime | None = None
    released_from_id: int | None = Field(default=None, foreign_key="agency.id")
    created_at: datetime = Field(default_factory=utcnow)
    version_id: int = 1

    @property
    def is_open(self) -> bool:
        return self.state is FlagState.OPEN


class CaseReview(SQLModel, table=True):
    """A case review of a flag: who came, what it decided, and when the next one is due.

    The levels before the review are kept with it, so the history shows each change. A review
    that closes the flag sets no next review; every other review must.
    """

    __tablename__ = "self_harm_case_review"
    __table_args__ = (
        sa.Index("ix_self_harm_case_review_flag", "flag_id", "held_at"),
        sa.CheckConstraint(
            "closes_flag = (next_review_due IS NULL)", name="next_review_unless_closing"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    flag_id: int = Field(foreign_key="self_harm_flag.id")
    held_at: datetime
    establishment_id: int = Field(foreign_key="agency.id")
    attendees: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    yot_attended: bool
    outcome: str = Field(sa_type=sa.Text)
    previous_risk_level: RiskLevel = Field(
        sa_type=enum_column(RiskLevel, name="previous_risk_level")
    )
    risk_level: RiskLevel = Field(sa_type=enum_column(RiskLevel))
    previous_observation_level: ObservationLevel = Field(
        sa_type=enum_column(ObservationLevel, name="previous_observation_level")
    )
    observation_level: ObservationLevel = Field(sa_type=enum_column(ObservationLevel))
    closes_flag: bool = False
    next_review_due: datetime | None = None
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow)

    @property
    def attendee_labels(self) -> list[str]:
        return [Attendee(code).label for code in self.attendees]
