"""Alembic environment: the URL comes from the caller or from DATABASE_URL."""

from logging.config import fileConfig

import sqlalchemy as sa
import sqlmodel
from alembic import context

from yoi_welfare.config import load_settings
from yoi_welfare.db import make_engine
from yoi_welfare.models import metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def render_item(type_, obj, autogen_context):
    """Write SQLModel's column types as plain SQLAlchemy types, so revisions need no sqlmodel."""
    if type_ == "type" and isinstance(obj, sqlmodel.sql.sqltypes.AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or load_settings()["DATABASE_URL"]
    engine = make_engine(url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _foreign_keys_unenforced(connection)
        _run(connection)
    engine.dispose()


def _foreign_keys_unenforced(connection: sa.Connection) -> None:
    """SQLite changes a table by copying it: its foreign keys must not be enforced meanwhile.

    Dropping the old table would otherwise fail, or count a violation for every row referring
    to it that renaming the copy does not undo. SQLite ignores the setting inside a transaction,
    so it goes straight to the driver before the first one. A migration that copies a table
    others refer to checks the references itself before it commits (``PRAGMA
    foreign_key_check``); the service's own connections always enforce them.
    """
    connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
