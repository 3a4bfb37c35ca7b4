"""What was typed survives a timeout: a form sent after the session ended is kept, and given
back to the same user after they sign in again.

A long note typed over more than the idle timeout used to be lost on Save. Now the form's
fields are kept on the server (``KeptForm``), encrypted with a key derived from ``SECRET_KEY``
(Fernet), for 24 hours; the browser gets a random token in a cookie, whose digest is all the
row holds of it. Signing in again with that cookie, as the user who typed the form, leads back
to the form's page with the fields filled in again (``restored_formdata``, which every
``GovForm`` reads) and a notice; nothing is saved until the user sends it again, with fresh
CSRF and one-use tokens. A kept form is given back once, and discarded with a notice when its
page is one the user may no longer see. Rows older than 24 hours are deleted whenever a form
is kept or a user signs in.
"""

import base64
import hashlib
import json
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user
from sqlmodel import Field, SQLModel, delete, select
from werkzeug.datastructures import MultiDict

from yoi_welfare import db
from yoi_welfare.dates import utcnow
from yoi_welfare.submissions import FIELD as SUBMISSION_FIELD

COOKIE = "kept_form"
KEPT_FOR = timedelta(hours=24)
# The session key naming the kept form the next page gives back.
RESTORING = "restoring_kept_form"
NOT_KEPT = frozenset({"csrf_token", SUBMISSION_FIELD})
# Passwords are never kept, even encrypted: they are typed again. (Security codes are asked
# only while signing in, when there is no session to end.)
SECRET_WORDS = ("password",)
RESTORED = (
    "What you typed before you were signed out has been put back. Nothing has been saved: "
    "check it, then send the form."
)
DISCARDED_HIDDEN = (
    "What you typed before you were signed out was about a record you may no longer see or "
    "change, so it has been discarded."
)
DISCARDED_GONE = (
    "What you typed before you were signed out could not be put back, so it has been discarded."
)


class KeptForm(SQLModel, table=True):
    __tablename__ = "kept_form"

    id: int | None = Field(default=None, primary_key=True)
    # SHA-256 of the token in the browser's cookie: the row alone cannot be claimed.
    token_digest: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    path: str = Field(max_length=2000)
    # The fields, as JSON, encrypted (Fernet): welfare text is never stored readable here.
    payload: bytes = Field(sa_type=sa.LargeBinary)
    kept_at: datetime = Field(default_factory=utcnow, index=True)


def _fernet() -> Fernet:
    """The key, derived from SECRET_KEY (HKDF-SHA256) once per app: a new SECRET_KEY leaves
    kept forms unreadable, and they are discarded with a notice."""
    fernet = current_app.extensions.get("kept_forms_fernet")
    if fernet is None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"yoi_welfare kept forms"
        ).derive(current_app.config["SECRET_KEY"].encode())
        fernet = current_app.extensions["kept_forms_fernet"] = Fernet(base64.urlsafe_b64encode(key))
    return fernet


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def prune(now: datetime) -> None:
    """Delete every kept form older than 24 hours."""
    db.session().exec(delete(KeptForm).where(KeptForm.kept_at < now - KEPT_FOR))


def keep(user, path: str, fields: list[tuple[str, str]], now: datetime) -> str:
    """Keep a form the user sent after their session ended; return the cookie's token."""
    prune(now)
    token = secrets.token_urlsafe(32)
    kept = [
        (name, value)
        for name, value in fields
        if name not in NOT_KEPT and not any(word in name for word in SECRET_WORDS)
    ]
    payload = json.dumps({"user_id": user.id, "path": path, "fields": kept})
    db.session().add(
        KeptForm(
            token_digest=_digest(token),
            user_id=user.id,
            path=path,
            payload=_fernet().encrypt(payload.encode()),
            kept_at=now,
        )
    )
    db.session().flush()
    return token


def dao_claim(user, token: str | None, now: datetime) -> KeptForm | None:
    """At sign-in: the form this browser kept for this user in the last 24 hours, if any.
    Another user signing in on the same browser finds nothing."""
    prune(now)
    if not token:
        return None
    return (
        db.session()
        .exec(
            select(KeptForm).where(
                KeptForm.token_digest == _digest(token),
                KeptForm.user_id == user.id,
                KeptForm.kept_at >= now - KEPT_FOR,
            )
        )
        .first()
    )


def kept_form_cookie() -> str | None:
    return request.cookies.get(COOKIE)


def set_cookie(response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(KEPT_FOR.total_seconds()),
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )


def restore_after_sign_in(kept: KeptForm) -> str:
    """Say which form the next page gives back; return that page's path."""
    session[RESTORING] = kept.id
    return kept.path


def _fields(kept: KeptForm, user_id: int) -> MultiDict | None:
    try:
        payload = json.loads(_fernet().decrypt(kept.payload))
    except (InvalidToken, ValueError):
        return None
    if payload.get("user_id") != user_id or payload.get("path") != kept.path:
        return None
    return MultiDict([(name, value) for name, value in payload["fields"]])


def page_path() -> str:
    """This page's path with its query string (a form may depend on one, ``?kind=...``)."""
    return request.full_path.rstrip("?")


def restored_formdata() -> MultiDict | None:
    """The fields given back on this page, for its form (``GovForm`` reads them)."""
    return g.get("restored_formdata")


def first_shown() -> bool:
    """A form shown for the first time: a GET that gives back no kept form. Its defaults
    (today's date, the record's saved values) are filled in only then."""
    return request.method == "GET" and restored_formdata() is None


def _give_back():
    """Before a page: fill its form from the kept one, if the sign-in said so."""
    kept_id = session.pop(RESTORING, None)
    if kept_id is None or request.method != "GET" or not current_user.is_authenticated:
        return None
    db.writes()  # the kept form is deleted once given back
    kept = db.session().get(KeptForm, kept_id)
    if kept is None or kept.user_id != current_user.id:
        return None
    g.kept_form_id = kept.id
    if kept.path != page_path() or (fields := _fields(kept, current_user.id)) is None:
        g.kept_form_unusable = True
        return None
    g.restored_formdata = fields
    return None


def _given_back(response):
    """After the page: the kept form is used up, given back or not. A page the user may no
    longer see (404, 403), or that no longer shows the form, discards it with a notice."""
    kept_id = g.pop("kept_form_id", None)
    if kept_id is None:
        return response
    db.session().exec(delete(KeptForm).where(KeptForm.id == kept_id))
    shown = response.status_code == 200 and not g.pop("kept_form_unusable", False)
    if shown:
        return response
    message = DISCARDED_HIDDEN if response.status_code in (403, 404) else DISCARDED_GONE
    flash(message, "important")
    return redirect(url_for("home.index"))


def init_app(app: Flask) -> None:
    """Call after the request cycle's own hooks: the deletion is committed with the request."""
    app.before_request(_give_back)
    app.after_request(_given_back)
