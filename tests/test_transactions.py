"""On SQLite, pages that only read are served side by side; anything that writes takes turns."""

import sqlite3
import threading

import pytest
import sqlalchemy as sa
from sqlmodel import select

from tests.factories import World, create_child, create_placement, sign_in
from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent


@pytest.fixture
def world(app):
    if db.engine().dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    world = World()
    world.child = create_child(world.area, given_name="Jordan", family_name="Ellis")
    create_placement(world.child, world.yoi)
    db.session().commit()
    return world


def holding_the_write_lock(app, seconds: float):
    """Another process's write transaction, holding SQLite's one write lock for a while."""
    path = sa.engine.make_url(app.config["DATABASE_URL"]).database
    locked, done = threading.Event(), threading.Event()

    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        done.wait(seconds)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait()
    return thread, done


def test_a_page_that_only_reads_does_not_wait_for_a_writer(app, client, world):
    sign_in(client, world.officer)
    thread, done = holding_the_write_lock(app, seconds=60)
    try:
        # BEGIN IMMEDIATE would wait out the busy timeout (30 s) and fail.
        response = client.get("/")
    finally:
        done.set()
        thread.join()
    assert response.status_code == 200
    assert "Jordan Ellis" in response.text


def test_a_page_that_records_its_view_waits_its_turn_and_records_it(app, client, world):
    sign_in(client, world.officer)
    thread, done = holding_the_write_lock(app, seconds=0.5)
    try:
        response = client.get(f"/children/{world.child.id}")
    finally:
        done.set()
        thread.join()
    assert response.status_code == 200
    db.session().rollback()
    viewed = db.session().exec(select(AuditEvent).where(AuditEvent.action == "child_viewed"))
    assert [event.young_person_id for event in viewed] == [world.child.id]


def test_a_read_only_request_cannot_write_until_it_says_so(app, world):
    with app.test_request_context("/", method="GET"):
        session = db.session()
        assert session.exec(select(AuditEvent)).all() is not None
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            session.execute(sa.text("UPDATE area SET name = name"))
        db.rollback()
        db.writes()
        session.execute(sa.text("UPDATE area SET name = name"))
        db.commit()


def test_a_form_that_fails_after_auditing_leaves_nothing_behind(app, world):
    from yoi_welfare.audit import services as audit

    with app.test_request_context("/", method="POST"):
        session = db.session()
        session.execute(sa.text("UPDATE area SET name = 'Changed' WHERE id = :id"), {"id": 1})
        audit.record("something_changed", user=None)
        db.rollback()  # the request failed after the audit event
        names = session.execute(sa.text("SELECT name FROM area ORDER BY id")).scalars().all()
        assert "Changed" not in names
        actions = session.exec(select(AuditEvent.action)).all()
        assert "something_changed" not in actions


def test_plans_are_reused_from_the_first_call_to_the_end_of_the_transaction(app):
    if db.engine().dialect.name != "postgresql":
        pytest.skip("SQLite has no plan cache to set")
    setting = sa.text("SELECT current_setting('plan_cache_mode')")
    session = db.session()
    assert session.execute(setting).scalar() == "force_custom_plan"
    statements = []

    def capture(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine(), "before_cursor_execute", capture)
    try:
        db.reuse_plans()
        db.reuse_plans()  # said once only
        assert session.execute(setting).scalar() == "auto"
        assert sum("plan_cache_mode = auto" in s for s in statements) == 1
        session.commit()
        assert session.execute(setting).scalar() == "force_custom_plan"
        db.reuse_plans()  # a new transaction: said again
        assert session.execute(setting).scalar() == "auto"
        db.reuse_plans(generic=True)  # one plan for all values, from the first
        db.reuse_plans(generic=True)
        assert session.execute(setting).scalar() == "force_generic_plan"
        assert sum("plan_cache_mode = force_generic_plan" in s for s in statements) == 1
    finally:
        sa.event.remove(db.engine(), "before_cursor_execute", capture)
    session.rollback()
