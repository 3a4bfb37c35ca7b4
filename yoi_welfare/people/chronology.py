"""Placements in the chronology: each admission, transfer and release."""

from collections.abc import Iterator

from yoi_welfare.chronology.entry import Entry
from yoi_welfare.people.models import LeavingReason
from yoi_welfare.people.record import ChildRecord


def placement_entries(record: ChildRecord, limit: int | None = None) -> Iterator[Entry]:
    # A child has few of these, so all are taken whatever the limit.
    for placement, establishment in record.placements:
        yield Entry(
            placement.admitted_at,
            "placement",
            f"Admitted to {establishment.name}",
            agency=establishment.name,
        )
        if placement.died_in_custody:
            yield Entry(
                placement.left_at,
                "placement",
                f"Died in custody at {establishment.name}",
                agency=establishment.name,
            )
        elif placement.left_at is not None:
            verb = {
                LeavingReason.TRANSFER: "Transferred from",
                LeavingReason.RELEASE: "Released from",
            }.get(placement.leaving_reason, "Left")
            yield Entry(
                placement.left_at,
                "placement",
                f"{verb} {establishment.name}",
                agency=establishment.name,
            )
