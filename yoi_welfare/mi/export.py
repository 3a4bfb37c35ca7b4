"""The command-line export: every measure of an area's dashboard as CSV files."""

from datetime import date, datetime
from pathlib import Path

from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.access import Reach, Viewer
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import london_today
from yoi_welfare.errors import ServiceError
from yoi_welfare.governance.agreements import dao_shared_under
from yoi_welfare.mi import measures


class ExportError(ServiceError):
    """An export that cannot be made: the message names what to change."""


def export_area(
    area_code: str, first: date, last: date, output: Path, now: datetime
) -> list[tuple[Path, int]]:
    """Write ``<measure>.csv`` for each measure, counted as the area's ACPC sees them (so only
    while its ACPC is a party to a sharing agreement in force). Returns each file and its rows."""
    code = area_code.upper()
    row = (
        db.session()
        .exec(
            select(Area, Agency)
            .join(Agency, (Agency.area_id == Area.id) & (Agency.kind == AgencyKind.ACPC))
            .where(Area.code == code)
        )
        .first()
    )
    if row is None:
        raise ExportError(f"No area with an ACPC has the code {code}")
    area, acpc = row
    today = london_today(now)
    if dao_shared_under(acpc.id, area.id, today) is None:
        raise ExportError(
            f"{acpc.name} is not a party to a sharing agreement in force for {area.name}, "
            "so it may see none of the area's records"
        )
    viewer = Viewer(acpc.id, area.id, Reach.AREA, today)
    scope = measures.Scope(viewer=viewer, first=first, last=last, now=now)
    written = []
    for table in measures.all_measures(scope):
        path = output / f"{table.key}.csv"
        path.write_text(measures.to_csv(table), encoding="utf-8", newline="")
        written.append((path, len(table.rows)))
    audit.record(
        "management_information_exported",
        user=None,
        object_type="area",
        object_id=area.id,
        detail=f"all measures {first} to {last}",
    )
    return written
