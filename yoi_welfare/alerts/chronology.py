"""Alerts in the chronology: each raised, and each ended."""

from collections.abc import Iterator

from yoi_welfare.alerts.sources import SOURCE_LABELS
from yoi_welfare.chronology.entry import Entry
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.view_helpers import url_for


def alert_entries(record: ChildRecord, limit: int | None = None) -> Iterator[Entry]:
    # A child has few alerts, so all are taken whatever the limit.
    href = url_for("alerts.index", child_id=record.child.id)
    for row in record.alerts:
        alert = row.alert
        raised_by = f"the {SOURCE_LABELS[alert.source_type]}" if alert.source_type else "hand"
        yield Entry(
            alert.active_from,
            "alert",
            f"Alert raised: {alert.code.label}",
            author=row.raised_by,
            detail=f"{alert.description} (Raised by {raised_by}.)",
            href=href,
        )
        if not alert.is_active:
            yield Entry(
                alert.active_to,
                "alert",
                f"Alert ended: {alert.code.label}",
                author=row.ended_by,
                detail=f"{alert.description} (Why: {alert.end_reason})",
                href=href,
            )
