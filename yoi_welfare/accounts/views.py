"""Sign-in (password, then the second factor), sign-out and the user's own account."""

import re
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from yoi_welfare import db, kept_forms
from yoi_welfare.access import public, signed_in, user_agency
from yoi_welfare.accounts import idle_seconds_left, mfa, services, start_session_clock
from yoi_welfare.accounts.forms import ChangePasswordForm, SecurityCodeForm, SignInForm
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.throttling import limits_secret_attempts
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import utcnow

bp = Blueprint("accounts", __name__)

# A message, not a password.
WRONG_PASSWORD = "Enter a correct email address and password"  # noqa: S105  # nosec B105
LOCKED_OUT = (
    "There have been too many attempts to sign in with this email address. "
    "Wait {minutes} minutes, then try again"
)
WRONG_CODE = (
    "The security code is not correct or has been used already: enter the code your app shows now"
)
# Between a correct password and a correct code the user is not signed in: the session holds only
# who is part-way through, and for how long.
PENDING = "pending_sign_in"
PENDING_SECONDS = 10 * 60


# What a browser trims from both ends of a URL (C0 controls and space), and what it drops
# anywhere in it (tab, line feed, carriage return): WHATWG URL standard, "basic URL parser".
URL_TRIMMED = "".join(chr(code) for code in range(0x21))
URL_DROPPED = re.compile(r"[\t\n\r]")


def _safe_next(target: str | None) -> str:
    """The page to go to after signing in: a path on this site, or the home page.

    Judged as a browser reads it: a browser drops tabs and line breaks, trims control
    characters from the ends and reads a backslash as a slash, so "/", a tab, "/evil.example"
    is "//evil.example", another site. Only printable ASCII passes, so the path is also safe
    to send in a Location header.
    """
    home = url_for("home.index")
    seen = URL_DROPPED.sub("", (target or "").strip(URL_TRIMMED)).replace("\\", "/")
    if not (seen.isascii() and seen.isprintable() and seen.startswith("/")):
        return home
    parts = urlsplit(seen)
    if seen.startswith("//") or parts.scheme or parts.netloc:
        return home
    return seen


def _locked_out_message() -> str:
    return LOCKED_OUT.format(minutes=current_app.config["LOCKOUT_MINUTES"])


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limits_secret_attempts
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data
        if services.is_locked_out(email, utcnow()):
            services.record_locked_out(email)
            form.form_errors.append(_locked_out_message())
        else:
            user = services.check_password(email, form.password.data)
            if user is not None:
                return _password_accepted(user, request.args.get("next"))
            if services.is_locked_out(email, utcnow()):
                form.form_errors.append(_locked_out_message())
            else:
                form.password.errors = [WRONG_PASSWORD]
    return render_template("accounts/sign_in.html", form=form)


def _password_accepted(user: User, next_url: str | None):
    session.clear()  # a new session at sign-in
    pending = {
        "user_id": user.id,
        "session_version": user.session_version,
        "started_at": utcnow().timestamp(),
        "next": _safe_next(next_url),
    }
    if user.has_second_factor:
        session[PENDING] = pending
        return redirect(url_for("accounts.security_code"))
    if current_app.config["MFA_REQUIRED"]:
        services.enrolment_secret(user)
        session[PENDING] = {**pending, "enrolling": True}
        return redirect(url_for("accounts.set_up_second_factor"))
    return _finish_sign_in(user, pending["next"])


def _finish_sign_in(user: User, next_url: str, message: str | None = None):
    # A form this user sent after their last session ended is given back first.
    kept = kept_forms.dao_claim(user, kept_forms.kept_form_cookie(), utcnow())
    # The response is made first: nothing after signing in should be able to fail.
    response = redirect(_safe_next(next_url) if kept is None else kept.path)
    session.clear()
    g.signed_in_by_this_request = True  # undone if the request still fails: see web.py
    login_user(user)
    start_session_clock()
    if kept is not None:
        kept_forms.restore_after_sign_in(kept)
        response.delete_cookie(kept_forms.COOKIE)
    services.record_sign_in(user)
    if message:
        flash(message, "success")
    return response


def _pending_user() -> User | None:
    """The user part-way through signing in, if they still may finish."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if utcnow().timestamp() - pending.get("started_at", 0) > PENDING_SECONDS:
        return None
    user = db.session().get(User, pending.get("user_id"))
    if user is None or not user.active or user.session_version != pending.get("session_version"):
        return None
    return user


def _start_again():
    session.pop(PENDING, None)
    flash("Sign in again to continue.", "info")
    return redirect(url_for("accounts.sign_in"))


def _locked_out_during_code():
    session.pop(PENDING, None)
    flash(_locked_out_message(), "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@public
@limits_secret_attempts
def security_code():
    user = _pending_user()
    if user is None or not user.has_second_factor:
        return _start_again()
    form = SecurityCodeForm()
    if form.validate_on_submit():
        if services.is_locked_out(user.email, utcnow()):
            services.record_locked_out(user.email)
            return _locked_out_during_code()
        if services.use_code(user, form.code.data, utcnow()):
            return _finish_sign_in(user, session[PENDING]["next"])
        if services.is_locked_out(user.email, utcnow()):
            return _locked_out_during_code()
        form.code.errors = [WRONG_CODE]
    return render_template("accounts/security_code.html", form=form)


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
@limits_secret_attempts
def set_up_second_factor():
    user = _pending_user()
    enrolling = (session.get(PENDING) or {}).get("enrolling")
    if user is None or user.has_second_factor or not enrolling:
        return _start_again()
    secret = services.enrolment_secret(user)
    form = SecurityCodeForm()
    if form.validate_on_submit():
        if services.is_locked_out(user.email, utcnow()):
            services.record_locked_out(user.email)
            return _locked_out_during_code()
        if services.enrol_second_factor(user, form.code.data, utcnow()):
            return _finish_sign_in(
                user, session[PENDING]["next"], "Two-factor authentication is set up"
            )
        if services.is_locked_out(user.email, utcnow()):
            return _locked_out_during_code()
        form.code.errors = [WRONG_CODE]
    uri = mfa.provisioning_uri(secret, user.email, current_app.config["MFA_ISSUER"])
    return render_template(
        "accounts/set_up_two_factor.html",
        form=form,
        qr_code=mfa.qr_code_svg(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@bp.post("/sign-out")
@signed_in
def sign_out():
    audit.record("sign_out", user=current_user)
    services.end_all_sessions(current_user)
    logout_user()
    session.clear()
    return redirect(url_for("accounts.sign_in"))


@bp.post("/session/keep-alive")
@signed_in
def keep_alive():
    """"Stay signed in", from the timeout warning: asking moved the idle clock on (see
    ``end_expired_session``); the answer says how long the session now has."""
    return jsonify(seconds_left=idle_seconds_left())


@bp.get("/account")
@signed_in
def account():
    return render_template("accounts/account.html", agency=user_agency())


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
@limits_secret_attempts
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.PasswordChangeError as error:
            getattr(form, error.field).errors = [error.message]
        else:
            # Every other session has ended; this one goes on under the new session version.
            login_user(user)
            flash("Your password has been changed; you are signed out everywhere else", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)
