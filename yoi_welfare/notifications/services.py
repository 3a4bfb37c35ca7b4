"""The one way people are told something: a notification each can read in the service, and an
email at once for what cannot wait, or in the morning's digest for the rest.

Urgent notices (a self-harm flag at high risk, a screening to read tonight, an escalation, an
approval waiting, a death in custody) are emailed at once to everyone told,
whatever they chose. The rest are emailed at once only to users who chose that in "Your
account"; everyone else gets them in one email at 07:00 UK time (``send_digests``). A notice
about a child reaches only users whose agency may see the child that day, and every email that
names the child is recorded as a disclosure when it is written, at once or in the digest.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.dates import LONDON, format_datetime, uk_date
from yoi_welfare.governance.agreements import party_to_agreement_clause
from yoi_welfare.governance.disclosures import Leaving, record_disclosures
from yoi_welfare.governance.models import DisclosureChannel
from yoi_welfare.notifications.models import Delivery, Notification
from yoi_welfare.outbox.services import queue_email
from yoi_welfare.paging import Page, paginate
from yoi_welfare.people.models import YoungPerson

DIGEST_AT = time(7, 0)


@dataclass(frozen=True)
class Notice:
    """One notice: its subject, what happened, the facts to go with it (each a line), what to
    do next, and the page to sign in to (a path). It names the child only by initials and
    reference; everything else is read after signing in."""

    subject: str
    what: str
    facts: tuple[str, ...]
    next_step: str
    path: str

    @property
    def text(self) -> str:
        facts = "".join(f"{fact}\n" for fact in self.facts)
        return f"{self.what}\n\n{facts}\n{self.next_step}"


def _visible(user_agency_id, young_person_id, area_id, on) -> sa.ColumnElement[bool]:
    """A notice with no child, or about a child the user's agency may see on that day."""
    return sa.or_(young_person_id.is_(None), party_to_agreement_clause(user_agency_id, area_id, on))


def notify(
    recipients: list[str],
    child: YoungPerson | None,
    notice: Notice,
    *,
    urgent: bool,
    about: tuple[str, int | None],
    purpose: str,
    at: datetime,
    by: User | None = None,
) -> int:
    """Tell each active recipient (by email address) whose agency may see the child today: a
    notification in the service, and an email now if ``urgent`` or the user wants each notice
    at once, else in the next digest. ``about`` is the record it concerns (type, id). Returns
    how many were told."""
    users = _entitled_users(recipients, child, at)
    cause_type, cause_id = about
    emailed = []
    for user in users:
        notification = Notification(
            user_id=user.id,
            young_person_id=child.id if child else None,
            created_at=at,
            subject=notice.subject,
            body_text=notice.text,
            path=notice.path,
            urgent=urgent,
            purpose=purpose,
            cause_type=cause_type,
            cause_id=cause_id,
        )
        if urgent or user.routine_notices is Delivery.IMMEDIATE:
            email = queue_email(
                user.email,
                _subject(notice.subject, child),
                _body(notice, child),
                cause_type=cause_type,
                cause_id=cause_id,
            )
            notification.email_id = email.id
            emailed.append(user.email)
        else:
            notification.digest_due = True
        db.session().add(notification)
    db.session().flush()
    if child is not None:
        record_disclosures(
            (Leaving(child.id, address) for address in emailed),
            channel=DisclosureChannel.EMAIL,
            purpose=f"{purpose} (the child's initials and reference)",
            at=at,
            by=by,
            object_type=cause_type,
            object_id=cause_id,
        )
    return len(users)


def _entitled_users(addresses: list[str], child: YoungPerson | None, at: datetime) -> list[User]:
    """The active users with these addresses, in their order, whose agency is a party to a
    sharing agreement in force for the child's home area on this day: notices leave under the
    same agreements as pages."""
    if not addresses:
        return []
    statement = select(User).where(User.email.in_(addresses), User.active.is_(True))
    if child is not None:
        statement = statement.where(
            party_to_agreement_clause(User.agency_id, child.home_area_id, uk_date(at))
        )
    found = {user.email: user for user in db.session().exec(statement)}
    return [found[address] for address in dict.fromkeys(addresses) if address in found]


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _child_line(child: YoungPerson) -> str:
    return f"{child.initials} ({child.local_reference})"


def _subject(subject: str, child: YoungPerson | None) -> str:
    return f"{subject}: {child.initials} {child.local_reference}" if child else subject


def _body(notice: Notice, child: YoungPerson | None) -> str:
    facts = "".join(f"{fact}\n" for fact in notice.facts)
    child_line = f"Child: {_child_line(child)}\n" if child else ""
    return (
        f"{notice.what}\n\n"
        f"{child_line}"
        f"{facts}\n"
        f"{notice.next_step} Sign in to see it:\n"
        f"{_base_url()}{notice.path}\n"
    )


def record_emailed(rows: list[dict], email_ids: list[int], *, urgent: bool, at: datetime) -> None:
    """Notifications for mail written in bulk (the escalation scan's), one per email: each row
    holds user_id, young_person_id, subject, body_text, path, purpose, cause_type, cause_id."""
    db.session().execute(
        Notification.__table__.insert(),
        [
            {
                **row,
                "created_at": at,
                "urgent": urgent,
                "digest_due": False,
                "email_id": email_id,
            }
            for row, email_id in zip(rows, email_ids, strict=True)
        ],
    )


# The morning's digest


def digest_cut_off(now: datetime) -> datetime:
    """The latest 07:00 UK time at or before ``now``: a digest carries what was noticed before
    it, so a scheduler restarted in the afternoon sends a missed morning's digest and no more."""
    local = now.astimezone(LONDON)
    cut_off = datetime.combine(local.date(), DIGEST_AT, tzinfo=LONDON)
    if cut_off > local:
        cut_off = datetime.combine(local.date() - timedelta(days=1), DIGEST_AT, tzinfo=LONDON)
    return cut_off


