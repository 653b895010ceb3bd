"""Online backups: a consistent snapshot taken while answers are being stored, checked, never
half written, never over an existing file; and the PostgreSQL archive restores."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.domain import Course
from learnloop.exceptions import InvalidInput
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage import Database
from learnloop.storage.backup import backup_database
from learnloop.storage.tables import Attempt, Mastery, User
from tests.conftest import POSTGRES_URL, World, _postgres_database, build_world

PARTS = ("pw-3", "pw-4", "pw-5", "pw-6", "pw-7")


def answer(world: World, n: int) -> None:
    item = PARTS[n % len(PARTS)]
    record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key=item,
        response=answer_for(world.course, item, n % 3 != 0),
    )  # fmt: skip


def test_a_backup_taken_during_writes_is_one_consistent_instant(
    sqlite_world: World, tmp_path: Path
) -> None:
    w = sqlite_world
    answer(w, 0)
    stop = threading.Event()
    written = [1]

    def keep_answering() -> None:
        while not stop.is_set():
            answer(w, written[0])
            written[0] += 1

    writer = threading.Thread(target=keep_answering)
    writer.start()
    try:
        while written[0] < 5:  # the writer is well under way
            time.sleep(0.01)
        report = backup_database(w.db.engine, tmp_path / "copy.db")
    finally:
        stop.set()
        writer.join()
    assert report.backend == "sqlite"
    assert report.revision is not None
    copy = Database.from_url(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        with copy.reading() as s:
            attempts = s.scalar(select(func.count()).select_from(Attempt))
            counted = s.scalar(select(func.count()).where(Attempt.counted).select_from(Attempt))
            # every answer and its mastery update are one transaction: in the copy together
            mastery_attempts = s.scalar(select(func.sum(Mastery.attempts)))
            users = s.scalar(select(func.count()).select_from(User))
    finally:
        copy.dispose()
    assert attempts is not None
    assert 5 <= attempts <= written[0]
    assert mastery_attempts == counted
    assert report.rows["attempts"] == attempts
    assert users == report.rows["users"] == 6
    assert not list(tmp_path.glob(".copy.db.partial-*"))


def test_an_existing_file_is_never_replaced(sqlite_world: World, tmp_path: Path) -> None:
    dest = tmp_path / "keep.db"
    dest.write_bytes(b"an older backup")
    with pytest.raises(InvalidInput, match="exists already"):
        backup_database(sqlite_world.db.engine, dest)
    assert dest.read_bytes() == b"an older backup"
    with pytest.raises(InvalidInput, match="does not exist"):
        backup_database(sqlite_world.db.engine, tmp_path / "no" / "such" / "folder.db")


def test_the_command_prints_what_the_copy_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", url)
    monkeypatch.setenv("LEARNLOOP_INSTANCE_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--no-demo"]).exit_code == 0
    done = runner.invoke(app, ["backup", str(tmp_path / "b.db")])
    assert done.exit_code == 0, done.output
    assert "schema revision" in done.output
    assert "To restore: stop learnloop" in done.output
    again = runner.invoke(app, ["backup", str(tmp_path / "b.db")])
    assert again.exit_code == 1
    assert "exists already" in again.output


@pytest.fixture
def pg_world(hasher: PasswordHasher, demo_course: Course) -> Iterator[World]:
    for db in _postgres_database():  # skips, or fails under LEARNLOOP_REQUIRE_ALL, without it
        yield build_world(db, hasher, demo_course)


@pytest.mark.postgres
def test_a_postgres_archive_restores_into_an_empty_database(
    pg_world: World, tmp_path: Path
) -> None:
    world = pg_world
    answer(world, 0)
    answer(world, 1)
    with world.db.reading() as s:
        schema = s.scalar(text("SELECT current_schema()"))
    report = backup_database(world.db.engine, tmp_path / "dump.pgc", schema=schema)
    assert report.backend == "postgresql"
    assert report.rows["tables with data"] >= 5
    target = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{target}"'))
        url = admin.url.set(database=target)
        restored = subprocess.run(
            ["pg_restore", "--no-owner", "--dbname",
             url.render_as_string(hide_password=False).replace("+psycopg", ""),
             str(report.path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr
        copy = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        with copy.connect() as c:
            assert c.execute(text("SELECT count(*) FROM attempts")).scalar() == 2
            assert c.execute(text("SELECT count(*) FROM users")).scalar() == 6
        copy.dispose()
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        admin.dispose()
