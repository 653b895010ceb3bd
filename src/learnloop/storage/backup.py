"""Online, consistent backups (product.md, Operations): taken while the platform serves, each a
snapshot of one instant, checked before it is put where it was asked for.

- **SQLite**: ``VACUUM INTO`` copies the database as one read transaction sees it. In WAL mode a
  reader never blocks the writers, so answers keep being stored during the copy, and none of
  them is half in the copy: a transaction is in it whole or not at all.
- **PostgreSQL**: ``pg_dump --format=custom``, which reads everything in one repeatable-read
  snapshot. The password goes to pg_dump in its environment, never on its command line.

The copy is written beside the destination under a temporary name and renamed into place only
after it passed its check (SQLite: ``PRAGMA integrity_check`` and the schema revision;
PostgreSQL: ``pg_restore --list`` reads the archive), so the destination never holds half a
backup. An existing destination is refused, not overwritten.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, make_url

from learnloop.exceptions import InvalidInput

__all__ = ["COUNTED_TABLES", "BackupReport", "backup_database", "restore_hint"]

# Tables whose row counts a backup reports, so a person can see at a glance that it holds data.
COUNTED_TABLES = ("users", "courses", "attempts", "mastery", "xapi_statements")


@dataclass(frozen=True)
class BackupReport:
    path: Path
    backend: str  # sqlite | postgresql
    size_bytes: int
    seconds: float
    revision: str | None  # the schema revision in the copy (SQLite); None for a pg_dump archive
    rows: dict[str, int]  # rows of COUNTED_TABLES in the copy (SQLite); tables with data (pg)


@contextmanager
def _placed(dest: Path) -> Iterator[Path]:
    """A temporary path beside ``dest`` for the block to write and check: renamed to ``dest`` when
    the block ends, removed if it raises, so ``dest`` never holds half a backup."""
    tmp = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _backup_sqlite(engine: Engine, dest: Path) -> BackupReport:
    started = time.perf_counter()
    with _placed(dest) as tmp:
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("VACUUM INTO ?", (str(tmp),))
        finally:
            raw.close()
        check = sqlite3.connect(f"file:{tmp}?mode=ro", uri=True)
        try:
            verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise InvalidInput("path", f"the copy failed its integrity check: {verdict}")
            revision = check.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            rows = {
                t: int(check.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])  # noqa: S608
                for t in COUNTED_TABLES
            }
        finally:
            check.close()
    return BackupReport(
        dest, "sqlite", dest.stat().st_size, time.perf_counter() - started, revision, rows
    )


def _libpq(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """pg_dump's connection arguments and environment for ``engine``'s URL (password in env)."""
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    env = dict(os.environ)
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args += ["--dbname", str(url.database or "postgres")]
    return args, env


def _backup_postgres(engine: Engine, dest: Path, schema: str | None) -> BackupReport:
    tools: dict[str, str] = {}
    for tool in ("pg_dump", "pg_restore"):
        found = shutil.which(tool)
        if found is None:
            raise InvalidInput(
                "path", f"{tool} is not installed: install PostgreSQL's client tools first"
            )
        tools[tool] = found
    started = time.perf_counter()
    args, env = _libpq(engine)
    only = ["--schema", schema] if schema else []
    with _placed(dest) as tmp:
        dump = subprocess.run(  # noqa: S603 (fixed program, arguments from the settings)
            [tools["pg_dump"], "--format=custom", "--no-owner", "--file", str(tmp), *only, *args],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if dump.returncode != 0:
            raise InvalidInput("path", f"pg_dump failed: {dump.stderr.strip()}")
        listing = subprocess.run(  # noqa: S603
            [tools["pg_restore"], "--list", str(tmp)], capture_output=True, text=True, check=False
        )
        if listing.returncode != 0 or "TABLE DATA" not in listing.stdout:
            raise InvalidInput("path", f"the archive cannot be read back: {listing.stderr.strip()}")
        entries = [line for line in listing.stdout.splitlines() if " TABLE DATA " in line]
        rows = {"tables with data": len(entries)}
    return BackupReport(
        dest, "postgresql", dest.stat().st_size, time.perf_counter() - started, None, rows
    )


def backup_database(engine: Engine, dest: Path, *, schema: str | None = None) -> BackupReport:
    """Back the database up to ``dest`` (a new file); ``schema`` limits a PostgreSQL dump to one
    schema (the default dumps the whole database)."""
    if dest.exists():
        raise InvalidInput("path", f"{dest} exists already: choose a new name, nothing is replaced")
    if not dest.parent.is_dir():
        raise InvalidInput("path", f"folder {dest.parent} does not exist")
    backend = engine.dialect.name
    if backend == "sqlite":
        if make_url(str(engine.url)).database in (None, "", ":memory:"):
            raise InvalidInput("path", "an in-memory database cannot be backed up")
        return _backup_sqlite(engine, dest)
    if backend == "postgresql":
        return _backup_postgres(engine, dest, schema)
    raise InvalidInput("path", f"backups of {backend} databases are not supported")


def restore_hint(report: BackupReport, database_url: str) -> str:
    """How to put this backup back, in words for the person who took it."""
    if report.backend == "sqlite":
        target = make_url(database_url).database
        return (
            f"To restore: stop learnloop, remove {target}-wal and {target}-shm if present, copy "
            f"{report.path} to {target}, start learnloop (`learnloop init` upgrades an older copy)."
        )
    return (
        f"To restore: pg_restore --clean --if-exists --no-owner --dbname DATABASE {report.path} "
        "(into an empty database, or with the platform stopped)."
    )
