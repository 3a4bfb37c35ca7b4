"""One line of a child's chronology."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    title: str
    agency: str | None = None
    author: str | None = None
    detail: str | None = None
    href: str | None = None
    # The custody welfare note the entry shows, if it is one: shown is read.
    note_id: int | None = None
