"""Writing and checking the audit trail."""

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent

GENESIS_HASH = "0" * 64
# Serialises writers of the chain on PostgreSQL; SQLite already has one writer at a time.
AUDIT_CHAIN_LOCK = 7_100_001


def chain_hash(prev_hash: str, content: dict) -> str:
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def record(
    action: str,
    *,
    young_person_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    outcome: str = "ok",
    user=None,
    user_email: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    session = db.session()
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        action=action,
        outcome=outcome,
        user_id=getattr(user, "id", None),
        user_email=getattr(user, "email", None) or user_email,
        role=str(user.role) if user is not None else None,
        agency_id=getattr(user, "agency_id", None),
        young_person_id=young_person_id,
        object_type=object_type,
        object_id=object_id,
        remote_addr=request.remote_addr if has_request_context() else None,
        path=request.path[:300] if has_request_context() else None,
    )
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(AUDIT_CHAIN_LOCK)))
    last = session.exec(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    event.prev_hash = last or GENESIS_HASH
    event.hash = chain_hash(event.prev_hash, event.content())
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    first_broken_id: int | None
    problem: str | None


def verify_chain(batch_size: int = 5000) -> ChainCheck:
    """Walk the whole chain in id order; report the first event whose hash or link is wrong."""
    session = db.session()
    prev_hash = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return ChainCheck(checked, None, None)
        for event in rows:
            if event.prev_hash != prev_hash:
                return ChainCheck(checked, event.id, "does not follow the event before it")
            if chain_hash(prev_hash, event.content()) != event.hash:
                return ChainCheck(checked, event.id, "has been changed since it was written")
            prev_hash = event.hash
            checked += 1
            last_id = event.id
        session.expunge_all()
