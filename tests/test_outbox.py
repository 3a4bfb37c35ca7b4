"""Mail waits in the outbox and reaches a real SMTP server exactly once, whatever happens."""

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.outbox.models import EmailStatus, OutboundEmail
from yoi_welfare.outbox.services import (
    FileTransport,
    SmtpTransport,
    deliver_due,
    mail_settings,
    queue_email,
)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


def start_server(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def smtp_transport(app, port: int) -> SmtpTransport:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    return SmtpTransport(mail_settings(app.config), timeout=5)


def statuses():
    db.session().expire_all()
    return [e.status for e in db.session().exec(select(OutboundEmail).order_by(OutboundEmail.id))]


def test_mail_is_delivered_over_smtp_with_its_attachment(app, smtp_port):
    controller, inbox = start_server(smtp_port)
    try:
        queue_email(
            "acpc@example.org",
            "Weekly report",
            "Attached.",
            attachments=[("report.pdf", "application/pdf", b"%PDF-1.7 test")],
        )
        db.commit()
        result = deliver_due(smtp_transport(app, smtp_port), "service@example.org")
    finally:
        controller.stop()
    assert result.sent == 1
    [message] = inbox.messages
    assert message["To"] == "acpc@example.org"
    assert message["Subject"] == "Weekly report"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "report.pdf"
    assert attachment.get_content() == b"%PDF-1.7 test"
    assert statuses() == [EmailStatus.SENT]


def test_smtp_down_keeps_mail_waiting_then_delivers_each_message_once(app, smtp_port):
    for n in range(3):
        queue_email(f"manager{n}@example.org", f"Escalation {n}", "Overdue.").next_attempt_at = T0
    db.commit()
    transport = smtp_transport(app, smtp_port)

    down = deliver_due(transport, "service@example.org", now=T0)
    assert (down.sent, down.retrying) == (0, 3)
    assert statuses() == [EmailStatus.PENDING] * 3
    # Not due again until its back-off has passed.
    assert (
        deliver_due(transport, "service@example.org", now=T0 + timedelta(seconds=30)).retrying == 0
    )

    controller, inbox = start_server(smtp_port)
    try:
        later = T0 + timedelta(minutes=2)
        assert deliver_due(transport, "service@example.org", now=later).sent == 3
        assert (
            deliver_due(transport, "service@example.org", now=later + timedelta(hours=1)).sent == 0
        )
    finally:
        controller.stop()
    assert sorted(m["Subject"] for m in inbox.messages) == [
        "Escalation 0",
        "Escalation 1",
        "Escalation 2",
    ]
    assert statuses() == [EmailStatus.SENT] * 3


def test_mail_is_retried_for_a_day_before_it_is_marked_failed(app, smtp_port):
    with_clock = queue_email("x@example.org", "S", "B")
    with_clock.created_at = with_clock.next_attempt_at = T0
    db.commit()
    transport = smtp_transport(app, smtp_port)
    now, attempts = T0, 0
    while statuses() == [EmailStatus.PENDING]:
        deliver_due(transport, "service@example.org", now=now)
        attempts += 1
        email = db.session().exec(select(OutboundEmail)).one()
        now = max(now + timedelta(minutes=1), email.next_attempt_at)
        assert attempts < 100
    email = db.session().exec(select(OutboundEmail)).one()
    assert email.status is EmailStatus.FAILED
    assert now - T0 >= timedelta(hours=24)
    assert "ConnectionRefusedError" in email.last_error


def test_without_smtp_mail_is_written_as_eml_files(app, tmp_path):
    queue_email("someone@example.org", "Hello", "Body text")
    db.commit()
    settings = mail_settings(app.config)
    assert settings.host is None
    result = deliver_due(FileTransport(settings.file_directory), settings.mail_from)
    assert result.sent == 1
    [path] = list((tmp_path / "mail").glob("*.eml"))
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Hello"
    assert message.get_content().strip() == "Body text"


class Collecting:
    """A transport that keeps what it is given, and refuses the subjects it is told to."""

    def __init__(self, refuse: str = "\x00never"):
        self.sent, self.refuse = [], refuse

    def send(self, message):
        if self.refuse in message["Subject"]:
            raise RuntimeError("the relay fell over")
        self.sent.append(message["Subject"])


def test_a_header_pasted_with_control_characters_is_cleaned_when_mail_is_written(app):
    email = queue_email(
        "member@example.org", "Report for North\x0bmoor\r\nBcc: everyone@example.org", "Body"
    )
    assert email.subject == "Report for North moor Bcc: everyone@example.org"
    db.commit()
    transport = Collecting()
    assert deliver_due(transport, "service@example.org").sent == 1
    assert transport.sent == ["Report for North moor Bcc: everyone@example.org"]


def test_a_poisoned_message_fails_alone_and_the_mail_after_it_is_delivered(app):
    queue_email("first@example.org", "First", "Body").next_attempt_at = T0
    # Written before headers were cleaned: a vertical tab that email refuses to build.
    db.session().add(
        OutboundEmail(
            message_id="<poisoned@yoi-welfare.invalid>",
            to_address="member@example.org",
            subject="Report for North\x0bmoor",
            body_text="Body",
            next_attempt_at=T0,
        )
    )
    queue_email("third@example.org", "Third", "Body").next_attempt_at = T0
    queue_email("fourth@example.org", "Fourth is refused", "Body").next_attempt_at = T0
    queue_email("fifth@example.org", "Fifth", "Body").next_attempt_at = T0
    db.commit()
    transport = Collecting(refuse="refused")
    result = deliver_due(transport, "service@example.org", now=T0)
    assert transport.sent == ["First", "Third", "Fifth"]
    assert (result.sent, result.retrying, result.failed) == (3, 1, 1)
    assert statuses() == [
        EmailStatus.SENT,
        EmailStatus.FAILED,
        EmailStatus.SENT,
        EmailStatus.PENDING,
        EmailStatus.SENT,
    ]
    poisoned = (
        db.session()
        .exec(select(OutboundEmail).where(OutboundEmail.to_address == "member@example.org"))
        .one()
    )
    assert poisoned.last_error.startswith("ValueError")


def test_mail_that_keeps_failing_makes_the_scheduler_unhealthy(app, client):
    import time_machine

    from yoi_welfare.jobs import JOB_NAMES, run_job

    queue_email("member@example.org", "Refused", "Body").next_attempt_at = T0
    db.commit()
    transport = Collecting(refuse="Refused")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        for name in JOB_NAMES:
            run_job(app, name, lambda: "done")
        assert client.get("/healthz/scheduler").status_code == 200
        for _ in range(5):
            run_job(
                app,
                "deliver_mail",
                lambda: deliver_due(transport, "s@example.org", now=T0 + timedelta(days=1)),
            )
            db.session().exec(select(OutboundEmail)).one().next_attempt_at = T0
            db.commit()
        response = client.get("/healthz/scheduler")
    assert response.status_code == 503
    assert response.json["deliver_mail"]["failures_in_a_row"] == 0
    assert response.json["mail"] == {"failing": 1, "given_up_in_the_last_day": 0}
