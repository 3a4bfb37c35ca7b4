"""Benchmark the weekly ACPC report.

On the national set (DATABASE_URL, built by `flask --app wsgi synth`): the report of the area
with the most escalations in the last complete week, rendered several times (seconds per page
and the process's peak memory), then every area's report for that week, as the Monday job
makes them. Nothing is stored.

With --stress N instead: a fresh database with one area holding N escalations in one week, to
see how a long report scales.

    DATABASE_URL=... .venv/bin/python bench/report_bench.py [--runs 3] [--no-all-areas]
    .venv/bin/python bench/report_bench.py --stress 500
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from common import app_for, database_label, emit, median  # noqa: E402

from yoi_welfare import create_app, db  # noqa: E402
from yoi_welfare.actions.models import WelfareAction  # noqa: E402
from yoi_welfare.agencies.models import Agency, AgencyKind, Area  # noqa: E402
from yoi_welfare.escalations.models import Escalation  # noqa: E402
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


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_report(area: Area, week: IsoWeek, now: datetime, runs: int):
    timings = []
    rendered = None
    for _ in range(runs):
        started = time.perf_counter()
        rendered = render_weekly_report(gather(area, week, now))
        timings.append(time.perf_counter() - started)
    return timings, rendered


def national(runs: int, all_areas: bool) -> None:
    app = app_for(os.environ["DATABASE_URL"])
    with app.app_context():
        label = database_label()
        dialect = db.engine().dialect.name
        session = db.session()
        newest = session.execute(sa.select(sa.func.max(Escalation.raised_at))).scalar()
        week = IsoWeek.previous_to(newest)
        now = week.ends_at + timedelta(hours=7)
        counts = session.execute(
            sa.select(YoungPerson.home_area_id, sa.func.count())
            .join(WelfareAction, WelfareAction.young_person_id == YoungPerson.id)
            .join(Escalation, Escalation.action_id == WelfareAction.id)
            .where(Escalation.raised_at < week.ends_at)
            .where(
                sa.or_(Escalation.resolved_at.is_(None), Escalation.resolved_at >= week.starts_at)
            )
            .group_by(YoungPerson.home_area_id)
            .order_by(sa.func.count().desc())
        ).all()
        largest = session.get(Area, counts[0][0])
        timings, rendered = time_report(largest, week, now, runs)
        per_page = median(timings) / rendered.page_count
        peak_largest = peak_mb()
        lines = [
            f"- data: {label}",
            f"- week {week}; largest area {largest.name}: {counts[0][1]} escalations open or "
            f"raised in the week",
            f"- largest area's report: {rendered.page_count} pages, "
            f"{len(rendered.pdf) / 1024:.0f} KB; median {median(timings):.2f} s over {runs} runs "
            f"({', '.join(f'{t:.2f}' for t in timings)})",
            f"- seconds per page: {per_page:.3f} (target under 0.2): "
            f"{'met' if per_page < 0.2 else 'MISSED'}",
            f"- peak memory of the process: {peak_largest:.0f} MB (target under 400 MB): "
            f"{'met' if peak_largest < 400 else 'MISSED'}",
        ]
        if all_areas:
            areas = session.exec(sa.select(Area).order_by(Area.code)).scalars().all()
            started = time.perf_counter()
            pages = 0
            for area in areas:
                pages += render_weekly_report(gather(area, week, now)).page_count
                session.expire_all()
            elapsed = time.perf_counter() - started
            lines.append(
                f"- every area for the week: {len(areas)} reports, {pages} pages in "
                f"{elapsed:.1f} s ({elapsed / pages:.3f} s per page); "
                f"peak memory {peak_mb():.0f} MB"
            )
    emit(f"report-{dialect}", f"Weekly report ({dialect})", lines)


def stress(escalations: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        app = create_app({"ENV_NAME": "test", "DATABASE_URL": url, "INSTANCE_DIR": Path(folder)})
        with app.app_context():
            area = build(escalations)
            now = datetime(2026, 11, 23, 7, tzinfo=UTC)
            timings, rendered = time_report(area, WEEK, now, runs)
            pages = rendered.page_count
            per_page = median(timings) / pages
            runs_text = ", ".join(f"{t:.2f}" for t in timings)
            lines = [
                f"- one area with {escalations} escalations in week {WEEK}, SQLite",
                f"- {pages} pages, {len(rendered.pdf) / 1024:.0f} KB; "
                f"median {median(timings):.2f} s ({runs_text})",
                f"- seconds per page: {per_page:.3f} (target under 0.2): "
                f"{'met' if per_page < 0.2 else 'MISSED'}",
                f"- peak memory of the process: {peak_mb():.0f} MB (target under 400 MB): "
                f"{'met' if peak_mb() < 400 else 'MISSED'}",
            ]
    emit("report-stress", "Weekly report, one long report", lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stress", type=int, metavar="N", help="one area with N escalations")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-all-areas", action="store_true", help="only the largest area")
    args = parser.parse_args()
    if args.stress:
        stress(args.stress, args.runs)
    elif os.environ.get("DATABASE_URL"):
        national(args.runs, not args.no_all_areas)
    else:
        sys.exit("Set DATABASE_URL to the national set, or give --stress N.")


if __name__ == "__main__":
    main()
