"""The database: one engine per app, one session per request or job."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Engine, Executable, create_engine, event, text
from sqlmodel import Session


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    # Plan every statement for its own parameters. psycopg prepares a statement on the server after
    # five runs, and PostgreSQL then switches to one generic plan for all parameters: for the
    # actions page that plan was three times slower than the plan for the agency asked about.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
    )


def prepared(build: Callable[..., Executable]) -> Callable[..., Executable]:
    """Build a statement once per shape and reuse it; values go in as bound parameters.

    For a short query, SQLAlchemy spends several times longer on a statement built anew (its
    cache key, the ORM's compile state) than on running one it has seen; on the child's page
    that was most of the request. ``build`` takes only what changes the SQL (a flag, whether
    there is a limit), never a value, and the statement names its values with ``bindparam``.
    """
    return functools.cache(build)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself so that it can be BEGIN IMMEDIATE: a read-then-write
        # transaction then waits for the write lock up front instead of failing half way.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def reuse_plans() -> None:
    """Let PostgreSQL reuse its plans of prepared statements for the rest of the transaction.

    The engine plans every statement for its own values (see ``make_engine``), which most lists
    need: their best plan depends on the agency asked about. Where one plan suits every value
    (lookups by a child's id, the caseload of an area), planning again was half of PostgreSQL's
    time for the page.
    """
    current = session()
    if current.get_bind().dialect.name == "postgresql":
        current.exec(text("SET LOCAL plan_cache_mode = auto"))


def init_app(app: Flask) -> None:
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])

    @app.teardown_appcontext
    def close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The session of the current request or job; created on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def commit() -> None:
    """Commit the current unit of work. Called by the request cycle and by jobs, nowhere else."""
    if "db_session" in g:
        g.db_session.commit()


def rollback() -> None:
    if "db_session" in g:
        g.db_session.rollback()


@contextmanager
def job_session() -> Iterator[Session]:
    """A session for CLI commands and scheduled jobs: commit on success, roll back on error."""
    try:
        yield session()
        commit()
    except BaseException:
        rollback()
        raise
