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

    event_id = record("test_event")
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
