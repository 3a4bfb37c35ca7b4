"""Benchmark the weekly ACPC report: one area with 500 escalations.

Builds a fresh, migrated database (SQLite in a temporary folder unless DATABASE_URL is given),
fills one area with children, actions and escalations, renders the report several times and
prints seconds per page, total time and the process's peak memory.

    .venv/bin/python bench/report_bench.py [--escalations 500] [--runs 3]
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yoi_welfare import create_app, db  # noqa: E402
from yoi_welfare.actions.models import WelfareAction  # noqa: E402
from yoi_welfare.agencies.models import Agency, AgencyKind, Area  # noqa: E402
from yoi_welfare.escalations.services import scan  # noqa: E402
from yoi_welfare.migrate import upgrade  # noqa: E402
from yoi_welfare.people.models import LegalStatus, Placement, Sex, YoungPerson  # noqa: E402
from yoi_welfare.reports.data import gather  # noqa: E402
from yoi_welfare.reports.render import render_weekly_report  # noqa: E402
from yoi_welfare.reports.weeks import IsoWeek  # noqa: E402

WEEK = IsoWeek(2026, 47)


def build(escalations: int) -> Area:
    session = db.session()
    area = Area(code="BENCH", name="Benchmark")
    session.add(area)
    session.flush()
    session.add_all(
        [
            Agency(code="BENCH-YOT", name="Benchmark YOT", kind=AgencyKind.YOT, area_id=area.id),
            Agency(code="BENCH-ACPC", name="Benchmark ACPC", kind=AgencyKind.ACPC, area_id=area.id),
        ]
    )
    establishments = [
        Agency(code=f"EST{n}", name=f"Establishment {n}", kind=AgencyKind.YOI) for n in range(6)
    ]
    session.add_all(establishments)
    session.flush()
    children = []
    for n in range(escalations // 5):
        child = YoungPerson(
            given_name=f"Child{n}",
            family_name=f"Family{n}",
            date_of_birth=date(2010, 1, 1),
            sex=Sex.MALE,
            ethnicity="White",
            local_reference=f"B-{n}",
            home_area_id=area.id,
            legal_status=LegalStatus.REMAND,
        )
        session.add(child)
        children.append(child)
    session.flush()
    start = WEEK.starts_at
    for n, child in enumerate(children):
        establishment = establishments[n % len(establishments)]
        session.add(
            Placement(
                young_person_id=child.id,
                establishment_id=establishment.id,
                admitted_at=start - timedelta(days=30),
            )
        )
        for k in range(5):
            due = start + timedelta(hours=k * 7 + n % 24)
            session.add(
                WelfareAction(
                    young_person_id=child.id,
                    kind="manual",
                    title=f"Welfare action {k} for review",
                    owner_agency_id=establishment.id,
                    due_at=due,
                    acpc_due_at=due + timedelta(hours=12),
                )
            )
    session.flush()
    result = scan(WEEK.ends_at - timedelta(hours=1))
    db.commit()
    print(
        f"built {len(children)} children, {result.raised_agency} agency and "
        f"{result.raised_acpc} ACPC escalations"
    )
    return area


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--escalations", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        upgrade(url)
        app = create_app({"ENV_NAME": "test", "DATABASE_URL": url, "INSTANCE_DIR": Path(folder)})
        with app.app_context():
            area = build(args.escalations)
            now = datetime(2026, 11, 23, 7, tzinfo=UTC)
            timings, pages = [], 0
            for _ in range(args.runs):
                started = time.perf_counter()
                rendered = render_weekly_report(gather(area, WEEK, now))
                timings.append(time.perf_counter() - started)
                pages = rendered.page_count
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            median = statistics.median(timings)
            print(f"database: {db.engine().dialect.name}")
            print(f"pages: {pages}; size: {len(rendered.pdf) / 1024:.0f} KB")
            runs = ", ".join(f"{t:.2f}" for t in timings)
            print(f"seconds per report: median {median:.2f} (runs: {runs})")
            print(f"seconds per page: {median / pages:.3f}")
            print(f"peak memory (process RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
