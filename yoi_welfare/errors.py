"""The error every service raises for a request it cannot carry out."""

from yoi_welfare import db


class ServiceError(Exception):
    """A message a person can act on; `field` names the form field to show it on, if any.

    Made in a request, it marks the request's attempt as failed: whatever the attempt wrote is
    rolled back, never committed (``db.unit_of_work``, ``db.end_request``). So make one only to
    raise it.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        db.attempt_failed()


def required_text(
    value: str | None,
    field: str,
    missing: str,
    what: str,
    limit: int,
    error: type[ServiceError] = ServiceError,
) -> str:
    """Text a person must give, stripped: ``error(missing)`` when empty, ``error`` naming
    ``what`` when longer than ``limit`` characters; either on the form field ``field``."""
    value = (value or "").strip()
    if not value:
        raise error(missing, field)
    if len(value) > limit:
        raise error(f"{what} must be {limit} characters or fewer", field)
    return value
