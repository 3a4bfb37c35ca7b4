"""Notices about one child to the people who must act: what little leaves the service, and the
record that it left."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.dates import uk_date
from yoi_welfare.governance.agreements import party_to_agreement_clause
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
    """Queue the notice to each recipient whose agency may see the child today, and record each
    as a disclosure of the child's initials and reference. ``about`` is the record it concerns
    (type, id). Returns how many were sent."""
    object_type, object_id = about
    recipients = entitled_recipients(recipients, child, at)
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


def entitled_recipients(addresses: list[str], child: YoungPerson, at: datetime) -> list[str]:
    """The addresses, in their order, of users whose agency is a party to a sharing agreement in
    force for the child's home area on this day: mail leaves under the same agreements as pages."""
    if not addresses:
        return []
    entitled = set(
        db.session().exec(
            select(User.email).where(
                User.email.in_(addresses),
                party_to_agreement_clause(User.agency_id, child.home_area_id, uk_date(at)),
            )
        )
    )
    return [address for address in addresses if address in entitled]
