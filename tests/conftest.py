"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL where it runs), a fast
password hasher, the demo course, and a small world with every role the platform knows."""

from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content import load_course
from learnloop.content.course_media import media_bytes
from learnloop.domain import Course, Role, Viewer
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class, create_class, import_course
from learnloop.services.lrs import LrsCaller, authenticate_client, create_client
from learnloop.services.mastery_overrides import override_mastery
from learnloop.services.onboarding import complete_onboarding
from learnloop.storage import Database, upgrade_database
from tests.smtp_inbox import Inbox, free_port

DEMO_COURSE = Path(__file__).parents[1] / "src" / "learnloop" / "demo" / "fractions"
POSTGRES_URL = os.environ.get(
    "LEARNLOOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# CI sets this: a missing PostgreSQL or Chromium is then a failure, not a skip.
REQUIRE_ALL = os.environ.get("LEARNLOOP_REQUIRE_ALL") == "1"
PASSWORD = "correct horse battery"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (LEARNLOOP_REQUIRE_ALL=1: CI must run these tests)")
    pytest.skip(reason)


_postgres_ok: bool | None = None


def postgres_available() -> bool:
    global _postgres_ok
    if _postgres_ok is None:
        try:
            engine = create_engine(POSTGRES_URL)
            with engine.connect() as c:
                c.execute(text("SELECT 1"))
            engine.dispose()
            _postgres_ok = True
        except (OperationalError, ImportError):
            _postgres_ok = False
    return _postgres_ok


def _instance_env(folder: Path) -> dict[str, str]:
    return {
        "LEARNLOOP_DATABASE_URL": f"sqlite:///{folder / 'live.db'}",
        "LEARNLOOP_INSTANCE_DIR": str(folder / "var"),
    }


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding what ``learnloop init`` made (the SQLite database with the demo loaded,
    and the instance folder), once per run (per xdist worker): building the demo's class takes
    about ten seconds, and each ``demo_cli`` starts from a copy."""
    folder = tmp_path_factory.mktemp("demo-instance")
    done = CliRunner().invoke(app, ["init"], env=_instance_env(folder))
    assert done.exit_code == 0, done.output
    return folder


@pytest.fixture
def demo_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_instance: Path) -> CliRunner:
    """A runner for ``learnloop`` commands on a fresh SQLite database in ``tmp_path`` with the
    demo loaded (a copy of what ``learnloop init`` made), as an operator would start."""
    for made in demo_instance.iterdir():
        if made.is_dir():
            shutil.copytree(made, tmp_path / made.name)
        else:
            shutil.copyfile(made, tmp_path / made.name)
    for name, value in _instance_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    return CliRunner()


