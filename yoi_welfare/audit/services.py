"""Writing, reading and checking the audit trail."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.agencies.models import Agency
from yoi_welfare.audit.models import AuditChainHead, AuditEvent, event_content
from yoi_welfare.dates import utcnow
from yoi_welfare.paging import Page

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def chain_hash(prev_hash: str, content: dict) -> str:
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def normalise_email(email: str) -> str:
    """The form in which an email address is stored and compared: trimmed, lower case."""
    return email.strip().lower()[:254]


def _email(email: str | None) -> str | None:
    return normalise_email(email) if email else None


HEAD = AuditChainHead.__table__


@db.prepared
def _head_hash() -> sa.Select:
    """The newest event's hash, its row locked until the end of the transaction (PostgreSQL;
    SQLite has one writer)."""
    return sa.select(HEAD.c.hash).where(HEAD.c.id == HEAD_ID).with_for_update()


@db.prepared
def _move_head() -> sa.Update:
    return (
        sa.update(HEAD)
        .where(HEAD.c.id == HEAD_ID)
        .values(
            event_id=sa.bindparam("new_event_id"),
            hash=sa.bindparam("new_hash"),
            event_count=HEAD.c.event_count + 1,
        )
    )


def _first_head() -> AuditChainHead:
    """The head row, for a database built without the migrations, which lacks it."""
    session = db.session()
    last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    count = session.exec(select(func.count()).select_from(AuditEvent)).one()
    return AuditChainHead(
        id=HEAD_ID,
        event_id=last.id if last else None,
        hash=last.hash if last else GENESIS_HASH,
        event_count=count,
    )


EVENT = AuditEvent.__table__


@db.prepared
def _insert_event() -> sa.Insert:
    return sa.insert(EVENT).returning(EVENT.c.id)


@db.prepared
def _insert_event_and_move_head() -> sa.Update:
    """PostgreSQL: the event written and the head moved on to it in one statement."""
    values = {column.name: sa.bindparam(column.name) for column in EVENT.c if column.name != "id"}
    written = sa.insert(EVENT).values(values).returning(EVENT.c.id).cte("written")
    return (
        sa.update(HEAD)
        .where(HEAD.c.id == HEAD_ID)
        .values(
            event_id=sa.select(written.c.id).scalar_subquery(),
            hash=sa.bindparam("hash"),
            event_count=HEAD.c.event_count + 1,
        )
        .returning(HEAD.c.event_id)
    )


def dao_last_event(action: str, object_type: str, object_id: int) -> AuditEvent | None:
    """The latest event ``action`` about one record, if there is one."""
    return (
        db.session()
        .exec(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == object_type,
                AuditEvent.object_id == object_id,
                AuditEvent.action == action,
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        .first()
    )


def _nowhere() -> tuple[str | None, str | None]:
    return None, None


# Where the event came from (client address, path): the request cycle tells it (see
# ``origin_from``); a job or a command has none.
_origin: Callable[[], tuple[str | None, str | None]] = _nowhere


def origin_from(source: Callable[[], tuple[str | None, str | None]]) -> None:
    """Name the function that says where an event comes from (set once, by the request cycle)."""
    global _origin
    _origin = source


def record(
    action: str,
    *,
    user,
    young_person_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    outcome: str = "ok",
    user_email: str | None = None,
    detail: str | None = None,
) -> int:
    """Append one event to the chain, in the caller's transaction; return its id.

    `user` is who acted (None for the service itself: a job or a command). `detail` is a short
    fixed description of a change (never welfare text, a password or a token).
    Written as one plain INSERT: every page a child's record is on records its view, and the
    unit of work took several times longer than the statement.
    """
    db.writes()
    session = db.session()
    remote_addr, path = _origin()
    event = {
        "occurred_at": utcnow(),
        "action": action,
        "outcome": outcome,
        "user_id": getattr(user, "id", None),
        "user_email": _email(getattr(user, "email", None) or user_email),
        "role": str(user.role) if user is not None else None,
        "agency_id": getattr(user, "agency_id", None),
        "young_person_id": young_person_id,
        "object_type": object_type,
        "object_id": object_id,
        "remote_addr": remote_addr,
        "path": path[:300] if path else None,
        "detail": detail[:200] if detail else None,
    }
    prev_hash = session.execute(_head_hash()).scalar()
    head = _first_head() if prev_hash is None else None
    event["prev_hash"] = prev_hash if head is None else head.hash
    event["hash"] = chain_hash(event["prev_hash"], event_content(event))
    if head is None and session.get_bind().dialect.name == "postgresql":
        return session.execute(_insert_event_and_move_head(), event).scalar_one()
    event_id = session.execute(_insert_event(), event).scalar_one()
    if head is None:
        # The head row moves on in the statement itself: no pass of the unit of work.
        session.execute(_move_head(), {"new_event_id": event_id, "new_hash": event["hash"]})
    else:
        head.event_id = event_id
        head.hash = event["hash"]
        head.event_count += 1
        session.add(head)
        session.flush()
    return event_id


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    first_broken_id: int | None
    problem: str | None
    last_hash: str = GENESIS_HASH


def verify_chain(batch_size: int = 5000) -> ChainCheck:
    """Walk the whole chain in id order; report the first event whose hash or link is wrong.

    Then compare the end of the chain with the head row, so that events cut from the end show too.
    """
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
            break
        for event in rows:
            if event.prev_hash != prev_hash:
                return ChainCheck(checked, event.id, "does not follow the event before it")
            if chain_hash(prev_hash, event.content()) != event.hash:
                return ChainCheck(checked, event.id, "has been changed since it was written")
            prev_hash = event.hash
            checked += 1
            last_id = event.id
        session.expunge_all()
    head = session.get(AuditChainHead, HEAD_ID)
    if head is not None and (head.hash != prev_hash or head.event_count != checked):
        missing = head.event_count - checked
        return ChainCheck(
            checked,
            head.event_id,
            f"is recorded as the newest event but is missing ({missing} event"
            f"{'' if missing == 1 else 's'} cut from the end of the chain)"
            if missing > 0
            else "is recorded as the newest event but the chain does not end with it",
        )
    return ChainCheck(checked, None, None, prev_hash)


@dataclass(frozen=True)
class EventRow:
    """An audit event with the names of who did it, for display."""

    event: AuditEvent
    user_name: str | None
    agency_name: str | None


def _event_page(condition, page: int, per_page: int) -> Page:
    session = db.session()
    total = session.exec(select(func.count()).select_from(AuditEvent).where(condition)).one()
    rows = session.exec(
        select(AuditEvent, User.name, Agency.name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .outerjoin(Agency, Agency.id == AuditEvent.agency_id)
        .where(condition)
        .order_by(AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    items = [EventRow(event, user_name, agency_name) for event, user_name, agency_name in rows]
    return Page(items=items, page=page, per_page=per_page, total=total)


def dao_events_for_child(
    young_person_id: int, page: int, per_page: int, merged_ids: list[int] | None = None
) -> Page:
    """Everything recorded about one child's record (and the records merged into it), newest
    first."""
    ids = [young_person_id, *(merged_ids or ())]
    return _event_page(AuditEvent.young_person_id.in_(ids), page, per_page)


def dao_events_by_user(user: User, page: int, per_page: int) -> Page:
    """Everything one user did or was refused, newest first, with failed sign-ins as them."""
    by_email = sa.and_(AuditEvent.user_id.is_(None), AuditEvent.user_email == user.email)
    return _event_page(sa.or_(AuditEvent.user_id == user.id, by_email), page, per_page)
