"""Roster import: the file is read with its lines, the database changes whole or not at all, a
second run changes nothing (both backends for the import; the CLI on SQLite)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content.roster_csv import read_roster
from learnloop.exceptions import ContentError
from learnloop.reports.admin_views import class_members
from learnloop.services.accounts import authenticate
from learnloop.services.rosters import import_roster
from learnloop.storage.tables import ClassMember, SchoolClass, User
from tests.conftest import World

ROSTER = """\ufeffusername,display_name,role,class,course
zoe,Zoë Adams,learner,10A,fractions
yan,Yan Li,learner,10A,
teacher2,,educator,10A,
lea,,learner,10A,
zoe,,learner,7B,
"""


def write(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def issues(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(ContentError) as info:
        read_roster(path)
    return [(i.line, i.message) for i in info.value.issues]


def test_a_roster_sets_classes_up_and_a_second_run_changes_nothing(
    world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    rows = read_roster(write(tmp_path, ROSTER))
    result = import_roster(world.db, hasher, rows, source="roster.csv")
    assert [(u, r) for u, r, _ in result.created_accounts] == [
        ("zoe", "learner"),
        ("yan", "learner"),
    ]
    assert result.created_classes == ["10A"]
    assert (result.memberships_added, result.memberships_kept) == (5, 0)
    zoe_password = result.created_accounts[0][2]
    assert len(zoe_password) >= 16
    zoe = authenticate(world.db, hasher, "zoe", zoe_password)
    assert zoe.display_name == "Zoë Adams"
    assert zoe.must_change_password  # a one-time password: she chooses her own first
    with world.db.reading() as s:
        ten_a = s.scalar(select(SchoolClass.id).where(SchoolClass.name == "10A"))
        stored = s.scalar(select(User.password_hash).where(User.username == "zoe"))
    assert stored is not None
    assert zoe_password not in stored
    assert ten_a is not None
    names = [u for _, u, _, _ in class_members(world.db, world.admin, ten_a).members]
    assert names == ["teacher2", "lea", "yan", "zoe"]
    again = import_roster(world.db, hasher, rows, source="roster.csv")
    assert (again.created_accounts, again.created_classes) == ([], [])
    assert (again.memberships_added, again.memberships_kept) == (0, 5)


def test_what_the_database_refuses_is_named_by_line_and_nothing_changes(
    world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    bad = """username,role,class,course
newbie,learner,11C,fractions
teacher,learner,7B,
olga,learner,12D,
omar,learner,7B,algebra
kim,learner,11C,other
"""
    with world.db.reading() as s:
        before = (
            s.scalar(select(func.count()).select_from(User)),
            s.scalar(select(func.count()).select_from(ClassMember)),
            s.scalar(select(func.count()).select_from(SchoolClass)),
        )
    with pytest.raises(ContentError) as info:
        import_roster(world.db, hasher, read_roster(write(tmp_path, bad)), source="r.csv")
    found = [(i.line, i.message) for i in info.value.issues]
    assert found == [
        (3, "teacher has an account as educator, not learner"),
        (4, "new class '12D' needs its course"),
        (5, "there is no course 'algebra'"),
        (6, "there is no course 'other'"),
    ]
    with world.db.reading() as s:
        after = (
            s.scalar(select(func.count()).select_from(User)),
            s.scalar(select(func.count()).select_from(ClassMember)),
            s.scalar(select(func.count()).select_from(SchoolClass)),
        )
    assert after == before


def test_the_file_is_checked_line_by_line(tmp_path: Path) -> None:
    assert issues(write(tmp_path, "user,role,class\nzoe,learner,10A\n")) == [
        (1, "missing column(s) username; unknown column(s) user "
            "(expected username,display_name,role,class,course)")
    ]  # fmt: skip
    text = """username,role,class
zo,learner,10A
zoe,admin,10A
zoe,learner,
zoe,learner,10A

zoe,learner,10A
ann,learner,10A,extra
"""
    assert issues(write(tmp_path, text)) == [
        (2, "username 'zo': use 3 to 64 letters, digits, . - _"),
        (3, "role 'admin': use learner or educator"),
        (4, "class is empty"),
        (7, "zoe in 10A again (line 5)"),
        (8, "more values than columns"),
    ]
    assert issues(write(tmp_path, "username,role,class\n")) == [(1, "the roster has no rows")]


def test_the_command_writes_passwords_for_you_only_and_refuses_to_lose_them(
    tmp_path: Path, demo_cli: CliRunner
) -> None:
    runner = demo_cli
    roster = write(tmp_path, "username,role,class,course\nzoe,learner,10A,fractions\n")
    out = tmp_path / "passwords.csv"
    done = runner.invoke(app, ["import-roster", str(roster), "--passwords", str(out)])
    assert done.exit_code == 0, done.output
    assert "accounts created" in done.output
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    with out.open() as f:
        assert [r[:2] for r in csv.reader(f)] == [["username", "role"], ["zoe", "learner"]]
    refused = runner.invoke(app, ["import-roster", str(roster), "--passwords", str(out)])
    assert refused.exit_code == 1
    assert "exists already" in refused.output
    bad = write(tmp_path, "username,role,class,course\nyan,learner,10B,nope\n", "bad.csv")
    failed = runner.invoke(app, ["import-roster", str(bad), "--passwords", str(tmp_path / "p2")])
    assert failed.exit_code == 1
    assert "bad.csv:2" in failed.output
    assert "Nothing was changed." in failed.output
    assert not (tmp_path / "p2").exists()
