from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from yoi_welfare.access import public, signed_in
from yoi_welfare.accounts.forms import SignInForm
from yoi_welfare.accounts.services import authenticate, end_all_sessions
from yoi_welfare.audit import services as audit

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a new session at sign-in
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        error = "Enter a correct email address and password"
        form.password.errors = [error]
    return render_template("accounts/sign_in.html", form=form, error=error)


@bp.post("/sign-out")
@signed_in
def sign_out():
    audit.record("sign_out")
    end_all_sessions(current_user)
    logout_user()
    session.clear()
    return redirect(url_for("accounts.sign_in"))
