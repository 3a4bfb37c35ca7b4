"""The order of the steps of a self-harm flag (ACCT), as plain rules on instants.

A flag is opened; the immediate action plan follows, then the assessment interview, then the
case reviews one after another; the review that closes the flag comes last of those, and the
post-closure review after it. Each step is dated at or after every step before it that has been
recorded, at or before every step after it that has been recorded, and not in the future.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

__all__ = ["Step", "StepOrderError", "check_step_order"]


class Step(IntEnum):
    """The steps of a flag in the order they happen."""

    OPENED = 1
    IMMEDIATE_ACTION_PLAN = 2
    ASSESSMENT_INTERVIEW = 3
    FIRST_CASE_REVIEW = 4  # the earliest case review recorded
    LAST_CASE_REVIEW = 5  # the latest case review recorded (the closing one, once closed)
    POST_CLOSURE_REVIEW = 6

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.OPENED: "the flag was opened",
    Step.IMMEDIATE_ACTION_PLAN: "the immediate action plan",
    Step.ASSESSMENT_INTERVIEW: "the assessment interview",
    Step.FIRST_CASE_REVIEW: "the first case review",
    Step.LAST_CASE_REVIEW: "the last case review",
    Step.POST_CLOSURE_REVIEW: "the post-closure review",
}


@dataclass(frozen=True)
class StepOrderError:
    """Why an instant does not fit: in the future, or before or after ``step`` at ``at``."""

    message: str
    step: Step | None = None
    at: datetime | None = None


def check_step_order(
    step: Step, when: datetime, recorded: Mapping[Step, datetime | None], now: datetime
) -> StepOrderError | None:
    """Whether a ``step`` dated ``when`` keeps the flag's steps in order; None if it does.

    ``recorded`` holds the steps already recorded (None or absent for those not yet).
    A new case review is checked as ``LAST_CASE_REVIEW``: it follows every review before it.
    """
    if when > now:
        return StepOrderError("must not be in the future")
    # A new case review follows the last one; any other step follows the steps before it.
    follows = [s for s in recorded if s < step or s is step is Step.LAST_CASE_REVIEW]
    for earlier in sorted(follows, reverse=True):
        at = recorded[earlier]
        if at is not None and when < at:
            return StepOrderError(f"must be after {earlier.label}", earlier, at)
    later_steps = [s for s in recorded if s > step and recorded[s] is not None]
    if step is not Step.LAST_CASE_REVIEW:
        for later in sorted(later_steps):
            at = recorded[later]
            if when > at:
                return StepOrderError(f"must be before {later.label}", later, at)
    return None
