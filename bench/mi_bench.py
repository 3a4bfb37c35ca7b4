"""Benchmark the management-information dashboards on the national set.

For the area with the most children (as its ACPC sees them) and for the establishment owning the
most actions (as its managers see them): each measure over the last year, timed several times,
then the whole dashboard. Nothing is stored.

    DATABASE_URL=... .venv/bin/python bench/mi_bench.py [--runs 5] [--days 365]
"""

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from common import app_for, database_label, database_url, emit, median  # noqa: E402
from sqlmodel import select  # noqa: E402

from yoi_welfare import db  # noqa: E402
from yoi_welfare.access import Reach, Viewer  # noqa: E402
from yoi_welfare.actions.models import WelfareAction  # noqa: E402
from yoi_welfare.agencies.models import Agency, AgencyKind  # noqa: E402
from yoi_welfare.dates import london_today, utcnow  # noqa: E402
from yoi_welfare.mi import measures  # noqa: E402
from yoi_welfare.people.models import YoungPerson  # noqa: E402


def busiest_acpc() -> Agency:
    area_id = (
        db.session()
        .exec(
            select(YoungPerson.home_area_id)
            .group_by(YoungPerson.home_area_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        )
        .one()
    )
    return (
        db.session()
        .exec(select(Agency).where(Agency.area_id == area_id, Agency.kind == AgencyKind.ACPC))
        .one()
    )


def busiest_establishment() -> Agency:
    agency_id = (
        db.session()
        .exec(
            select(WelfareAction.owner_agency_id)
            .join(Agency, Agency.id == WelfareAction.owner_agency_id)
            .where(Agency.area_id.is_(None))
            .group_by(WelfareAction.owner_agency_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        )
        .one()
    )
    return db.session().get(Agency, agency_id)


def timed(scope: measures.Scope, runs: int) -> list[str]:
    lines = []
    total = []
    for key, measure in measures.MEASURE_KEYS.items():
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            measure(scope)
            seconds.append(time.perf_counter() - started)
        lines.append(f"| {key} | {median(seconds) * 1000:.0f} ms |")
    for _ in range(runs):
        started = time.perf_counter()
        measures.all_measures(scope)
        total.append(time.perf_counter() - started)
    lines.append(f"| **whole dashboard** | **{median(total) * 1000:.0f} ms** |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    app = app_for(database_url())
    with app.app_context():
        label = database_label()
        today, now = london_today(), utcnow()
        first = today - timedelta(days=args.days - 1)
        acpc = busiest_acpc()
        establishment = busiest_establishment()
        area_scope = measures.Scope(
            Viewer(acpc.id, acpc.area_id, Reach.AREA, today), first, today, now
        )
        agency_scope = measures.Scope(
            Viewer(establishment.id, None, Reach.HELD, today),
            first,
            today,
            now,
            agency_id=establishment.id,
            establishment_id=establishment.id,
        )
        lines = [
            f"{label}. Median of {args.runs} runs, the last {args.days} days.",
            "",
            "| measure | time |",
            "|---|---|",
            f"| _{acpc.name}: the ACPC's dashboard_ | |",
            *timed(area_scope, args.runs),
            f"| _{establishment.name}: a manager's dashboard_ | |",
            *timed(agency_scope, args.runs),
        ]
        db.rollback()
        dialect = db.engine().dialect.name
    emit(f"mi-{dialect}", f"Dashboards ({dialect})", lines)


if __name__ == "__main__":
    main()
