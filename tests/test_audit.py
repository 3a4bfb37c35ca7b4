"""The audit trail: tamper-evident, and readable by those who oversee a record or a user."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine
from sqlmodel import select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.audit.services import chain_hash, record, verify_chain

# SQLite's triggers, as migration 0002 makes them; dropped and made again around a tampering.
SQLITE_TRIGGERS = {
    verb: f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: {verb} refused'); END"
    for verb in ("UPDATE", "DELETE")
}


@contextmanager
def tampering():
    """A connection that can change audit events, as someone with the database's keys could."""
    with db.engine().begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            yield connection
            connection.execute(sa.text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
        else:
            for verb in SQLITE_TRIGGERS:
                connection.execute(sa.text(f"DROP TRIGGER audit_event_no_{verb.lower()}"))
            yield connection
            for statement in SQLITE_TRIGGERS.values():
                connection.execute(sa.text(statement))


def write_events(n: int) -> list[int]:
    ids = [record("test_event", user=None, object_type="thing", object_id=i) for i in range(n)]
    db.commit()
    return ids


def verify(app):
    db.rollback()
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_verify_reports_an_intact_chain(app):
    write_events(5)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 5 events checked." in result.output
    newest = db.session().exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert f"Newest hash: {newest.hash}" in result.output


def test_the_chain_head_moves_with_each_event_and_is_made_again_if_missing(app):
    write_events(3)
    head = db.session().execute(sa.text("SELECT event_id, hash, event_count FROM audit_chain_head"))
    newest = db.session().exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert tuple(head.one()) == (newest.id, newest.hash, 3)
    db.session().execute(sa.text("DELETE FROM audit_chain_head"))
    db.commit()
    write_events(2)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 5 events checked." in result.output


def test_verify_detects_an_edited_event_and_the_trigger_is_back_after(app):
    ids = write_events(5)
    with tampering() as connection:
        connection.execute(
            sa.text("UPDATE audit_event SET object_id = 99 WHERE id = :id"), {"id": ids[2]}
        )
    result = verify(app)
    assert result.exit_code == 1
    assert f"event {ids[2]} has been changed since it was written" in result.output
    assert "the 2 events before it are intact" in result.output
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine().begin() as c:
        c.execute(sa.text("UPDATE audit_event SET object_id = 1"))


def test_verify_detects_a_deleted_event(app):
    ids = write_events(5)
    with tampering() as connection:
        connection.execute(sa.text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    result = verify(app)
    assert result.exit_code == 1
    assert f"event {ids[2]} does not follow the event before it" in result.output


def test_verify_detects_events_cut_from_the_end(app):
    ids = write_events(5)
    with tampering() as connection:
        connection.execute(sa.text("DELETE FROM audit_event WHERE id >= :id"), {"id": ids[3]})
    result = verify(app)
    assert result.exit_code == 1
    assert f"event {ids[4]} is recorded as the newest event but is missing" in result.output
    assert "2 events cut from the end of the chain" in result.output
    # Events written after the cut chain on to the head, so the gap still shows.
    write_events(1)
    result = verify(app)
    assert result.exit_code == 1
    assert "does not follow the event before it" in result.output


def test_a_replaced_event_with_a_recomputed_hash_still_breaks_the_next_link(app):
    ids = write_events(3)
    forged = db.session().get(AuditEvent, ids[1])
    forged.object_id = 42
    new_hash = chain_hash(forged.prev_hash, forged.content())
    db.rollback()
    with tampering() as connection:
        connection.execute(
            sa.text("UPDATE audit_event SET object_id = 42, hash = :h WHERE id = :id"),
            {"h": new_hash, "id": ids[1]},
        )
    check = verify_chain()
    assert check.first_broken_id == ids[2]


def test_the_chain_links_each_event_to_the_one_before(app):
    ids = write_events(3)
    events = [db.session().get(AuditEvent, i) for i in ids]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash


# Who has seen this record ----------------------------------------------------------------------


@pytest.fixture
def world(app):
    world = World()
    world.manager = create_user(world.yot, name="Mina Manager", is_manager=True)
    world.other_manager = create_user(world.other_yot, is_manager=True)
    world.child = create_child(world.area, given_name="Ours", family_name="Northmoor")
    create_placement(world.child, world.yoi)
    return world


SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_yot_manager_sees_who_has_seen_the_record(app, world):
    staff = app.test_client()
    with time_machine.travel(SUMMER, tick=False):
        sign_in(staff, world.staff)
        staff.get(f"/children/{world.child.id}")
    intruder = app.test_client()
    sign_in(intruder, world.other_officer)
    intruder.get(f"/children/{world.child.id}")

    manager = app.test_client()
    sign_in(manager, world.manager)
    page = manager.get(f"/children/{world.child.id}/access-log")
    assert page.status_code == 200
    text = page.text
    assert "Who has seen this record" in text and "Ours Northmoor" in text
    assert "Wing Officer" in text and "Establishment staff" in text and "Ashgrove YOI" in text
    assert "Viewed the child&#39;s record" in text
    assert "1 July 2026 at 1pm" in text  # 12:00 UTC is 1pm in a British summer
    assert "127.0.0.1" in text
    assert "Refused access to a record" in text and "Riverside YOT" in text
    # Looking at the log is itself recorded, against the child.
    viewed = (
        db.session().exec(select(AuditEvent).where(AuditEvent.action == "access_log_viewed")).one()
    )
    assert (viewed.user_id, viewed.young_person_id) == (world.manager.id, world.child.id)
    assert "Viewed who has seen the record" in manager.get(page.request.path).text


def test_access_log_is_paginated(app, world):
    app.config["PAGE_SIZE"] = 3
    for _ in range(4):
        record("child_viewed", young_person_id=world.child.id, user=world.officer)
    db.commit()
    client = app.test_client()
    sign_in(client, world.manager)
    first = client.get(f"/children/{world.child.id}/access-log")
    assert "5 events" in first.text
    assert f"/children/{world.child.id}/access-log?page=2" in first.text
    second = client.get(f"/children/{world.child.id}/access-log?page=2")
    assert second.status_code == 200
    assert second.text.count('class="govuk-table__row"') == 1 + 3  # header and three events


def test_administrator_sees_the_log_but_not_the_child(client, world):
    sign_in(client, world.admin)
    page = client.get(f"/children/{world.child.id}/access-log")
    assert page.status_code == 200
    assert f"Child record {world.child.id}" in page.text
    assert "Ours Northmoor" not in page.text
    assert client.get(f"/children/{world.child.id}").status_code == 403


@pytest.mark.parametrize("who", ["officer", "other_manager", "other_officer"])
def test_other_yot_officers_are_refused_the_log_as_not_found(client, world, who):
    user = getattr(world, who)
    sign_in(client, user)
    assert client.get(f"/children/{world.child.id}/access-log").status_code == 404
    denied = db.session().exec(select(AuditEvent).where(AuditEvent.action == "access_denied")).one()
    assert (denied.user_id, denied.young_person_id) == (user.id, world.child.id)


@pytest.mark.parametrize("who", ["staff", "acpc_member"])
def test_other_roles_may_not_read_access_logs(client, world, who):
    sign_in(client, getattr(world, who))
    assert client.get(f"/children/{world.child.id}/access-log").status_code == 403


def test_a_missing_child_log_is_not_found(client, world):
    sign_in(client, world.admin)
    assert client.get("/children/999999/access-log").status_code == 404


# A user's activity -----------------------------------------------------------------------------


def test_administrator_sees_a_users_activity_including_failed_sign_ins(app, world):
    officer = app.test_client()
    officer.post("/sign-in", data={"email": world.officer.email.upper(), "password": "wrong"})
    sign_in(officer, world.officer)
    officer.get(f"/children/{world.child.id}")
    record("child_viewed", young_person_id=world.child.id, user=world.staff)  # someone else
    db.commit()

    admin = app.test_client()
    sign_in(admin, world.admin)
    page = admin.get(f"/admin/users/{world.officer.id}/activity")
    assert page.status_code == 200
    text = page.text
    assert "Activity of Olive Officer" in text
    for label in ("Failed to sign in", "Signed in", "Viewed the child&#39;s record"):
        assert label in text
    assert "3 events" in text
    viewed = (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "user_activity_viewed"))
        .one()
    )
    assert (viewed.user_id, viewed.object_id) == (world.admin.id, world.officer.id)


def test_only_administrators_see_activity(client, world):
    sign_in(client, world.manager)
    assert client.get(f"/admin/users/{world.officer.id}/activity").status_code == 403


def test_an_event_says_who_acted_and_from_where_and_a_job_names_no_one(app, world):
    client = app.test_client()
    sign_in(client, world.staff)
    client.get(f"/children/{world.child.id}")
    viewed = db.session().exec(select(AuditEvent).where(AuditEvent.action == "child_viewed")).one()
    assert (viewed.user_id, viewed.agency_id) == (world.staff.id, world.staff.agency_id)
    assert (viewed.remote_addr, viewed.path) == ("127.0.0.1", f"/children/{world.child.id}")

    # Outside a request, as in a job or a command, the service itself acted, from nowhere.
    event_id = record("test_event", user=None, object_type="thing", object_id=1)
    event = db.session().get(AuditEvent, event_id)
    assert (event.user_id, event.role, event.remote_addr, event.path) == (None, None, None, None)
