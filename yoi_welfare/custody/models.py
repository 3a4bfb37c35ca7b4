"""Custody welfare notes, their amendments, and which of them each YOT officer has read.

Notes are append-only: a correction is a new amendment row, and the original row is never
updated (the database refuses it, see migration 0007), so the first text always stays visible.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow
from yoi_welfare.models_base import enum_column


class NoteCategory(StrEnum):
    DAILY_WELFARE = "DAILY_WELFARE"
    FAMILY_CONTACT = "FAMILY_CONTACT"
    HEALTH = "HEALTH"
    EDUCATION = "EDUCATION"
    INCIDENT = "INCIDENT"
    SELF_HARM_OBSERVATION = "SELF_HARM_OBSERVATION"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        return NOTE_CATEGORY_LABELS[self]


NOTE_CATEGORY_LABELS = {
    NoteCategory.DAILY_WELFARE: "Daily welfare",
    NoteCategory.FAMILY_CONTACT: "Family contact",
    NoteCategory.HEALTH: "Health",
    NoteCategory.EDUCATION: "Education",
    NoteCategory.INCIDENT: "Incident",
    NoteCategory.SELF_HARM_OBSERVATION: "Self-harm observation",
    NoteCategory.OTHER: "Other",
}


class CustodyWelfareNote(SQLModel, table=True):
    """A note an establishment wrote about a child it held; never changed once written."""

    __tablename__ = "custody_welfare_note"
    __table_args__ = (sa.Index("ix_custody_welfare_note_child", "young_person_id", "written_at"),)

    id: int | None = Field(default=None, primary_key=True)
    young_person_id: int = Field(foreign_key="young_person.id")
    # The author's establishment: only its users may amend the note.
    establishment_id: int = Field(foreign_key="agency.id")
    category: NoteCategory = Field(sa_type=enum_column(NoteCategory))
    text: str = Field(sa_type=sa.Text)
    author_id: int = Field(foreign_key="user.id")
    written_at: datetime = Field(default_factory=utcnow)


class NoteAmendment(SQLModel, table=True):
    """A correction of a note: the category and text as they now read, and why they changed."""

    __tablename__ = "custody_welfare_note_amendment"
    __table_args__ = (sa.Index("ix_custody_welfare_note_amendment_note", "note_id", "amended_at"),)

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="custody_welfare_note.id")
    category: NoteCategory = Field(sa_type=enum_column(NoteCategory))
    text: str = Field(sa_type=sa.Text)
    reason: str = Field(max_length=500)
    amended_by_id: int = Field(foreign_key="user.id")
    amended_at: datetime = Field(default_factory=utcnow)


class NoteRead(SQLModel, table=True):
    """A user has read a note as it stood at ``read_at`` (its writing or its latest amendment):
    a note never read, or changed since, is "new" to them.

    Kept per user and per note, not per agency nor as a time up to which the child's notes were
    read: one officer reading a note does not mean the colleague who holds the case has, and a
    page that showed the latest notes did not show the ones before them.
    """

    __tablename__ = "custody_note_read"
    __table_args__ = (sa.Index("ix_custody_note_read_child", "user_id", "young_person_id"),)

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    note_id: int = Field(foreign_key="custody_welfare_note.id", primary_key=True)
    # The note's child, so that a list of children counts each one's unread notes at once.
    young_person_id: int = Field(foreign_key="young_person.id")
    read_at: datetime
