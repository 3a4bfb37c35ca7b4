"""Benchmark the escalation scan over the national set, against one hand-written SQL statement.

The service's scan resolves escalations of closed actions and raises every overdue open action
at the AGENCY and ACPC levels (`raise_due`); then it writes an email and a disclosure record
for each recipient, and counts what is still open. The hand-written statement does the first
part, raising both levels, as one INSERT … SELECT: the ratio compares the two. The whole scan,
mail included, is timed too. Everything runs as of the same instant (by default two days after
now, so that there is work to do) inside a transaction that is rolled back, so every run starts
from the same data.

    DATABASE_URL=... .venv/bin/python bench/scan_bench.py [--runs 7] [--at 2026-11-28T09:00:00Z]
"""

import argparse
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from common import app_for, database_label, database_url, emit, median, p95

from yoi_welfare import db
from yoi_welfare.escalations.services import raise_due, scan

HAND_WRITTEN = """
INSERT INTO escalation (action_id, level, agency_id, became_due_at, raised_at)
SELECT a.id, 'AGENCY', a.owner_agency_id, a.due_at, :now
  FROM welfare_action a
 WHERE a.completed_at IS NULL AND a.cancelled_at IS NULL AND a.due_at <= :now
UNION ALL
SELECT a.id, 'ACPC', acpc.id, a.acpc_due_at, :now
  FROM welfare_action a
  JOIN young_person c ON c.id = a.young_person_id
  JOIN agency acpc ON acpc.area_id = c.home_area_id AND acpc.kind = 'ACPC'
 WHERE a.completed_at IS NULL AND a.cancelled_at IS NULL AND a.acpc_due_at <= :now
ON CONFLICT (action_id, level) DO NOTHING
"""


def run_service(at: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    _resolved, agency, acpc = raise_due(at)
    elapsed = time.perf_counter() - started
    db.rollback()
    return elapsed, agency + acpc


def run_full_scan(at: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    result = scan(at)
    db.session().flush()
    elapsed = time.perf_counter() - started
    db.rollback()
    return elapsed, result.emails


def run_sql(at: datetime) -> tuple[float, int]:
    engine = db.engine()
    # SQLite keeps times as text in this form; PostgreSQL takes the aware datetime.
    now = at if engine.dialect.name == "postgresql" else at.strftime("%Y-%m-%d %H:%M:%S.%f")
    with engine.connect() as conn:
        transaction = conn.begin()
        started = time.perf_counter()
        raised = conn.execute(sa.text(HAND_WRITTEN), {"now": now}).rowcount
        elapsed = time.perf_counter() - started
        transaction.rollback()
    return elapsed, raised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--at", help="scan as of this instant (ISO 8601); default now + 2 days")
    args = parser.parse_args()
    at = (
        datetime.fromisoformat(args.at.replace("Z", "+00:00"))
        if args.at
        else datetime.now(UTC) + timedelta(days=2)
    )
    app = app_for(database_url())
    with app.app_context():
        label = database_label()
        service, sql, full = [], [], []
        raised_service = raised_sql = emails = 0
        for _ in range(args.runs):
            elapsed, raised_service = run_service(at)
            service.append(elapsed)
            elapsed, raised_sql = run_sql(at)
            sql.append(elapsed)
            elapsed, emails = run_full_scan(at)
            full.append(elapsed)
        ratio = median(service) / median(sql)
        verdict = "met" if ratio <= 2 and p95(full) < 2 else "MISSED"
        emit(
            f"scan-{db.engine().dialect.name}",
            f"Escalation scan ({db.engine().dialect.name})",
            [
                f"- data: {label}",
                f"- as of {at:%Y-%m-%d %H:%M} UTC, {args.runs} runs, each rolled back",
                f"- service, raising (`raise_due`): median {median(service):.3f} s, "
                f"p95 {p95(service):.3f} s, raised {raised_service:,} escalations",
                f"- hand-written SQL: median {median(sql):.3f} s, p95 {p95(sql):.3f} s, "
                f"raised {raised_sql:,}",
                f"- whole scan with mail (`scan`): median {median(full):.3f} s, "
                f"p95 {p95(full):.3f} s, {emails:,} emails and as many disclosure records",
                f"- ratio service / SQL: {ratio:.2f} (target: at most 2; whole scan under 2 s): "
                f"{verdict}",
            ],
        )


if __name__ == "__main__":
    main()
