"""One child's record as a page shows it: each part loaded once and shared by the page's panels
and its chronology, which would otherwise each ask the database for the same rows."""

from datetime import datetime
from functools import cached_property

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.actions import queries as action_queries
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.alerts import queries as alert_queries
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.models import Approval
from yoi_welfare.custody import services as custody
from yoi_welfare.people import corrections, exceptions
from yoi_welfare.people import services as people
from yoi_welfare.people.models import (
    Placement,
    PlacementException,
    YoungPerson,
)
from yoi_welfare.reviews import services as reviews
from yoi_welfare.screenings import queries as screenings
from yoi_welfare.self_harm import queries as self_harm_queries
from yoi_welfare.self_harm.models import SelfHarmFlag


class ChildRecord:
    """Read within one request only: it does not see changes made after a part is loaded."""

    def __init__(self, child: YoungPerson, reader: User):
        self.child = child
        self.reader = reader
        # Every part is looked up by the child's id: the same plans serve every child.
        db.reuse_plans(generic=True)
        self._closed_actions: tuple[int | None, list] | None = None
        self._notes: tuple[int | None, list[custody.NoteRow]] | None = None
        # Every note the page has loaded, by id: the chronology's may be shown as read.
        self.notes_loaded: dict[int, custody.NoteRow] = {}

    @cached_property
    def placements(self) -> list[tuple[Placement, Agency]]:
        """Every placement with its establishment, the latest admission first."""
        return list(people.dao_placement_history(self.child.id))

    @cached_property
    def placement_corrections(self) -> dict[int, list[corrections.CorrectionRow]]:
        """The corrections of each placement's dates, oldest first, with who made each."""
        return corrections.dao_child_corrections(self.child.id)

    @cached_property
    def approvals(self) -> list[Approval]:
        """Every request for approval about the child, oldest first (flags and screenings)."""
        return approvals.dao_child_approvals(self.child.id)

    @cached_property
    def placement_exceptions(self) -> dict[int, PlacementException]:
        """The placement exceptions by placement id."""
        return exceptions.dao_child_exceptions(self.child.id)

    @property
    def current(self) -> tuple[Placement, Agency] | None:
        return next(((p, a) for p, a in self.placements if p.left_at is None), None)

    @cached_property
    def open_actions(self) -> list[tuple[WelfareAction, Agency]]:
        """The open actions with their owners, soonest due first."""
        return action_queries.dao_child_open_actions(self.child.id)

    def closed_actions(self, limit: int | None) -> list[action_queries.ClosedAction]:
        """The latest ``limit`` completed or cancelled actions (all if None), latest first."""
        if self._closed_actions is not None:
            loaded_limit, rows = self._closed_actions
            if _whole(self._closed_actions) is not None or (
                limit is not None and limit <= loaded_limit
            ):
                return rows[:limit]
        rows = action_queries.dao_child_closed_actions(self.child.id, limit)
        self._closed_actions = (limit, rows)
        return rows

    @cached_property
    def closed_count(self) -> int:
        """How many actions are completed or cancelled: counted only if not already loaded."""
        loaded = _whole(self._closed_actions)
        if loaded is not None:
            return len(loaded)
        return action_queries.dao_child_closed_count(self.child.id)

    @cached_property
    def screenings(self) -> list[screenings.ScreeningListing]:
        """Every screening, drafts included: each reader shows only what its user may see."""
        return screenings.dao_child_screenings(self.child.id, include_drafts=True)

    @cached_property
    def alerts(self) -> list[alert_queries.AlertRow]:
        """Every alert, active or ended, newest first."""
        return alert_queries.dao_child_alerts(self.child.id)

    @cached_property
    def flags(self) -> list[SelfHarmFlag]:
        return self_harm_queries.dao_flags(self.child.id)

    @cached_property
    def reviews(self) -> list[reviews.ReviewRow]:
        return reviews.dao_reviews(self.child.id)

    def notes_by_change(self, limit: int | None) -> list[custody.NoteRow]:
        """The ``limit`` notes (all if None) written or amended last, latest first."""
        rows = custody.dao_notes(self.child.id, limit=limit, by_last_change=True)
        self._notes = (limit, rows)
        self.notes_loaded.update((row.note.id, row) for row in rows)
        return rows

    def latest_notes(self, count: int) -> list[custody.NoteRow]:
        """The ``count`` notes written last, latest first.

        Taken from the notes the chronology loaded when they must be among them: a note not
        loaded was last changed no later than the loaded ones, so written no later either.
        """
        if self._notes is not None:
            _limit, rows = self._notes
            by_writing = sorted(rows, key=lambda row: (row.note.written_at, row.note.id))[::-1]
            if _whole(self._notes) is not None:
                return by_writing[:count]
            oldest_change = min(row.last_changed_at for row in rows)
            if len(rows) >= count and by_writing[count - 1].note.written_at > oldest_change:
                return by_writing[:count]
        rows = custody.dao_notes(self.child.id, limit=count)
        self.notes_loaded.update((row.note.id, row) for row in rows)
        return rows

    @cached_property
    def notes_read_by_reader(self) -> dict[int, datetime]:
        """The notes the reader, a YOT officer, has read, with the change read (``unread``)."""
        return custody.dao_notes_read(self.reader, self.child.id)

    @cached_property
    def note_count(self) -> int:
        loaded = _whole(self._notes)
        return len(loaded) if loaded is not None else custody.dao_note_count(self.child.id)


def _whole(loaded: tuple[int | None, list] | None) -> list | None:
    """The rows loaded with a limit (None: no limit), if they are all there are."""
    if loaded is None:
        return None
    limit, rows = loaded
    return rows if limit is None or len(rows) < limit else None
