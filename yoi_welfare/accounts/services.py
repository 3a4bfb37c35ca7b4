"""Signing in and out."""

from sqlalchemy import func
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.passwords import verify_password
from yoi_welfare.audit import services as audit


def dao_get_user_by_email(email: str) -> User | None:
    return db.session().exec(select(User).where(func.lower(User.email) == email.lower())).first()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; failures are audited alike."""
    user = dao_get_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        audit.record("sign_in_failed", outcome="denied", user_email=email[:254])
        return None
    audit.record("sign_in", user=user)
    return user


def end_all_sessions(user: User) -> None:
    user.session_version += 1
    db.session().add(user)
