"""Welfare actions in the chronology: set, completed, cancelled."""

from collections.abc import Iterator

from yoi_welfare.chronology.entry import Entry
from yoi_welfare.dates import format_datetime
from yoi_welfare.domain.timescales import describe_overdue
from yoi_welfare.people.record import ChildRecord


def action_entries(record: ChildRecord, limit: int | None = None) -> Iterator[Entry]:
    """Each action's entries; with ``limit``, of the open actions and the latest ``limit``
    closed ones only (enough for the newest ``limit`` entries, since a closed action's entries
    are no newer than its closing)."""
    closed = [(row.action, row.owner) for row in record.closed_actions(limit)]
    for action, owner in record.open_actions + closed:
        yield Entry(
            action.created_at,
            "action",
            f"Action set: {action.title}",
            agency=owner.name,
            detail=f"Due {format_datetime(action.due_at)}",
        )
        if action.completed_at is not None:
            late = action.completed_at - action.due_at
            yield Entry(
                action.completed_at,
                "action",
                f"Action completed: {action.title}",
                agency=owner.name,
                detail=f"Completed late: {describe_overdue(late)}"
                if late.total_seconds() > 0
                else None,
            )
        elif action.cancelled_at is not None:
            yield Entry(
                action.cancelled_at,
                "action",
                f"Action cancelled: {action.title}",
                agency=owner.name,
                detail=f"Reason: {action.cancellation_reason}",
            )
