"""Each form is stored once: a one-use token in every form that writes.

A double click, or a browser or proxy retrying a request, sends the same form twice; without a
check each copy would store its own note, flag or review. Every form that writes carries a
random token (``submission_token()`` in its template, beside the CSRF token). When a
submission succeeds (it redirects), its token is stored, in the same transaction as what the
form saved, with where it led. The same token posted again is not processed a second time: it
leads to the same place, saying that it was saved already. Two copies at once are decided by
the database: on PostgreSQL the second waits on the token's key and then finds it taken, and
is rolled back whole; SQLite runs writing requests one at a time.
"""

import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, flash, g, redirect, request
from flask_login import current_user
from markupsafe import Markup
from sqlmodel import Field, SQLModel

from yoi_welfare import db
from yoi_welfare.dates import utcnow

FIELD = "submission_token"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
ALREADY = "This form had been sent already: it was saved once"


class FormSubmission(SQLModel, table=True):
    __tablename__ = "form_submission"

    token: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    location: str = Field(max_length=2000)
    submitted_at: datetime = Field(default_factory=utcnow)


def _posted_token() -> str | None:
    if request.method != "POST":
        return None
    token = request.form.get(FIELD, "")
    return token if TOKEN.fullmatch(token) else None


def submission_token() -> Markup:
    """The hidden field for a form's template: the token posted with it (a form shown again
    with errors keeps its token), else a new one."""
    token = _posted_token() or secrets.token_urlsafe(24)
    # The token is [A-Za-z0-9_-] only: nothing to escape.
    return Markup(f'<input type="hidden" name="{FIELD}" value="{token}">')  # noqa: S704  # nosec B704


def _sent_already(token: str):
    """Lead a repeated submission where the first one led."""
    row = db.session().get(FormSubmission, token)
    if row is None:
        return None
    flash(ALREADY, "info")
    return redirect(row.location)


def refuse_repeat():
    token = _posted_token()
    if token is not None:
        g.submission_token = token
        return _sent_already(token)
    return None


def remember_success(response):
    """Store the token of a submission that succeeded, before the request commits."""
    token = g.pop("submission_token", None)
    if token is None or response.status_code not in (302, 303):
        return response
    if not current_user.is_authenticated or response.location.startswith("/sign-in"):
        return response  # sent from an expired session: nothing was saved, it may be sent again
    session = db.session()
    session.add(
        FormSubmission(token=token, user_id=current_user.id, location=response.location[:2000])
    )
    try:
        session.flush()
    except sa.exc.IntegrityError:
        # Another copy of this form committed first: this one stores nothing.
        db.rollback()
        return _sent_already(token) or response
    return response


def init_app(app: Flask) -> None:
    """Call after the request cycle's own hooks: this after_request must run before its commit.
    Templates call ``submission_token()`` (registered in ``templating``)."""
    app.before_request(refuse_repeat)
    app.after_request(remember_success)
