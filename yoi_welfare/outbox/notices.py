"""Notices about one child to the people who must act: what little leaves the service, and the
record that it left."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from yoi_welfare.accounts.models import User
from yoi_welfare.governance.disclosures import Leaving, record_disclosures
from yoi_welfare.governance.models import DisclosureChannel
from yoi_welfare.outbox.services import queue_email
from yoi_welfare.people.models import YoungPerson


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


def send_notice(
    recipients: list[str],
    child: YoungPerson,
    notice: Notice,
    *,
    about: tuple[str, int],
    purpose: str,
    at: datetime,
    by: User | None = None,
) -> int:
    """Queue the notice to each recipient and record each as a disclosure of the child's
    initials and reference. ``about`` is the record it concerns (type, id). Returns how many."""
    object_type, object_id = about
    link = f"{current_app.config['BASE_URL'].rstrip('/')}{notice.path}"
    facts = "".join(f"{fact}\n" for fact in notice.facts)
    for address in recipients:
        queue_email(
            address,
            f"{notice.subject}: {child.initials} {child.local_reference}",
            (
                f"{notice.what}\n\n"
                f"Child: {child.initials} ({child.local_reference})\n"
                f"{facts}\n"
                f"{notice.next_step} Sign in to see it:\n"
                f"{link}\n"
            ),
            cause_type=object_type,
            cause_id=object_id,
        )
    record_disclosures(
        (Leaving(child.id, address) for address in recipients),
        channel=DisclosureChannel.EMAIL,
        purpose=f"{purpose} (the child's initials and reference)",
        at=at,
        by=by,
        object_type=object_type,
        object_id=object_id,
    )
    return len(recipients)
