"""The database: one engine per app, one session per request or job."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, Executable, create_engine, event, text
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel


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
        # A page that only reads takes no lock, so that pages are served side by side; SQLite
        # refuses it any write (query_only) rather than fail now and then under load. Whatever
        # else may write begins IMMEDIATE, waiting its turn for the one write lock.
        read_only = _reads_only()
        if connection.info.get("query_only", False) != read_only:
            # A setting of the connection rather than a statement of the request: straight to
            # the driver, so that it does not count among the page's statements.
            dbapi = connection.connection.dbapi_connection
            dbapi.execute(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
            connection.info["query_only"] = read_only
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _reads_only() -> bool:
    """A GET or HEAD request reads only, until it says it will write (``writes``)."""
    return has_request_context() and request.method in ("GET", "HEAD") and not g.get("db_writes")


def writes() -> None:
    """This request writes from here on: recording that a page was viewed, say.

    On SQLite a GET request reads without a lock and may not write; its reads end here and a
    transaction holding the write lock begins. Call it before the first write, after the reads
    whose results are written (the two are not one transaction on SQLite).
    """
    if not _reads_only():
        return  # a form's POST, a job, or a page that has said so already: one transaction
    g.db_writes = True
    current = g.get("db_session")
    if current is not None and current.in_transaction() and engine().dialect.name == "sqlite":
        current.commit()


def reuse_plans(generic: bool = False) -> None:
    """Let PostgreSQL reuse its plans of prepared statements for the rest of the transaction.

    The engine plans every statement for its own values (see ``make_engine``), which most lists
    need: their best plan depends on the agency asked about. Where one plan suits every value
    (lookups by a child's id, the caseload of an area), planning again was half of PostgreSQL's
    time for the page. ``generic``: one plan for every value from the start, where PostgreSQL
    would otherwise go on planning lookups by a child's id for each child, its estimate of
    the one plan for all being worse. Said once per transaction, however often it is called.
    """
    current = session()
    if current.get_bind().dialect.name != "postgresql":
        return
    mode = "force_generic_plan" if generic else "auto"
    said = current.info.get("plan_cache_mode")
    transaction = current.get_transaction()
    if transaction is not None and said == (transaction, mode):
        return
    current.exec(text(f"SET LOCAL plan_cache_mode = {mode}"))
    current.info["plan_cache_mode"] = (current.get_transaction(), mode)


def init_app(app: Flask) -> None:
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])

    @app.before_request
    def reads_only_until_it_says_so():
        # First of the request's hooks. One application context can serve several requests
        # (the tests' does): a page that wrote must not let the next one write unannounced.
        g.pop("db_writes", None)
        g.pop("attempt_failed", None)

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
    """Undo the current unit of work (and forget that an attempt in it failed)."""
    g.pop("attempt_failed", None)
    if "db_session" in g:
        g.db_session.rollback()


def save(row: SQLModel, stale: type[Exception]) -> None:
    """Write a change to a versioned row now (``models_base.Versioned``): if someone changed the
    row since it was read, raise ``stale()`` rather than overwrite their change."""
    current = session()
    current.add(row)
    try:
        current.flush()
    except StaleDataError as error:
        raise stale() from error


def attempt_failed() -> None:
    """A service refused the request: nothing it wrote may be committed (``ServiceError``)."""
    if has_request_context():
        g.attempt_failed = True


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One attempt at a change, such as a form submission: if a service refuses it (or anything
    else goes wrong), everything the attempt wrote is undone at once, before the view shows the
    error, so that nothing is half-saved and the form is shown against the record as it was."""
    try:
        yield
    except Exception:
        rollback()
        raise


def end_request(succeeded: bool) -> None:
    """The request cycle's one commit, or rollback when the request failed. A service error that
    a view caught without undoing the attempt (``unit_of_work``) is rolled back here, so that a
    view that forgets cannot commit half a change."""
    failed = g.pop("attempt_failed", False)
    if succeeded and not failed:
        commit()
        return
    if succeeded:
        current_app.logger.warning("%s: a refused change was not undone; rolled back", request.path)
    rollback()


@contextmanager
def job_session() -> Iterator[Session]:
    """A session for CLI commands and scheduled jobs: commit on success, roll back on error."""
    try:
        yield session()
        commit()
    except BaseException:
        rollback()
        raise
