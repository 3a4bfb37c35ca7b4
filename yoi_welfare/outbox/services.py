"""Queueing mail in the caller's transaction, and delivering it later with retries."""

import logging
import os
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.dates import utcnow
from yoi_welfare.outbox.models import EmailAttachment, EmailStatus, OutboundEmail

log = logging.getLogger(__name__)

# Keep trying for at least a day before giving up on a message.
RETRY_WINDOW = timedelta(hours=24)
# A message still waiting after this many failed attempts (about a quarter of an hour) is mail
# that keeps failing: the scheduler's health check reports it.
FAILING_AFTER_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    username: str | None
    password: str | None
    starttls: bool
    mail_from: str
    file_directory: Path


def mail_settings(config) -> MailSettings:
    """SMTP settings from the app config, falling back to the environment."""

    def get(name: str, default: str | None = None) -> str | None:
        value = config.get(name)
        if value is None:
            value = os.environ.get(name, default)
        return value or default

    return MailSettings(
        host=get("SMTP_HOST"),
        port=int(get("SMTP_PORT", "587")),
        username=get("SMTP_USERNAME"),
        password=get("SMTP_PASSWORD"),
        starttls=str(get("SMTP_STARTTLS", "true")).lower() in ("1", "true", "yes", "on"),
        mail_from=get("MAIL_FROM", "YOI Welfare <no-reply@yoi-welfare.invalid>"),
        file_directory=Path(config["INSTANCE_DIR"]) / "mail",
    )


def header_value(value: str, limit: int = 200) -> str:
    """A value fit for a mail header: control and format characters (a vertical tab pasted
    from a word processor, a line break, a bidi override) become spaces, runs of spaces one."""
    shown = "".join(" " if unicodedata.category(c).startswith("C") else c for c in value)
    return re.sub(r"\s+", " ", shown).strip()[:limit]


def queue_email(
    to_address: str,
    subject: str,
    body_text: str,
    *,
    cause_type: str | None = None,
    cause_id: int | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> OutboundEmail:
    """Write a message to the outbox in the current transaction; it is sent after commit."""
    session = db.session()
    email = OutboundEmail(
        message_id=make_msgid(domain="yoi-welfare.invalid"),
        to_address=header_value(to_address, 254),
        subject=header_value(subject),
        body_text=body_text,
        cause_type=cause_type,
        cause_id=cause_id,
    )
    session.add(email)
    session.flush()
    for filename, content_type, content in attachments:
        session.add(
            EmailAttachment(
                email_id=email.id,
                filename=header_value(filename),
                content_type=content_type,
                content=content,
            )
        )
    return email


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, settings: MailSettings, timeout: float = 30):
        self.settings = settings
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.host, s.port, timeout=self.timeout) as smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
            smtp.send_message(message)


class FileTransport:
    """Development default: each message becomes an .eml file that a mail client can open."""

    def __init__(self, directory: Path):
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
        (self.directory / f"{stem}.eml").write_bytes(bytes(message))


def transport_for(settings: MailSettings) -> Transport:
    return SmtpTransport(settings) if settings.host else FileTransport(settings.file_directory)


def build_message(email: OutboundEmail, attachments: list[EmailAttachment], sender: str):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(email.created_at)
    message.set_content(email.body_text)
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failure, never more than an hour."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_RETRY)


@dataclass
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _claim_next(now: datetime, after_id: int) -> OutboundEmail | None:
    statement = (
        select(OutboundEmail)
        .where(
            OutboundEmail.status == EmailStatus.PENDING,
            OutboundEmail.next_attempt_at <= now,
            OutboundEmail.id > after_id,
        )
        .order_by(OutboundEmail.id)
        .limit(1)
    )
    if db.session().get_bind().dialect.name == "postgresql":
        # Two delivery jobs never send the same message: each skips rows the other holds.
        statement = statement.with_for_update(skip_locked=True)
    return db.session().exec(statement).first()


def deliver_due(
    transport: Transport, sender: str, now: datetime | None = None, limit: int = 200
) -> DeliveryResult:
    """Send every message that is due, one transaction per message, so a crash loses nothing."""
    now = now or utcnow()
    result = DeliveryResult()
    session = db.session()
    last_id = 0
    for _ in range(limit):
        email = _claim_next(now, last_id)
        if email is None:
            break
        last_id = email.id
        attachments = list(
            session.exec(select(EmailAttachment).where(EmailAttachment.email_id == email.id))
        )
        email.attempts += 1
        try:
            message = build_message(email, attachments, sender)
        except Exception as error:  # a message that cannot be built never will be: give up
            log.exception("mail %s cannot be built; marked failed", email.id)
            _failed(email, error)
            result.failed += 1
        else:
            _send(transport, message, email, now, result)
        session.add(email)
        db.commit()
    return result


def _failed(email: OutboundEmail, error: Exception) -> None:
    email.status = EmailStatus.FAILED
    email.last_error = f"{type(error).__name__}: {error}"[:500]


def _send(transport: Transport, message: EmailMessage, email, now, result) -> None:
    """Send one message, noting on it how that went; whatever goes wrong stays with it."""
    try:
        transport.send(message)
    except Exception as error:  # any failure is this message's, and is retried
        if not isinstance(error, OSError | smtplib.SMTPException):
            log.exception("mail %s could not be sent", email.id)
        email.last_error = f"{type(error).__name__}: {error}"[:500]
        if now >= email.created_at + RETRY_WINDOW:
            email.status = EmailStatus.FAILED
            result.failed += 1
        else:
            email.next_attempt_at = now + retry_delay(email.attempts)
            result.retrying += 1
    else:
        email.status = EmailStatus.SENT
        email.sent_at = now
        email.last_error = None
        result.sent += 1


@dataclass(frozen=True)
class MailHealth:
    failing: int  # waiting, after failing again and again
    given_up: int  # given up on in the last day

    @property
    def healthy(self) -> bool:
        return self.failing == 0 and self.given_up == 0


def mail_health(now: datetime) -> MailHealth:
    """Mail that keeps failing, which a delivery job that itself succeeds would not show."""
    failing = sa.and_(
        OutboundEmail.status == EmailStatus.PENDING,
        OutboundEmail.attempts >= FAILING_AFTER_ATTEMPTS,
    )
    # Given up on 24 hours after it was written: so within the last day if written in the last two.
    given_up = sa.and_(
        OutboundEmail.status == EmailStatus.FAILED,
        OutboundEmail.created_at >= now - 2 * RETRY_WINDOW,
    )
    row = (
        db.session()
        .exec(
            select(sa.func.count().filter(failing), sa.func.count().filter(given_up)).select_from(
                OutboundEmail
            )
        )
        .one()
    )
    return MailHealth(*row)
