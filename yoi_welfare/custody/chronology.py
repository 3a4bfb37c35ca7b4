"""Custody welfare notes in the chronology: each note as written, and each amendment."""

from collections.abc import Iterator

from yoi_welfare.chronology.entry import Entry
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.view_helpers import url_for


def note_entries(record: ChildRecord, limit: int | None = None) -> Iterator[Entry]:
    """Each note and amendment; with ``limit``, of the latest changed notes only."""
    for row in record.notes_by_change(limit):
        href = url_for("custody.show", note_id=row.note.id)
        yield Entry(
            row.note.written_at,
            "note",
            f"Custody welfare note: {row.note.category.label}",
            agency=row.agency,
            author=row.author,
            detail=row.note.text,
            href=href,
            note_id=row.note.id,
        )
        for amended in row.amendments:
            yield Entry(
                amended.amendment.amended_at,
                "note",
                f"Custody welfare note amended: {amended.amendment.category.label}",
                agency=amended.agency,
                author=amended.author,
                detail=f"{amended.amendment.text} (Reason: {amended.amendment.reason})",
                href=href,
                note_id=row.note.id,
            )
