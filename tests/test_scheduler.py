"""The scheduler process and its jobs: concurrent scans, clean shutdown, failures change nothing."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.factories import World, create_action, create_child, create_placement, create_user
from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.escalations.models import Escalation
from yoi_welfare.jobs import build_scheduler, run_job
from yoi_welfare.outbox.models import OutboundEmail

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    world = World()
    create_user(world.yoi, is_manager=True)
    world.child = create_child(world.area)
    create_placement(world.child, world.yoi, admitted_at=T0 - timedelta(days=5))
    return world


def flask(database_url: str, tmp_path: Path, *args: str, **popen) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "YOI_WELFARE_ENV": "test",
        "YOI_WELFARE_INSTANCE": str(tmp_path),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen,
    )


def test_two_scans_at_the_same_moment_raise_each_escalation_once(world, database_url, tmp_path):
    for n in range(150):
        create_action(world.child, world.yoi, due_at=T0 - timedelta(minutes=n), acpc_due_at=T0)
    scans = [
        flask(database_url, tmp_path, "escalations", "run", "--at", "2026-11-23T10:00:00Z")
        for _ in range(3)
    ]
    outputs = [scan.communicate(timeout=120)[0] for scan in scans]
    assert [scan.returncode for scan in scans] == [0, 0, 0], outputs
    assert "database is locked" not in "".join(outputs)
    db.session().rollback()
    assert db.session().exec(select(func.count()).select_from(Escalation)).one() == 300
    raised = sorted(int(out.split("Raised ")[1].split(" ")[0]) for out in outputs)
    assert raised == [0, 0, 150]
    # One email per escalation and recipient (one YOI manager, one ACPC member), never two.
    assert db.session().exec(select(func.count()).select_from(OutboundEmail)).one() == 300


def test_scheduler_stops_cleanly_on_sigterm(world, database_url, tmp_path):
    process = flask(database_url, tmp_path, "scheduler", start_new_session=True)
    # Generous: a loaded machine takes its time to start a process and run the first scan.
    deadline = time.monotonic() + 180
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "job escalation_scan finished" in line or not line:
            break
    assert any("Scheduler started" in line for line in lines), lines
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, "".join(lines) + output
    assert "Scheduler stopped." in output


def test_scheduler_jobs_are_coalesced_single_instance_with_generous_misfire_grace(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"escalation_scan", "deliver_mail"} <= set(jobs)
    for job in jobs.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time >= 3600
    assert jobs["escalation_scan"].trigger.interval == timedelta(minutes=15)
    assert jobs["deliver_mail"].trigger.interval == timedelta(minutes=1)


def test_a_failing_job_leaves_the_data_as_it_was(app, world):
    def writes_then_fails():
        db.session().add(
            WelfareAction(
                young_person_id=world.child.id,
                owner_agency_id=world.yoi.id,
                kind="manual",
                title="Never saved",
                due_at=T0,
                acpc_due_at=T0,
            )
        )
        db.session().flush()
        raise RuntimeError("job broke half way")

    assert run_job(app, "test_job", writes_then_fails) is None
    db.session().rollback()
    titles = db.session().exec(select(WelfareAction.title)).all()
    assert "Never saved" not in titles


def test_every_scheduled_job_is_watched(app):
    from yoi_welfare.jobs import JOB_NAMES

    assert sorted(job.id for job in build_scheduler(app).get_jobs()) == sorted(JOB_NAMES)


def test_a_stopped_or_failing_scheduler_shows_on_the_health_check_and_to_administrators(
    app, client, world
):
    import time_machine

    from tests.factories import sign_in
    from yoi_welfare.jobs import JOB_NAMES
    from yoi_welfare.jobs.models import JobRun

    # Nothing has run yet: the frequent jobs are overdue.
    response = client.get("/healthz/scheduler")
    assert response.status_code == 503
    assert response.json["escalation_scan"] == {
        "last_success": None,
        "failures_in_a_row": 0,
        "overdue": True,
    }

    with time_machine.travel(T0, tick=False):
        for name in JOB_NAMES:
            assert run_job(app, name, lambda: "done") == "done"
        assert client.get("/healthz/scheduler").status_code == 200

        def broken():
            raise ValueError("row 7: Jordan Ellis")  # a message that must not be kept

        run_job(app, "deliver_mail", broken)
        run_job(app, "deliver_mail", broken)
        db.session().expire_all()
        mail = db.session().get(JobRun, "deliver_mail")
        assert (mail.failures_in_a_row, mail.last_error) == (2, "ValueError")
        assert mail.last_success_at == T0
        body = client.get("/healthz/scheduler")
        assert body.status_code == 503 and body.json["deliver_mail"]["failures_in_a_row"] == 2

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        admin = app.test_client()
        sign_in(admin, world.admin)
        page = admin.get("/admin/").text
    warning = page.split('id="jobs-unhealthy"', 1)[1].split("</div>", 1)[0]
    assert "Deliver mail: failed 2 times in a row (ValueError), last succeeded" in warning
    assert "Escalation scan: last succeeded 23 November 2026 at 9am" in warning
    assert "Jordan Ellis" not in page

    # The next success clears the failures.
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        for name in JOB_NAMES:
            run_job(app, name, lambda: "done")
        assert client.get("/healthz/scheduler").status_code == 200
        assert 'id="jobs-unhealthy"' not in admin.get("/admin/").text


class Output:
    """A process's output, read line by line on a thread of its own."""

    def __init__(self, process: subprocess.Popen):
        import threading

        self.process = process
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, words: str, timeout: float = 180) -> float:
        """Seconds until a line says ``words``; fails after ``timeout``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if words in self.text():
                return time.monotonic() - start
            time.sleep(0.1)
        raise AssertionError(f"no {words!r} within {timeout} s:\n{self.text()}")


def test_one_scheduler_is_active_and_a_standby_takes_over_when_it_is_killed(
    world, database_url, tmp_path
):
    if not database_url.startswith("postgresql"):
        pytest.skip("several schedulers share a PostgreSQL database; SQLite has one")
    env = {"start_new_session": True}
    os.environ["SCHEDULER_STANDBY_SECONDS"] = "1"
    try:
        first = Output(flask(database_url, tmp_path, "scheduler", **env))
        first.wait_for("scheduler active")
        first.wait_for("job escalation_scan finished")
        second = Output(flask(database_url, tmp_path, "scheduler", **env))
        second.wait_for("scheduler standing by")
        time.sleep(3)
    finally:
        del os.environ["SCHEDULER_STANDBY_SECONDS"]
    # The standby runs nothing while the active scheduler lives.
    assert "finished" not in second.text() and "scheduler active" not in second.text()

    # The active one dies at once, as on a lost machine: the standby takes over within seconds
    # and catches up with every job.
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=30)
    took_over = second.wait_for("scheduler active", timeout=60)
    second.wait_for("job escalation_scan finished")
    assert took_over < 60

    second.process.send_signal(signal.SIGTERM)
    second.process.wait(timeout=60)
    second.thread.join(timeout=10)
    assert second.process.returncode == 0, second.text()
    assert "Scheduler stopped." in second.text()


def test_leadership_is_held_by_one_and_lost_with_its_connection(app, database_url):
    import sqlalchemy as sa

    from yoi_welfare.jobs.leadership import Leadership

    first, second = Leadership(db.engine()), Leadership(db.engine())
    if not first.shared:
        # SQLite: one scheduler, always active.
        assert first.acquire() and second.acquire() and first.held()
        return
    assert first.acquire() and first.held()
    assert not second.acquire()
    # The database ends the active scheduler's connection (a restart, a cut): it knows it is
    # no longer active, and another takes over.
    pid = first.connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    with db.engine().connect() as other:
        other.execute(sa.select(sa.func.pg_terminate_backend(pid)))
    assert not first.held()
    assert second.acquire() and second.held()
    assert not first.acquire()
    second.release()
    assert first.acquire()
    first.release()
