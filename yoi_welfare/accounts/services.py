"""Signing in and out, the second factor, lock-out and changing one's own password."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import func
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts import mfa
from yoi_welfare.accounts.lockout import (
    FAILURE_ACTIONS,
    SUCCESS_ACTION,
    LockoutPolicy,
    locked_until,
)
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.passwords import hash_password, password_problem, verify_password
from yoi_welfare.agencies.models import Agency, AgencyKind
from yoi_welfare.audit import services as audit
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.audit.services import normalise_email


def dao_get_user_by_email(email: str) -> User | None:
    return db.session().exec(select(User).where(func.lower(User.email) == email.lower())).first()


def lockout_policy() -> LockoutPolicy:
    config = current_app.config
    return LockoutPolicy(
        attempts=config["LOCKOUT_ATTEMPTS"],
        window=timedelta(minutes=config["LOCKOUT_WINDOW_MINUTES"]),
        duration=timedelta(minutes=config["LOCKOUT_MINUTES"]),
    )


def is_locked_out(email: str, now: datetime) -> bool:
    """Whether sign-in with this email address is locked, whether or not an account has it."""
    policy = lockout_policy()
    events = db.session().exec(
        select(AuditEvent.action, AuditEvent.occurred_at)
        .where(
            AuditEvent.user_email == normalise_email(email),
            AuditEvent.occurred_at > now - policy.lookback,
            AuditEvent.action.in_((*FAILURE_ACTIONS, SUCCESS_ACTION)),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    failures = []
    for action, occurred_at in events:
        if action == SUCCESS_ACTION:
            break
        failures.append(occurred_at)
    return locked_until(failures, now, policy) is not None


def record_locked_out(email: str) -> None:
    audit.record(
        "sign_in_locked_out", user=None, outcome="denied", user_email=normalise_email(email)
    )


def check_password(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; failures are audited alike."""
    user = dao_get_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        audit.record(
            "sign_in_failed", user=None, outcome="denied", user_email=normalise_email(email)
        )
        return None
    return user


def record_sign_in(user: User) -> None:
    audit.record("sign_in", user=user)


def use_code(user: User, code: str, now: datetime) -> bool:
    """Accept the user's current code once: a code already used (or an older one) is refused."""
    step = mfa.matching_timestep(user.mfa_secret, code, now) if user.mfa_secret else None
    if step is not None and _claim_timestep(user, step):
        return True
    audit.record("mfa_code_failed", outcome="denied", user=user)
    return False


def _claim_timestep(user: User, step: int) -> bool:
    # One conditional UPDATE: of two requests racing with the same code, only one matches a row.
    result = db.session().execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.mfa_last_timestep.is_(None), User.mfa_last_timestep < step),
        )
        .values(mfa_last_timestep=step)
    )
    return result.rowcount == 1


def enrolment_secret(user: User) -> str:
    """The secret the user is setting up their app with: the one offered before, if they have
    not finished (so a QR code already scanned still works), else a new one."""
    if user.mfa_enrolment_secret is None:
        db.writes()
        user.mfa_enrolment_secret = mfa.new_secret()
        db.session().add(user)
    return user.mfa_enrolment_secret


def enrol_second_factor(user: User, code: str, now: datetime) -> bool:
    """Save the secret offered if the code proves the user's app holds it; the code is then
    used up."""
    secret = user.mfa_enrolment_secret
    step = mfa.matching_timestep(secret, code, now) if secret else None
    if step is None:
        audit.record("mfa_code_failed", outcome="denied", user=user)
        return False
    user.mfa_secret = secret
    user.mfa_enrolment_secret = None
    user.mfa_last_timestep = step
    db.session().add(user)
    audit.record("mfa_enrolled", user=user, object_type="user", object_id=user.id)
    return True


def end_all_sessions(user: User) -> None:
    user.session_version += 1
    db.session().add(user)


class PasswordChangeError(Exception):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the user's own password and end every other session of theirs."""
    if not verify_password(user.password_hash, current_password):
        audit.record(
            "password_change_failed",
            user=user,
            outcome="denied",
            object_type="user",
            object_id=user.id,
        )
        raise PasswordChangeError("Your current password is incorrect", "current_password")
    if verify_password(user.password_hash, new_password):
        problem = "Choose a password that is different from your current one"
    else:
        problem = password_problem(new_password, (user.name, user.email))
    if problem is not None:
        raise PasswordChangeError(problem, "new_password")
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    audit.record("password_changed", object_type="user", object_id=user.id, user=user)


def dao_acpc_member_emails(area_id: int) -> list[str]:
    """The active members of the area's ACPC."""
    return dao_user_emails(
        sa.and_(Agency.area_id == area_id, Agency.kind == AgencyKind.ACPC),
        User.role == Role.ACPC_MEMBER,
    )


def dao_user_emails(agencies: sa.ColumnElement[bool], *users: sa.ColumnElement[bool]) -> list[str]:
    """The active users matching ``users`` of the agencies matching ``agencies``."""
    return list(
        db.session()
        .exec(
            select(User.email)
            .join(Agency, Agency.id == User.agency_id)
            .where(User.active.is_(True), agencies, *users)
            .order_by(User.email)
        )
        .all()
    )


def dao_manager_emails(agencies: sa.ColumnElement[bool]) -> list[str]:
    """The active managers of the agencies matching ``agencies`` (a condition on Agency): who
    is told at once when something of theirs needs acting on."""
    return dao_user_emails(agencies, User.is_manager.is_(True))
