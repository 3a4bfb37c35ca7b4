"""Writing, amending and reading custody welfare notes; what is new to each YOT officer.

Notes are append-only. An amendment records the corrected category and text with who changed
them, when and why; the note as first written stays as it was. Nothing here commits.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.access import holds_now
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.agencies.models import Agency
from yoi_welfare.audit import services as audit
from yoi_welfare.custody.models import CustodyWelfareNote, NoteAmendment, NoteCategory, NoteRead
from yoi_welfare.errors import ServiceError, required_text
from yoi_welfare.people.models import YoungPerson

MAX_TEXT = 5000
MAX_REASON = 500


class CustodyError(ServiceError):
    """A request about a custody welfare note that cannot be carried out."""


@dataclass(frozen=True)
class AmendmentRow:
    amendment: NoteAmendment
    author: str
    agency: str


@dataclass
class NoteRow:
    """A note with its author, establishment and amendments (oldest first)."""

    note: CustodyWelfareNote
    author: str
    agency: str
    amendments: list[AmendmentRow] = field(default_factory=list)

    @property
    def category(self) -> NoteCategory:
        return self.amendments[-1].amendment.category if self.amendments else self.note.category

    @property
    def text(self) -> str:
        """The note as it reads now: the latest amendment, or the original."""
        return self.amendments[-1].amendment.text if self.amendments else self.note.text

    @property
    def last_changed_at(self) -> datetime:
        return self.amendments[-1].amendment.amended_at if self.amendments else self.note.written_at


# Queries


def _last_changed():
    """When a note was written or last amended, as SQL."""
    last_amended = (
        select(func.max(NoteAmendment.amended_at))
        .where(NoteAmendment.note_id == CustodyWelfareNote.id)
        .correlate(CustodyWelfareNote)
        .scalar_subquery()
    )
    return func.coalesce(last_amended, CustodyWelfareNote.written_at)


@db.prepared
def _notes(by_last_change: bool, one_note: bool, limited: bool) -> sa.Select:
    newest = _last_changed() if by_last_change else CustodyWelfareNote.written_at
    # Lookups for each note rather than joins: PostgreSQL, expecting a child's notes to be many,
    # hashed every user to join them, which took longer than the rest of the statement.
    author = select(User.name).where(User.id == CustodyWelfareNote.author_id).scalar_subquery()
    statement = (
        select(CustodyWelfareNote, author, Agency.name)
        .join(Agency, Agency.id == CustodyWelfareNote.establishment_id)
        .where(CustodyWelfareNote.young_person_id == sa.bindparam("child_id"))
        .order_by(newest.desc(), CustodyWelfareNote.id.desc())
        .offset(sa.bindparam("offset"))
    )
    if one_note:
        statement = statement.where(CustodyWelfareNote.id == sa.bindparam("note_id"))
    return statement.limit(sa.bindparam("limit")) if limited else statement


@db.prepared
def _amendments() -> sa.Select:
    return (
        select(NoteAmendment, User.name, Agency.name)
        .join(User, User.id == NoteAmendment.amended_by_id)
        .join(Agency, Agency.id == User.agency_id)
        .where(NoteAmendment.note_id.in_(sa.bindparam("note_ids", expanding=True)))
        .order_by(NoteAmendment.amended_at, NoteAmendment.id)
    )


def dao_notes(
    child_id: int,
    note_id: int | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    by_last_change: bool = False,
) -> list[NoteRow]:
    """The child's notes, newest first, each with its amendments; or the one note asked for.

    ``limit`` and ``offset`` take one page; ``by_last_change`` orders by the latest amendment
    too, so that the newest entries of the chronology are among the notes taken.
    """
    session = db.session()
    statement = _notes(by_last_change, note_id is not None, limit is not None)
    params = {"child_id": child_id, "note_id": note_id, "limit": limit, "offset": offset}
    rows = {
        note.id: NoteRow(note, author, agency)
        for note, author, agency in session.exec(statement, params=params)
    }
    if rows:
        amendments = session.exec(_amendments(), params={"note_ids": list(rows)})
        for amendment, author, agency in amendments:
            rows[amendment.note_id].amendments.append(AmendmentRow(amendment, author, agency))
    return list(rows.values())


@db.prepared
def _note_count() -> sa.Select:
    return (
        select(func.count())
        .select_from(CustodyWelfareNote)
        .where(CustodyWelfareNote.young_person_id == sa.bindparam("child_id"))
    )


def dao_note_count(child_id: int) -> int:
    return db.session().exec(_note_count(), params={"child_id": child_id}).one()


def dao_note(note_id: int) -> CustodyWelfareNote | None:
    return db.session().get(CustodyWelfareNote, note_id)


@db.prepared
def _notes_read() -> sa.Select:
    return select(NoteRead.note_id, NoteRead.read_at).where(
        NoteRead.user_id == sa.bindparam("user_id"),
        NoteRead.young_person_id == sa.bindparam("child_id"),
    )


def dao_notes_read(user: User, child_id: int) -> dict[int, datetime]:
    """Each of the child's notes a YOT officer has read, with the change they read it at; empty
    for anyone else, whose reading is not kept."""
    if user.role is not Role.YOT_OFFICER:
        return {}
    params = {"user_id": user.id, "child_id": child_id}
    return dict(db.session().exec(_notes_read(), params=params).all())


def unread(rows: list[NoteRow], read: dict[int, datetime]) -> set[int]:
    """The notes among ``rows`` never read, or changed since they were (``dao_notes_read``)."""
    return {
        row.note.id
        for row in rows
        if row.note.id not in read or row.last_changed_at > read[row.note.id]
    }


def dao_new_note_counts(user_id: int, child_ids: list[int]) -> dict[int, int]:
    """For each child, how many notes the user has not read as they stand now."""
    if not child_ids:
        return {}
    read_as_it_stands = (
        select(NoteRead.note_id)
        .where(
            NoteRead.user_id == user_id,
            NoteRead.note_id == CustodyWelfareNote.id,
            NoteRead.read_at >= _last_changed(),
        )
        .exists()
    )
    rows = db.session().exec(
        select(CustodyWelfareNote.young_person_id, func.count())
        .where(CustodyWelfareNote.young_person_id.in_(child_ids), ~read_as_it_stands)
        .group_by(CustodyWelfareNote.young_person_id)
    )
    return dict(rows.all())


# Changes


def _check_holds(child: YoungPerson, by: User, what: str) -> None:
    if not holds_now(by, child.id):
        raise CustodyError(f"Only the establishment holding {child.full_name} can {what}")


def _clean_text(text: str | None, field_name: str, missing: str, what: str, limit: int) -> str:
    return required_text(text, field_name, missing, what, limit, CustodyError)


def write_note(
    child: YoungPerson, *, by: User, category: NoteCategory, text: str, now: datetime
) -> CustodyWelfareNote:
    """A new note by a user of the establishment holding the child, written now."""
    _check_holds(child, by, "write notes about them")
    note = CustodyWelfareNote(
        young_person_id=child.id,
        establishment_id=by.agency_id,
        category=NoteCategory(category),
        text=_clean_text(text, "text", "Enter the note", "The note", MAX_TEXT),
        author_id=by.id,
        written_at=now,
    )
    session = db.session()
    session.add(note)
    session.flush()
    audit.record(
        "custody_note_written",
        young_person_id=child.id,
        object_type="custody_welfare_note",
        object_id=note.id,
        user=by,
        detail=note.category.label,
    )
    return note


def amend_note(
    note: CustodyWelfareNote,
    *,
    by: User,
    category: NoteCategory,
    text: str,
    reason: str,
    now: datetime,
) -> NoteAmendment:
    """Correct a note: the original stays, the amendment says what it reads now and why."""
    if by.agency_id != note.establishment_id:
        author = db.session().get(Agency, note.establishment_id)
        raise CustodyError(f"Only {author.name}, who wrote this note, can amend it")
    child = db.session().get(YoungPerson, note.young_person_id)
    _check_holds(child, by, "amend notes about them")
    text = _clean_text(text, "text", "Enter the note as it should read", "The note", MAX_TEXT)
    reason = _clean_text(
        reason, "reason", "Enter why the note is being amended", "The reason", MAX_REASON
    )
    current = dao_notes(child.id, note.id)[0]
    if text == current.text and NoteCategory(category) is current.category:
        raise CustodyError(
            "Change the note's category or text, or go back without amending", "text"
        )
    amendment = NoteAmendment(
        note_id=note.id,
        category=NoteCategory(category),
        text=text,
        reason=reason,
        amended_by_id=by.id,
        amended_at=now,
    )
    session = db.session()
    session.add(amendment)
    session.flush()
    audit.record(
        "custody_note_amended",
        young_person_id=child.id,
        object_type="custody_welfare_note",
        object_id=note.id,
        user=by,
    )
    return amendment


@db.prepared
def _mark_notes_read(postgres: bool) -> sa.Insert:
    statement = (postgresql if postgres else sqlite).insert(NoteRead)
    later = (sa.func.greatest if postgres else sa.func.max)(
        NoteRead.read_at, statement.excluded.read_at
    )
    # Two tabs opening the record at once must not fail on the primary key.
    return statement.on_conflict_do_update(
        index_elements=["user_id", "note_id"], set_={"read_at": later}
    )


def mark_notes_read(user: User, rows: list[NoteRow], read: dict[int, datetime]) -> None:
    """Remember that the user has read these notes as they stand (the latest amendment shown);
    nothing is written for a note already read as it stands (``read``: ``dao_notes_read``), and
    a reading never moves back."""
    fresh = unread(rows, read)
    if not fresh:
        return
    postgres = db.session().get_bind().dialect.name == "postgresql"
    db.session().execute(
        _mark_notes_read(postgres),
        [
            {
                "user_id": user.id,
                "note_id": row.note.id,
                "young_person_id": row.note.young_person_id,
                "read_at": row.last_changed_at,
            }
            for row in rows
            if row.note.id in fresh
        ],
    )
