"""Lock-out after repeated failed sign-ins, counted by email address.

Failures are counted per normalised email address, whether or not an account has it, so the
lock-out behaves identically for unknown addresses and reveals nothing. The failures are the
audit trail's own events, so every web process sees the same count.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

FAILURE_ACTIONS = ("sign_in_failed", "mfa_code_failed")
SUCCESS_ACTION = "sign_in"


@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int = 10
    window: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(minutes=15)

    @property
    def lookback(self) -> timedelta:
        return self.window + self.duration


def locked_until(failures: list[datetime], now: datetime, policy: LockoutPolicy) -> datetime | None:
    """When the lock-out ends, or None if not locked.

    `failures` are the failed attempts since the last successful sign-in, newest first. An address
    is locked for `duration` after the failure that made `attempts` failures within `window`.
    Attempts refused while locked are not failures, so they do not extend the lock.
    """
    if len(failures) < policy.attempts:
        return None
    newest, oldest_counted = failures[0], failures[policy.attempts - 1]
    if newest - oldest_counted > policy.window:
        return None
    ends = newest + policy.duration
    return ends if now < ends else None