@pytest.fixture
def hasher() -> PasswordHasher:
    """argon2id with tiny costs: the same code path, fast enough for hundreds of accounts."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def demo_course() -> Course:
    return load_course(DEMO_COURSE)


def demo_media(course: Course) -> dict[str, bytes]:
    """The bytes of the demo course's media files, for import_course."""
    return media_bytes(DEMO_COURSE, course)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the head once per run (the migrations take most of a small
    test's time); each test's database starts as a copy of it."""
    path = tmp_path_factory.mktemp("template") / "learnloop.db"
    db = Database.from_url(f"sqlite:///{path}")
    upgrade_database(db.engine)
    db.dispose()  # the last connection folds the write-ahead log into the file
    return path


def _sqlite_database(tmp_path: Path, template: Path) -> Iterator[Database]:
    shutil.copyfile(template, tmp_path / "learnloop.db")
    db = Database.from_url(f"sqlite:///{tmp_path / 'learnloop.db'}")
    yield db
    db.dispose()


@contextmanager
def scratch_schema(prefix: str = "t") -> Iterator[str]:
    """A PostgreSQL schema of its own for one test, dropped with everything in it afterwards."""
    if not postgres_available():
        skip_or_fail(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _postgres_database() -> Iterator[Database]:
    """A PostgreSQL schema of its own, migrated to the head (for tests that need the schema's
    name, such as a backup of one schema)."""
    with scratch_schema() as schema:
        engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
        db = Database(engine)
        try:
            upgrade_database(db.engine)
            yield db
        finally:
            db.dispose()


@contextmanager
def scratch_database(prefix: str, template: str | None = None) -> Iterator[str]:
    """A PostgreSQL database of its own (a copy of the database ``template`` when given), by
    its URL; dropped with everything in it afterwards."""
    if not postgres_available():
        skip_or_fail(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database migrated to the head once per run (per xdist worker):
    each test's database is a copy of it (CREATE DATABASE ... TEMPLATE), which takes about
    0.05 s where running the migrations took about 0.9 s; the copy is exactly what the
    migrations made."""
    with scratch_database("ll_template") as url:
        migrated = create_engine(url)
        upgrade_database(migrated)
        migrated.dispose()  # a template must have no connections when it is copied
        yield str(migrated.url.database)


def _postgres_copy(template: str) -> Iterator[Database]:
    """A fresh PostgreSQL database of its own, copied from the migrated template, opened as the
    platform opens its database (``Database.from_url``), and dropped afterwards."""
    with scratch_database("ll_test", template) as url:
        db = Database.from_url(url)
        try:
            yield db
        finally:
            db.dispose()


def database_at(kind: str, tmp_path: Path, revision: str) -> Iterator[Database]:
    """A database of ``kind`` ("sqlite" or "postgres") migrated only to ``revision``, for tests
    of the migrations after it."""
    if kind == "sqlite":
        db = Database.from_url(f"sqlite:///{tmp_path / 'old.db'}")
        upgrade_database(db.engine, revision)
        yield db
        db.dispose()
        return
    with scratch_schema() as schema:
        engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
        db = Database(engine)
        upgrade_database(db.engine, revision)
        yield db
        db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: SQLite, then the same test on PostgreSQL."""
    if request.param == "sqlite":
        yield from _sqlite_database(tmp_path, request.getfixturevalue("sqlite_template"))
    else:
        yield from _postgres_copy(request.getfixturevalue("postgres_template"))


@pytest.fixture
def caller(db: Database, hasher: PasswordHasher) -> LrsCaller:
    """Read-write LRS credentials on ``db`` (the first client created there)."""
    made = create_client(db, hasher, name="writer", can_write=True)
    return authenticate_client(db, hasher, made.key, made.secret)


@pytest.fixture
def postgres_db(postgres_template: str) -> Iterator[Database]:
    """PostgreSQL only, for what only PostgreSQL does (its own side of a dialect's branch)."""
    yield from _postgres_copy(postgres_template)


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """SQLite only, for tests about the web layer where the backend is not the point."""
    yield from _sqlite_database(tmp_path, sqlite_template)


@dataclass(frozen=True)
class World:
    """Two classes on the demo course and one of each role the role tests need."""

    db: Database
    course: Course
    course_id: int
    class_id: int
    other_class_id: int
    admin: Viewer
    educator: Viewer  # teaches class_id
    other_educator: Viewer  # teaches other_class_id only
    learner: Viewer  # in class_id
    other_learner: Viewer  # in class_id too: a classmate
    outsider: Viewer  # a learner in other_class_id


def build_world(db: Database, hasher: PasswordHasher, course: Course) -> World:
    course_id, _ = import_course(db, course, media=demo_media(course))
    class_id = create_class(db, name="7B", course_id=course_id)
    other_class_id = create_class(db, name="8C", course_id=course_id)

    def user(name: str, role: Role) -> Viewer:
        return register_user(
            db, hasher, username=name, password=PASSWORD, display_name=name.title(), role=role
        )

    admin = user("admin", Role.ADMIN)
    educator = user("teacher", Role.EDUCATOR)
    other_educator = user("teacher2", Role.EDUCATOR)
    learner = user("lea", Role.LEARNER)
    other_learner = user("omar", Role.LEARNER)
    outsider = user("olga", Role.LEARNER)
    for viewer, cid in (
        (educator, class_id),
        (learner, class_id),
        (other_learner, class_id),
        (other_educator, other_class_id),
        (outsider, other_class_id),
    ):
        add_to_class(db, class_id=cid, user_id=viewer.user_id)
    for viewer in (learner, other_learner, outsider):
        complete_onboarding(
            db,
            viewer,
            course_id=None,
            goal_objective="add-unlike",
            goal_date=None,
            interests="music",
            preferred_modalities=["reading"],
        )
    return World(
        db,
        course,
        course_id,
        class_id,
        other_class_id,
        admin,
        educator,
        other_educator,
        learner,
        other_learner,
        outsider,
    )


def unlock_activity(world: World, learner: Viewer, activity: str) -> None:
    """The class's educator marks every prerequisite of the activity's objectives mastered (with
    a reason, as the product lets them), so that ``activity`` is unlocked for ``learner``."""
    needed: set[str] = set()
    todo = [p for o in world.course.activities[activity].objectives
            for p in world.course.objectives[o].prerequisites]  # fmt: skip
    while todo:
        key = todo.pop()
        if key not in needed:
            needed.add(key)
            todo.extend(world.course.objectives[key].prerequisites)
    for key in sorted(needed):
        override_mastery(
            world.db, world.educator, class_id=world.class_id, learner_id=learner.user_id,
            objective=key, action="mastered", reason="seen in class",
        )  # fmt: skip


@pytest.fixture
def world(db: Database, hasher: PasswordHasher, demo_course: Course) -> World:
    return build_world(db, hasher, demo_course)


@pytest.fixture(scope="session")
def sqlite_world_template(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path, demo_course: Course
) -> tuple[Path, World]:
    """The world built once per run on SQLite; each test of ``sqlite_world`` gets a copy."""
    path = tmp_path_factory.mktemp("world") / "learnloop.db"
    shutil.copyfile(sqlite_template, path)
    db = Database.from_url(f"sqlite:///{path}")
    world = build_world(db, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
                        demo_course)  # fmt: skip
    db.dispose()
    return path, world


@pytest.fixture
def sqlite_world(tmp_path: Path, sqlite_world_template: tuple[Path, World]) -> Iterator[World]:
    """The world on SQLite: a copy of one built once (the same ids, names and class)."""
    template, world = sqlite_world_template
    shutil.copyfile(template, tmp_path / "learnloop.db")
    db = Database.from_url(f"sqlite:///{tmp_path / 'learnloop.db'}")
    yield dataclasses.replace(world, db=db)
    db.dispose()


@pytest.fixture
def rng() -> np.random.Generator:
    """The seed fixture: every random draw in a test comes from here."""
    return np.random.default_rng(20261124)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback for this test (tests.smtp_inbox), and its port."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
