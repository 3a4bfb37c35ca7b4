"""The scheduler process: one APScheduler BlockingScheduler, never inside the web process.

Jobs are safe to run twice and from two schedulers at once (unique keys in the database, and a
PostgreSQL advisory lock per job), and they catch up after downtime because each run works from
the database's state, not from what the scheduler remembers.
"""

import logging
import signal
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from yoi_welfare import db

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}


@contextmanager
def job_lock(name: str):
    """Hold a PostgreSQL advisory lock for the job, or yield False if another process holds it."""
    engine = db.engine()
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = zlib.crc32(f"yoi_welfare.job.{name}".encode())
    with engine.connect() as connection:
        acquired = connection.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar()
        try:
            yield bool(acquired)
        finally:
            if acquired:
                connection.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                connection.commit()


def run_job(app: Flask, name: str, work: Callable[[], object]) -> object | None:
    """Run one job in its own app context and transaction; a failure changes nothing."""
    with app.app_context(), job_lock(name) as acquired:
        if not acquired:
            log.info("job %s skipped: another scheduler is running it", name)
            return None
        try:
            with db.job_session():
                result = work()
        except Exception:
            # The transaction has been rolled back; the next run tries again.
            log.exception("job %s failed; it will run again at its next time", name)
            return None
        log.info("job %s finished: %s", name, result)
        return result


def scheduled_jobs(app: Flask) -> list[tuple[str, Callable[[], object], object]]:
    """(name, work, trigger) for every scheduled job."""
    from yoi_welfare.jobs import (
        deliver_mail,
        escalation_scan,
        retention_review,
        subject_access,
        weekly_reports,
    )

    return [
        ("escalation_scan", escalation_scan.run, IntervalTrigger(minutes=15)),
        ("deliver_mail", lambda: deliver_mail.run(app), IntervalTrigger(minutes=1)),
        (
            "weekly_reports",
            weekly_reports.run,
            CronTrigger(day_of_week="mon", hour=7, minute=0, timezone="Europe/London"),
        ),
        ("subject_access", subject_access.run, IntervalTrigger(minutes=1)),
        (
            "retention_review",
            retention_review.run,
            CronTrigger(day=1, hour=6, minute=0, timezone="Europe/London"),
        ),
    ]


def build_scheduler(app: Flask) -> BlockingScheduler:
    """Jobs are rebuilt on every start (memory job store); the database holds all state."""
    scheduler = BlockingScheduler(job_defaults=JOB_DEFAULTS, timezone="UTC")
    for name, work, trigger in scheduled_jobs(app):
        scheduler.add_job(
            run_job, trigger, args=(app, name, work), id=name, name=name, **JOB_DEFAULTS
        )
    return scheduler


def run_scheduler(app: Flask, run_first: bool = True) -> None:
    """Start the scheduler; Ctrl-C or SIGTERM lets the current job finish, then exits."""
    scheduler = build_scheduler(app)
    if run_first:
        # Catch up at once after downtime rather than waiting for the first interval.
        for job in scheduler.get_jobs():
            job.modify(next_run_time=datetime.now(UTC))

    def stop(signum, _frame):
        log.info("received signal %s: finishing the current job, then stopping", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
