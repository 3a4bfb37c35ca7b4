"""The scheduler process: one APScheduler BlockingScheduler, never inside the web process.

Several scheduler processes may run, on different machines: one is active and the others stand
by to take over (``leadership``). Jobs are safe to run twice and from two schedulers at once
(unique keys in the database, and a PostgreSQL advisory lock per job), and they catch up after
downtime because each run works from the database's state, not from what the scheduler
remembers.
"""

import logging
import signal
import threading
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.dates import utcnow
from yoi_welfare.jobs.leadership import Leadership
from yoi_welfare.jobs.models import JobRun

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}
JOB_NAMES = (
    "escalation_scan",
    "deliver_mail",
    "weekly_reports",
    "subject_access",
    "retention_review",
    "notice_digests",
    "continuity_packs",
)


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


def run_job(
    app: Flask,
    name: str,
    work: Callable[[], object],
    active: Callable[[], bool] | None = None,
) -> object | None:
    """Run one job in its own app context and transaction; a failure changes nothing.

    ``active`` says whether this scheduler is still the active one; a standby runs nothing.
    """
    if active is not None and not active():
        log.info("job %s skipped: this scheduler is no longer the active one", name)
        return None
    with app.app_context(), job_lock(name) as acquired:
        if not acquired:
            log.info("job %s skipped: another scheduler is running it", name)
            return None
        try:
            with db.job_session():
                result = work()
        except Exception as error:
            # The transaction has been rolled back; the next run tries again.
            log.exception("job %s failed; it will run again at its next time", name)
            _note_run(name, error)
            return None
        log.info("job %s finished: %s", name, result)
        _note_run(name, None)
        return result


def _run_row(name: str) -> JobRun:
    session = db.session()
    return session.get(JobRun, name, with_for_update=True) or JobRun(name=name)


def _note_run(name: str, error: Exception | None) -> None:
    """Record how the job's run ended, in a transaction of its own once its work has committed
    or rolled back, so that this record can never make the job fail. Of an error only its class
    is kept: its message may quote records. If the database itself is down, the log says it."""
    try:
        with db.job_session():
            run = _run_row(name)
            if error is None:
                run.last_success_at = utcnow()
                run.failures_in_a_row = 0
            else:
                run.last_failure_at = utcnow()
                run.failures_in_a_row = (run.failures_in_a_row or 0) + 1
                run.last_error = type(error).__name__[:100]
            db.session().add(run)
    except Exception:
        log.exception("could not record how job %s ended", name)


# How long each frequent job may go without succeeding before it is reported: a few missed runs.
# The weekly and monthly jobs are reported when they fail.
OVERDUE_AFTER = {
    "escalation_scan": timedelta(minutes=45),
    "deliver_mail": timedelta(minutes=15),
    "subject_access": timedelta(minutes=15),
}


@dataclass(frozen=True)
class JobHealth:
    name: str
    last_success_at: datetime | None
    failures_in_a_row: int
    last_error: str | None
    overdue: bool

    @property
    def healthy(self) -> bool:
        return not self.overdue and self.failures_in_a_row == 0


def job_health(now: datetime) -> list[JobHealth]:
    """Each scheduled job's state, by name: overdue when a frequent job has not succeeded for
    longer than it should (or ever), failing while its last runs failed."""
    runs = {run.name: run for run in db.session().exec(select(JobRun)).all()}
    health = []
    for name in JOB_NAMES:
        run = runs.get(name)
        last = run.last_success_at if run else None
        limit = OVERDUE_AFTER.get(name)
        health.append(
            JobHealth(
                name=name,
                last_success_at=last,
                failures_in_a_row=run.failures_in_a_row if run else 0,
                last_error=run.last_error if run else None,
                overdue=limit is not None and (last is None or now - last > limit),
            )
        )
    return health


def scheduled_jobs(app: Flask) -> list[tuple[str, Callable[[], object], object]]:
    """(name, work, trigger) for every scheduled job."""
    from yoi_welfare.jobs import (
        continuity_packs,
        deliver_mail,
        escalation_scan,
        notice_digests,
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
        (
            "notice_digests",
            notice_digests.run,
            CronTrigger(hour=7, minute=0, timezone="Europe/London"),
        ),
        (
            "continuity_packs",
            continuity_packs.run,
            CronTrigger(hour=18, minute=0, timezone="Europe/London"),
        ),
    ]


def build_scheduler(app: Flask, leadership: Leadership | None = None) -> BlockingScheduler:
    """Jobs are rebuilt on every start (memory job store); the database holds all state."""
    scheduler = BlockingScheduler(job_defaults=JOB_DEFAULTS, timezone="UTC")
    active = leadership.held if leadership is not None else None
    for name, work, trigger in scheduled_jobs(app):
        scheduler.add_job(
            run_job, trigger, args=(app, name, work, active), id=name, name=name, **JOB_DEFAULTS
        )
    return scheduler


def run_scheduler(app: Flask, run_first: bool = True) -> None:
    """Run as the active scheduler, or stand by until this process can be; Ctrl-C or SIGTERM
    lets the current job finish, then exits."""
    poll = app.config["SCHEDULER_STANDBY_SECONDS"]
    leadership = Leadership(db.engine())
    stopping = threading.Event()
    running: list[BlockingScheduler] = []

    def stop(signum, _frame):
        log.info("received signal %s: finishing the current job, then stopping", signum)
        stopping.set()
        for scheduler in running:
            scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    standing_by = False
    while not stopping.is_set():
        if not leadership.acquire():
            if not standing_by:
                log.info("scheduler standing by: another scheduler is active")
                standing_by = True
            stopping.wait(poll)
            continue
        standing_by = False
        log.info("scheduler active: running the jobs")
        scheduler = build_scheduler(app, leadership)
        if run_first:
            # Catch up at once after downtime, or on taking over, rather than wait.
            for job in scheduler.get_jobs():
                job.modify(next_run_time=utcnow())

        def watch(scheduler=scheduler):
            if not leadership.held():
                scheduler.shutdown(wait=False)

        scheduler.add_job(watch, IntervalTrigger(seconds=poll), id="leadership", **JOB_DEFAULTS)
        running[:] = [scheduler]
        if not stopping.is_set():
            scheduler.start()
        running.clear()
    leadership.release()
