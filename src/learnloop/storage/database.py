"""The database handle: engines built in a factory, one transaction per service call.

SQLite runs in WAL mode (readers never block the writer) with ``synchronous=FULL`` (a commit that
returned is on disk: nothing acknowledged is lost, even on power failure), foreign keys on, and
``BEGIN IMMEDIATE`` for write transactions so that two writers queue instead of failing.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from learnloop.storage.json_text import dumps

__all__ = ["Database", "make_engine"]

_WRITE = "learnloop_write"
SQLITE_CACHE_KIB = 64 * 1024  # per connection
SQLITE_MMAP_BYTES = 1 << 30


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event decides how to BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # SQLite's default page cache is 2 MB: past some tens of thousands of statements the LRS's
    # indexes no longer fit, and every insert reads pages back through system calls. A larger
    # cache and memory-mapped reads keep them at hand (the OS shares the mapped pages).
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


class _WriterLock:
    """One writer at a time across the processes that share a SQLite file: a thread lock within
    the process, then an exclusive flock on ``<database>.lock``. SQLite's own busy handler
    polls, sleeping up to 100 ms between tries; a waiter on flock wakes the moment the lock is
    free (measured with two server processes: polling halved the LRS's write rate)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        # Re-entrant: a thread may open a transaction inside another (the outer one, if it has
        # not written yet, holds no SQLite lock); only the outermost takes and drops the flock.
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        try:
            if self._depth == 0:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._depth += 1
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(self, *_exc: object) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database))
    return None


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created."""
    if make_url(url).get_backend_name() == "sqlite":
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, json_serializer=dumps
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=dumps)


class Database:
    """Sessions for the services (``transaction``) and the reports (``reading``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = sessionmaker(
            engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )
        self._reader = sessionmaker(engine, expire_on_commit=False)
        path = _sqlite_file(str(engine.url))
        self._writer_lock: AbstractContextManager[object] = (
            _WriterLock(path.with_name(path.name + ".lock")) if path else nullcontext()
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole when the block ends, rolled back whole on error."""
        with self._writer_lock, self._writer() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only view; anything written in it is rolled back. Objects read stay usable
        (detached, with what was loaded) after the block."""
        with self._reader() as session:
            try:
                yield session
            finally:
                session.expunge_all()
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
