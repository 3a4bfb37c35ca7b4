"""One active scheduler among several: the others stand by and take over when it dies.

Production may run a scheduler process on each of several machines. On PostgreSQL the active
one holds a session advisory lock on a connection of its own for as long as it runs; the others
try for the lock every few seconds. The lock goes with the connection: when the active process
is killed, its connection closes and PostgreSQL frees the lock at once; when its machine is lost,
TCP keepalives set on that connection (server side) end it within about half a minute. A standby
then takes the lock and runs every job at once, catching up from the database's state, so
nothing is missed.

The active scheduler checks its connection before each job and every few seconds besides: a
process that has lost its lock (a network cut, a database restart) stops running jobs and stands
by again. A job that was already running when the lock changed hands is still alone, since
each job also holds a lock of its own (``job_lock``), and every job is safe to repeat.

SQLite is one machine's database: there is one scheduler, always active.
"""

import logging
import threading
import zlib

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

LEADER_KEY = zlib.crc32(b"yoi_welfare.scheduler.leader")

# The server ends the active scheduler's connection, and frees its lock, this long after its
# machine stops answering: idle + interval * count seconds.
KEEPALIVES = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5, "tcp_keepalives_count": 3}


class Leadership:
    """Whether this process is the active scheduler, held on a connection of its own."""

    def __init__(self, engine: sa.Engine):
        # A connection of its own, outside the pool, so that the lock leaves with it.
        self.engine = (
            sa.create_engine(engine.url, poolclass=NullPool)
            if engine.dialect.name == "postgresql"
            else engine
        )
        self.connection: sa.Connection | None = None
        # Jobs run on several threads; the connection serves one at a time.
        self.lock = threading.Lock()

    @property
    def shared(self) -> bool:
        """Whether several schedulers can run against this database at all."""
        return self.engine.dialect.name == "postgresql"

    def acquire(self) -> bool:
        """Become the active scheduler if none is; True if this process is active."""
        if not self.shared or self.connection is not None:
            return self.held()
        with self.lock:
            return self._acquire()

    def _acquire(self) -> bool:
        try:
            connection = self.engine.connect()
            for name, value in KEEPALIVES.items():
                connection.execute(sa.text(f"SET {name} = {int(value)}"))
            won = connection.execute(sa.select(sa.func.pg_try_advisory_lock(LEADER_KEY))).scalar()
            connection.commit()
        except sa.exc.DBAPIError:
            log.warning("scheduler: the database did not answer; standing by")
            return False
        if not won:
            connection.close()
            return False
        self.connection = connection
        return True

    def held(self) -> bool:
        """Whether this process is still the active scheduler (asks the database)."""
        if not self.shared:
            return True
        with self.lock:
            if self.connection is None:
                return False
            try:
                self.connection.execute(sa.text("SELECT 1"))
                self.connection.commit()
            except sa.exc.DBAPIError:
                log.warning("scheduler: lost the connection that holds the lock; standing by")
                self._drop()
                return False
            return True

    def release(self) -> None:
        with self.lock:
            if self.connection is None:
                return
            try:
                self.connection.execute(sa.select(sa.func.pg_advisory_unlock(LEADER_KEY)))
                self.connection.commit()
            except sa.exc.DBAPIError:
                pass  # the connection is gone, and the lock with it
            self._drop()

    def _drop(self) -> None:
        connection, self.connection = self.connection, None
        connection.invalidate()
