"""OneRoster 1.1 CSV exports into roster rows: students and teachers of the classes, other roles
and deleted or disabled rows left out, e-mail usernames shortened when that is safe, every problem
named with its file and line; and the command sets the classes up from a zip (SQLite)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content.oneroster import is_oneroster, read_oneroster
from learnloop.domain import Role
from learnloop.exceptions import ContentError

# Written for these tests, in OneRoster 1.1's CSV columns (a subset: the others are optional here).
USERS = """\
sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,givenName,familyName
u1,active,2026-09-01,true,s1,student,zoe.adams@school.example,Zoë,Adams
u2,active,2026-09-01,true,s1,student,yan,Yan,Li
u3,active,2026-09-01,true,s1,teacher,mr.khan,Omar,Khan
u4,active,2026-09-01,false,s1,student,gone,Old,Account
u5,tobedeleted,2026-09-01,true,s1,student,left,Left,School
u6,active,2026-09-01,true,s1,guardian,parent1,Pat,Adams
"""
SAMS = """\
u7,active,2026-09-01,true,s1,student,sam@a.example,Sam,One
u8,active,2026-09-01,true,s1,student,sam@b.example,Sam,Two
"""
CLASSES = """\
sourcedId,status,dateLastModified,title,classCode,courseSourcedId,schoolSourcedId
c1,active,2026-09-01,Maths 7,M7-A,k1,s1
c2,active,2026-09-01,Maths 7,,k1,s2
"""
ENROLLMENTS = """\
sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary
e1,active,2026-09-01,c1,s1,u1,student,false
e2,active,2026-09-01,c1,s1,u2,student,false
e3,active,2026-09-01,c1,s1,u3,teacher,true
e4,active,2026-09-01,c1,s1,u4,student,false
e5,active,2026-09-01,c1,s1,u6,guardian,false
e6,tobedeleted,2026-09-01,c1,s1,u2,student,false
e7,active,2026-09-01,c2,s2,u2,student,false
e8,active,2026-09-01,c1,s1,u3,teacher,true
"""


def export(tmp_path: Path, **changes: str) -> Path:
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    files = {"users.csv": USERS, "classes.csv": CLASSES, "enrollments.csv": ENROLLMENTS}
    files.update({k.replace("_", "."): v for k, v in changes.items()})
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_students_and_teachers_become_roster_rows(tmp_path: Path) -> None:
    folder = export(tmp_path)
    assert is_oneroster(folder)
    result = read_oneroster(folder, course="fractions")
    assert [(r.line, r.username, r.display_name, r.role, r.class_name, r.course) for r in result.rows] == [
        (2, "zoe.adams", "Zoë Adams", Role.LEARNER, "Maths 7 (M7-A)", "fractions"),
        (3, "yan", "Yan Li", Role.LEARNER, "Maths 7 (M7-A)", "fractions"),
        (4, "mr.khan", "Omar Khan", Role.EDUCATOR, "Maths 7 (M7-A)", "fractions"),
        (8, "yan", "Yan Li", Role.LEARNER, "Maths 7", "fractions"),
    ]  # fmt: skip
    assert result.left_out == {"role guardian": 1, "user not enabled": 1}


def test_problems_are_named_with_their_file_and_line(tmp_path: Path) -> None:
    enrollments = ENROLLMENTS + "e9,active,2026-09-01,c9,s1,u1,student,false\n"
    enrollments += "e10,active,2026-09-01,c1,s1,u7,student,false\n"
    enrollments += "e11,active,2026-09-01,c1,s1,u99,student,false\n"
    with pytest.raises(ContentError) as info:
        read_oneroster(
            export(tmp_path, users_csv=USERS + SAMS, enrollments_csv=enrollments),
            course="fractions",
        )
    assert [(i.file, i.line, i.message) for i in info.value.issues] == [
        # two users would both become "sam": neither is shortened, and the @ is refused
        ("users.csv", 8, "username 'sam@a.example': use 3 to 64 letters, digits, . - _"),
        ("users.csv", 9, "username 'sam@b.example': use 3 to 64 letters, digits, . - _"),
        ("enrollments.csv", 10, "class 'c9' is not in classes.csv"),
        ("enrollments.csv", 12, "user 'u99' is not in users.csv"),
    ]


def test_a_missing_file_or_column_is_named(tmp_path: Path) -> None:
    folder = export(tmp_path)
    (folder / "classes.csv").unlink()
    with pytest.raises(ContentError, match=r"a OneRoster export needs classes\.csv"):
        read_oneroster(folder, course="fractions")
    folder = export(tmp_path, classes_csv="sourcedId,name\nc1,Maths\n")
    with pytest.raises(ContentError) as info:
        read_oneroster(folder, course="fractions")
    assert [(i.file, i.line, i.message) for i in info.value.issues] == [
        ("classes.csv", 1, "missing column(s) title")
    ]


def test_the_command_imports_a_zip(tmp_path: Path, demo_cli: CliRunner) -> None:
    runner = demo_cli
    bundle = tmp_path / "sis-export.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        for name, text in (("users.csv", USERS), ("classes.csv", CLASSES),
                           ("enrollments.csv", ENROLLMENTS)):  # fmt: skip
            z.writestr(f"oneroster/{name}", text)
    out = tmp_path / "passwords.csv"
    done = runner.invoke(
        app, ["import-roster", str(bundle), "--passwords", str(out), "--course", "fractions"]
    )
    assert done.exit_code == 0, done.output
    assert "1 enrollment(s) left out: role guardian" in done.output
    with out.open() as f:
        assert sorted(r[0] for r in list(csv.reader(f))[1:]) == ["mr.khan", "yan", "zoe.adams"]
    no_course = runner.invoke(
        app, ["import-roster", str(bundle), "--passwords", str(tmp_path / "p2")]
    )
    assert no_course.exit_code == 0, no_course.output  # the classes exist now: no course needed


def _with_emails(users: str) -> str:
    """USERS with an email column: Zoë's and Yan's addresses, none for Mr Khan."""
    lines = users.splitlines()
    mails = {"u1": "Zoe.Adams@school.example", "u2": "yan.li@school.example"}
    out = [lines[0] + ",email"]
    out += [f"{line},{mails.get(line.split(',')[0], '')}" for line in lines[1:]]
    return "\n".join(out) + "\n"


def test_link_emails_links_each_imported_persons_address_in_the_same_transaction(
    tmp_path: Path, demo_cli: CliRunner
) -> None:
    runner = demo_cli
    folder = export(tmp_path, users_csv=_with_emails(USERS))
    assert [(r.username, r.fields, r.line) for r in read_oneroster(folder, course="x").emails] == [
        ("zoe.adams", {"mbox": "Zoe.Adams@school.example"}, 2),
        ("yan", {"mbox": "yan.li@school.example"}, 3),
    ]  # the disabled, the leaver and the guardian are not imported, so not linked
    # Yan's address is an existing account's already: the whole import is refused
    made = runner.invoke(app, ["create-user", "demo.yan"], input="a-long-password-1\n" * 2)
    assert made.exit_code == 0, made.output
    yan = ["demo.yan", "--mbox", "yan.li@school.example"]
    assert runner.invoke(app, ["xapi-identity", "link", *yan]).exit_code == 0
    refused = runner.invoke(app, [
        "import-roster", str(folder), "--passwords", str(tmp_path / "p1"), "--course", "fractions",
        "--link-emails",
    ])  # fmt: skip
    assert refused.exit_code == 1
    assert "export:users.csv:3: mbox: already names the account 'demo.yan'" in refused.output
    missing = runner.invoke(app, ["xapi-identity", "list", "zoe.adams"])
    assert "no account named 'zoe.adams'" in missing.output  # nor were the roster's accounts made
    assert runner.invoke(app, ["xapi-identity", "unlink", *yan]).exit_code == 0
    done = runner.invoke(app, [
        "import-roster", str(folder), "--passwords", str(tmp_path / "p2"), "--course", "fractions",
        "--link-emails",
    ])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "e-mail addresses linked" in done.output
    assert "Nothing was changed" not in done.output
    for username, address in (("zoe.adams", "zoe.adams"), ("yan", "yan.li")):
        listed = runner.invoke(app, ["xapi-identity", "list", username]).output
        assert f"mailto:{address}@school.example" in listed
    assert (
        "has no linked identity" in runner.invoke(app, ["xapi-identity", "list", "mr.khan"]).output
    )
    plain = runner.invoke(app, [
        "import-roster", str(tmp_path / "p2"), "--passwords", str(tmp_path / "p3"), "--link-emails",
    ])  # fmt: skip
    assert plain.exit_code == 1
    assert "--link-emails reads OneRoster's users.csv" in plain.output
