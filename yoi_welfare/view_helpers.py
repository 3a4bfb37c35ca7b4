"""Small pieces every feature's views share."""

from flask import request

from yoi_welfare import db
from yoi_welfare.errors import ServiceError


def page_number() -> int:
    """The ?page= number, 1 when missing or nonsense."""
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() and len(raw) < 7 else 1


def show_error(form, error: ServiceError) -> None:
    """Undo the unit of work and show the service's message on its field (or above the form)."""
    db.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