def send_digests(now: datetime) -> int:
    """One email per user with everything waiting for the digest from before this morning's
    07:00, each child named only while the user's agency may still see them. Marks them sent in
    the same transaction, so a second run sends nothing. Returns how many emails were written."""
    if db.session().get_bind().dialect.name == "postgresql":
        db.session().execute(select(func.pg_advisory_xact_lock(DIGEST_LOCK)))
    rows = (
        db.session()
        .exec(
            select(
                Notification,
                User,
                YoungPerson,
                _visible(
                    User.agency_id,
                    Notification.young_person_id,
                    YoungPerson.home_area_id,
                    uk_date(now),
                ),
            )
            .join(User, User.id == Notification.user_id)
            .outerjoin(YoungPerson, YoungPerson.id == Notification.young_person_id)
            .where(Notification.digest_due.is_(True), Notification.created_at < digest_cut_off(now))
            .order_by(Notification.user_id, Notification.created_at, Notification.id)
        )
        .all()
    )
    by_user: dict[int, list] = defaultdict(list)
    users: dict[int, User] = {}
    for notification, user, child, visible in rows:
        notification.digest_due = False
        db.session().add(notification)
        if user.active and visible:
            by_user[user.id].append((notification, child))
            users[user.id] = user
    for user_id, items in by_user.items():
        _send_digest(users[user_id], items, now)
    return len(by_user)


# Digests run one at a time on PostgreSQL, as escalation scans do.
DIGEST_LOCK = 0x0D16E57


def _send_digest(user: User, items: list, now: datetime) -> None:
    base_url = _base_url()
    parts = []
    for notification, child in items:
        child_line = f"Child: {_child_line(child)}\n" if child else ""
        parts.append(
            f"{notification.subject} ({format_datetime(notification.created_at)})\n"
            f"{child_line}{notification.body_text}\n{base_url}{notification.path}\n"
        )
    count = len(items)
    email = queue_email(
        user.email,
        f"YOI Welfare: {count} notice{'s' if count != 1 else ''} since your last email",
        (
            f"What you were told since your last email ({count}). Urgent notices were "
            f"emailed when they happened.\n\n"
            + "\n".join(parts)
            + f"\nEvery notice is at {base_url}/notifications. To have each one emailed at "
            f"once, change it in Your account: {base_url}/account\n"
        ),
        cause_type="notification_digest",
        cause_id=user.id,
    )
    for notification, _child in items:
        notification.email_id = email.id
        db.session().add(notification)
    for purpose, group in _by_purpose(items).items():
        record_disclosures(
            (Leaving(child.id, user.email, n.cause_id) for n, child in group),
            channel=DisclosureChannel.EMAIL,
            purpose=f"{purpose}, in the morning's digest (the child's initials and reference)",
            at=now,
            object_type="notification_digest",
            object_id=email.id,
        )


def _by_purpose(items: list) -> dict[str, list]:
    groups: dict[str, list] = defaultdict(list)
    for notification, child in items:
        if child is not None:
            groups[notification.purpose].append((notification, child))
    return groups


# Reading


def dao_unread_count(user: User, now: datetime) -> int:
    """How many of the user's notifications are unread (about children they may still see)."""
    return (
        db.session()
        .exec(
            select(func.count())
            .select_from(Notification)
            .outerjoin(YoungPerson, YoungPerson.id == Notification.young_person_id)
            .where(
                Notification.user_id == user.id,
                Notification.read_at.is_(None),
                _visible(
                    user.agency_id,
                    Notification.young_person_id,
                    YoungPerson.home_area_id,
                    uk_date(now),
                ),
            )
        )
        .one()
    )


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    child: YoungPerson | None


def dao_notifications(
    user: User, now: datetime, *, unread_only: bool, page: int, per_page: int
) -> Page:
    """A page of the user's notifications, newest first, about children they may still see."""
    statement = (
        select(Notification, YoungPerson)
        .outerjoin(YoungPerson, YoungPerson.id == Notification.young_person_id)
        .where(
            Notification.user_id == user.id,
            _visible(
                user.agency_id, Notification.young_person_id, YoungPerson.home_area_id, uk_date(now)
            ),
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    result = paginate(statement, page, per_page)
    return replace(result, items=[NotificationRow(*row) for row in result.items])


def dao_own_notification(user: User, notification_id: int, now: datetime) -> Notification | None:
    """The user's own notification, if it is about no child or one they may still see."""
    return (
        db.session()
        .exec(
            select(Notification)
            .outerjoin(YoungPerson, YoungPerson.id == Notification.young_person_id)
            .where(
                Notification.id == notification_id,
                Notification.user_id == user.id,
                _visible(
                    user.agency_id,
                    Notification.young_person_id,
                    YoungPerson.home_area_id,
                    uk_date(now),
                ),
            )
        )
        .first()
    )


def mark_read(notification: Notification, now: datetime) -> None:
    if notification.read_at is None:
        notification.read_at = now
        db.session().add(notification)


def mark_all_read(user: User, now: datetime) -> int:
    """Mark every unread notification of the user read; how many were."""
    return (
        db.session()
        .execute(
            sa.update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=now)
            .execution_options(synchronize_session=False)
        )
        .rowcount
    )


def choose_delivery(user: User, delivery: Delivery) -> None:
    """The user's choice for notices that can wait. Urgent ones are emailed at once regardless."""
    user.routine_notices = delivery
    db.session().add(user)
