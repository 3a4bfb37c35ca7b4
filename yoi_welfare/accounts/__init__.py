"""Accounts: who is signed in, and for how long (throttling.py: how often they may try)."""


import sqlalchemy as sa
from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.agencies.models import Agency
from yoi_welfare.dates import utcnow
from yoi_welfare.extensions import login_manager

# Keys this package keeps in the (signed) session cookie.
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"


def init_app(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The session carries the user id and the session version; bumping the version on the
        # server ends every session of that user at once.
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        row = db.session().exec(_user_and_agency(), params={"user_id": int(user_id)}).first()
        if row is None:
            return None
        user, agency = row
        if not user.active or user.session_version != int(version):
            return None
        # Nearly every page asks for the user's agency (access.user_agency): one statement
        # loads both.
        g.user_agency = agency
        return user

    app.before_request(end_expired_session)


@db.prepared
def _user_and_agency() -> sa.Select:
    return (
        select(User, Agency)
        .join(Agency, Agency.id == User.agency_id)
        .where(User.id == sa.bindparam("user_id"))
    )


def now_timestamp() -> float:
    return utcnow().timestamp()


def start_session_clock() -> None:
    now = now_timestamp()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now


def end_expired_session():
    """Sign out a session idle too long or older than the absolute limit, and say why."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    config = current_app.config
    now = now_timestamp()
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    idle_limit = config["SESSION_IDLE_MINUTES"] * 60
    absolute_limit = config["SESSION_ABSOLUTE_HOURS"] * 3600
    if signed_in_at is None or last_seen is None or now - signed_in_at > absolute_limit:
        hours = config["SESSION_ABSOLUTE_HOURS"]
        reason = f"You have been signed out because you signed in more than {hours} hours ago."
    elif now - last_seen > idle_limit:
        minutes = config["SESSION_IDLE_MINUTES"]
        reason = f"You have been signed out because you did nothing for {minutes} minutes."
    else:
        session[LAST_SEEN] = now
        return None
    from yoi_welfare import kept_forms
    from yoi_welfare.audit import services as audit

    audit.record("session_expired", user=current_user)
    token = None
    if request.method == "POST" and _form_page(request):
        # What was typed is kept for the user, to be given back once they sign in again.
        token = kept_forms.keep(
            current_user,
            kept_forms.page_path(),
            list(request.form.items(multi=True)),
            utcnow(),
        )
        reason += " What you typed has been kept: sign in again to go back to it."
    else:
        reason += " Sign in again to continue."
    logout_user()
    session.clear()
    flash(reason, "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    response = redirect(url_for("accounts.sign_in", next=target))
    if token:
        kept_forms.set_cookie(response, token)
    return response


def _form_page(req) -> bool:
    """Whether a POST came from a page that shows its form again on GET (so what was typed
    can be given back there), rather than from a button on another page."""
    rule = req.url_rule
    return rule is not None and "GET" in (rule.methods or ()) and bool(req.form)


def absolute_seconds_left() -> int:
    """Seconds until the signed-in session ends however busy it is."""
    now = now_timestamp()
    signed_in_at = session.get(SIGNED_IN_AT, now)
    return max(0, int(signed_in_at + current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600 - now))


def idle_seconds_left() -> int:
    """Seconds until the signed-in session ends if nothing more is asked of the server: the
    idle limit, or sooner the absolute one."""
    return min(current_app.config["SESSION_IDLE_MINUTES"] * 60, absolute_seconds_left())
