"""A roster sent by an administrator: a CSV or a OneRoster zip sets accounts and classes up in
one transaction, with one-time passwords returned once; problems change nothing; only an admin
may; a zip that would unpack past its limit is refused before it is read (both backends)."""

from __future__ import annotations

import io
import zipfile

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.content import oneroster
from learnloop.exceptions import ContentError, InvalidInput, PermissionDenied
from learnloop.services.accounts import authenticate
from learnloop.services.roster_uploads import upload_roster
from learnloop.storage.tables import AuditEvent, SchoolClass, User, XapiIdentity
from tests.conftest import World
from tests.content.test_oneroster import CLASSES, ENROLLMENTS, USERS, _with_emails
from tests.services.test_rosters import ROSTER


def oneroster_zip(users: str = USERS, enrollments: str = ENROLLMENTS) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("users.csv", users), ("classes.csv", CLASSES),
                           ("enrollments.csv", enrollments)):  # fmt: skip
            z.writestr(f"export/{name}", text)
    return buffer.getvalue()


def counts(world: World) -> tuple[int, int, int]:
    with world.db.reading() as s:
        return (
            s.scalar(select(func.count()).select_from(User)) or 0,
            s.scalar(select(func.count()).select_from(SchoolClass)) or 0,
            s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def test_a_roster_csv_creates_accounts_whose_one_time_passwords_work(
    world: World, hasher: PasswordHasher
) -> None:
    done = upload_roster(world.db, hasher, world.admin, ROSTER.encode(), filename="10A.csv")
    assert (done.source, done.oneroster) == ("10A.csv", False)
    assert [(u, r) for u, r, _ in done.result.created_accounts] == [("zoe", "learner"),
                                                                      ("yan", "learner")]  # fmt: skip
    assert done.result.created_classes == ["10A"]
    zoe = authenticate(world.db, hasher, "zoe", done.result.created_accounts[0][2])
    assert zoe.must_change_password
    with world.db.reading() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "roster.imported")).one()
    assert (event.actor, event.subject) == ("admin", "10A.csv")
    again = upload_roster(world.db, hasher, world.admin, ROSTER.encode(), filename="10A.csv")
    assert (again.result.created_accounts, again.result.memberships_added) == ([], 0)


def test_a_oneroster_zip_follows_the_course_named_and_links_addresses(
    world: World, hasher: PasswordHasher
) -> None:
    data = oneroster_zip(users=_with_emails(USERS))
    done = upload_roster(world.db, hasher, world.admin, data, filename="sis.zip",
                         course="fractions", link_emails=True)  # fmt: skip
    assert (done.source, done.oneroster) == ("sis.zip:enrollments.csv", True)
    assert sorted(u for u, _, _ in done.result.created_accounts) == ["mr.khan", "yan", "zoe.adams"]
    assert done.result.created_classes == ["Maths 7 (M7-A)", "Maths 7"]
    assert done.left_out == {"role guardian": 1, "user not enabled": 1}
    assert done.result.identities_linked == 2
    with world.db.reading() as s:
        linked = s.scalars(select(XapiIdentity.agent).where(XapiIdentity.derived_from.is_(None)))
        assert sorted(a["mbox"] for a in linked) == [
            "mailto:yan.li@school.example", "mailto:zoe.adams@school.example"
        ]  # fmt: skip


def test_problems_change_nothing_and_name_their_line(world: World, hasher: PasswordHasher) -> None:
    before = counts(world)
    bad = ROSTER + "x!,Bad Name,learner,10A,\n"
    with pytest.raises(ContentError) as caught:
        upload_roster(world.db, hasher, world.admin, bad.encode(), filename="10A.csv")
    assert [(i.file, i.line) for i in caught.value.issues] == [("10A.csv", 7)]
    with pytest.raises(ContentError) as no_course:  # OneRoster's new classes need a course
        upload_roster(world.db, hasher, world.admin, oneroster_zip(), filename="sis.zip")
    assert {i.file for i in no_course.value.issues} == {"sis.zip:enrollments.csv"}
    with pytest.raises(InvalidInput) as csv_emails:
        upload_roster(world.db, hasher, world.admin, ROSTER.encode(), filename="r.csv",
                      link_emails=True)  # fmt: skip
    assert csv_emails.value.field == "link_emails"
    with pytest.raises(InvalidInput) as empty:
        upload_roster(world.db, hasher, world.admin, b"", filename="")
    assert empty.value.field == "roster"
    for viewer in (world.educator, world.learner):
        with pytest.raises(PermissionDenied):
            upload_roster(world.db, hasher, viewer, ROSTER.encode(), filename="r.csv")
    assert counts(world) == before


def test_a_zipped_table_past_its_limit_is_refused_unread(
    world: World, hasher: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oneroster, "MAX_TABLE_BYTES", 10_000)
    padded = USERS + "".join(f"# {'0' * 90}\n" for _ in range(200))  # 18 KB, zips to little
    with pytest.raises(ContentError) as caught:
        upload_roster(world.db, hasher, world.admin, oneroster_zip(users=padded),
                      filename="sis.zip", course="fractions")  # fmt: skip
    assert [str(i) for i in caught.value.issues] == [
        "sis.zip:0: users.csv unpacks to more than 10000 bytes"
    ]
