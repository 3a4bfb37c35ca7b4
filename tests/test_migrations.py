"""The migrations build exactly the schema the models describe, and can be walked both ways."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from yoi_welfare.migrate import alembic_config, downgrade, upgrade
from yoi_welfare.models import metadata


def _diff(url: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    return diff


def test_migrated_database_matches_the_models(database_url):
    assert _diff(database_url) == []


def test_revisions_are_numbered_and_linear(database_url):
    script = ScriptDirectory.from_config(alembic_config(database_url))
    heads = script.get_heads()
    assert len(heads) == 1
    files = sorted(p.name for p in (Path(script.dir) / "versions").glob("*.py"))
    numbers = [name[:4] for name in files]
    assert numbers == [f"{n:04d}" for n in range(1, len(files) + 1)]
    assert heads[0] == numbers[-1]


def test_downgrade_to_nothing_and_back(database_url):
    downgrade(database_url, "base")
    engine = sa.create_engine(database_url)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(database_url)
    assert _diff(database_url) == []


def test_audit_events_cannot_be_changed_or_deleted(app):
    from yoi_welfare import db
    from yoi_welfare.audit.models import AuditEvent
    from yoi_welfare.audit.services import record

    event_id = record("test_event", user=None)
    db.commit()
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        try:
            with db.engine().begin() as connection:
                connection.execute(sa.text(statement))
        except sa.exc.DBAPIError as error:
            assert "append-only" in str(error)
        else:
            raise AssertionError(f"{statement} was allowed")
    assert db.session().get(AuditEvent, event_id).action == "test_event"


def test_flags_and_their_case_reviews_come_through_0013_both_ways(app, database_url):
    """0013 copies self_harm_flag on SQLite, and case reviews refer to it: with rows in both
    tables, each way keeps every row, every reference and the one-open-flag index."""
    from datetime import UTC, datetime, timedelta

    from tests.factories import World, create_child, create_placement
    from yoi_welfare import db
    from yoi_welfare.people import services as people
    from yoi_welfare.people.models import ReleaseDestination, ReleaseReason
    from yoi_welfare.self_harm import services as self_harm
    from yoi_welfare.self_harm.models import ObservationLevel, RiskLevel, SelfHarmFlag

    now = datetime.now(UTC)
    world = World()
    flags = []
    for name in ("Released", "Held"):
        child = create_child(world.area, given_name=name, family_name="Child")
        create_placement(child, world.yoi, admitted_at=now - timedelta(days=3))
        flag = self_harm.open_flag(
            child,
            by=world.staff,
            concern="Scratches on the forearm",
            risk_level=RiskLevel.RAISED,
            observation_level=ObservationLevel.HOURLY,
            triggers=None,
            warning_signs=None,
            opened_at=now - timedelta(days=2),
            now=now,
        )
        self_harm.record_case_review(
            flag,
            by=world.staff,
            version=flag.version_id,
            held_at=now - timedelta(days=1),
            attendees=[],
            yot_attended=False,
            outcome="Stays open",
            risk_level=RiskLevel.LOW,
            observation_level=ObservationLevel.STANDARD,
            close=False,
            next_review_due=now + timedelta(days=3),
            now=now,
        )
        flags.append((child, flag.id))
    people.release(
        world.staff,
        flags[0][0],
        now - timedelta(hours=1),
        now,
        reason=ReleaseReason.BAIL,
        destination=ReleaseDestination.HOME,
    )
    db.commit()
    db.session().close()
    app.extensions["db_engine"].dispose()

    def states() -> dict:
        engine = sa.create_engine(database_url)
        with engine.connect() as connection:
            rows = dict(connection.execute(sa.text("SELECT id, state FROM self_harm_flag")).all())
            reviews = connection.execute(
                sa.text("SELECT count(*) FROM self_harm_case_review")
            ).scalar()
            indexes = {i["name"] for i in sa.inspect(connection).get_indexes("self_harm_flag")}
            broken = []
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        engine.dispose()
        assert reviews == 2 and broken == [] and "uq_self_harm_flag_open" in indexes
        return rows

    released, held = (flag_id for _, flag_id in flags)
    assert states() == {released: "ENDED_ON_RELEASE", held: "OPEN"}
    downgrade(database_url, "0012")
    assert states() == {released: "CLOSED", held: "OPEN"}
    # As a release before 0013 left it: the flag still open, though the child has gone.
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE self_harm_flag SET state = 'OPEN', closed_at = NULL, closed_by_id = NULL "
                "WHERE id = :id"
            ),
            {"id": released},
        )
    engine.dispose()
    upgrade(database_url)
    # 0013 ends it at that release; the flag of the child still held stays open.
    assert states() == {released: "ENDED_ON_RELEASE", held: "OPEN"}
    assert _diff(database_url) == []
    flag = db.session().get(SelfHarmFlag, released)
    release_moment = now - timedelta(hours=1)
    assert flag.released_at == flag.closed_at == release_moment
    assert (flag.released_from_id, flag.closed_by_id) == (world.yoi.id, world.staff.id)
    assert flag.next_review_due is None
