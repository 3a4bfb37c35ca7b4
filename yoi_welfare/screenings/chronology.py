"""Welfare screenings in the chronology: each submission, each establishment reading it, and a
manager's approval of a level set well below the indicated level.

Drafts are the YOT's work in progress, not yet part of the shared record.
"""

from collections.abc import Iterator

from yoi_welfare.actions.queries import dao_user_names
from yoi_welfare.approvals.chronology import approval_entries
from yoi_welfare.chronology.entry import Entry
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.screenings import queries
from yoi_welfare.screenings.level_approval import APPROVAL_KIND
from yoi_welfare.view_helpers import url_for


def screening_entries(record: ChildRecord, limit: int | None = None) -> Iterator[Entry]:
    # A child has few of these, so all are taken whatever the limit.
    for listing in record.screenings:
        screening = listing.screening
        if screening.is_draft:
            continue
        detail = f"Safety and wellbeing level: {screening.practitioner_level.label.lower()}"
        if screening.practitioner_level is not screening.indicated_level:
            detail += f" (indicated: {screening.indicated_level.label.lower()})"
        yield Entry(
            screening.submitted_at,
            "screening",
            "Welfare screening submitted",
            agency=listing.author_agency,
            author=listing.author,
            detail=detail,
            href=url_for("screenings.show", screening_id=screening.id),
        )
    for read, establishment, reader in queries.dao_child_reads(record.child.id):
        yield Entry(
            read.read_at,
            "screening",
            f"Welfare screening read by {establishment}",
            agency=establishment,
            author=reader,
            href=url_for("screenings.show", screening_id=read.screening_id),
        )
    if not record.screenings:
        return
    asked = [
        approval
        for approval in record.approvals
        if approval.kind == APPROVAL_KIND
    ]
    if asked:
        users = dao_user_names(
            {a.requested_by_id for a in asked} | {a.decided_by_id for a in asked} - {None}
        )
        for approval in asked:
            href = url_for("screenings.show", screening_id=approval.subject_id)
            yield from approval_entries(approval, users, href, category="screening")
