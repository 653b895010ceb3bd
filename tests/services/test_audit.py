"""The audit trail: admin and command-line changes are recorded with the change, and only then."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.config import DEFAULT_PUBLIC_URL
from learnloop.domain import Course
from learnloop.services.accounts import register_user
from learnloop.services.audit import OPERATOR
from learnloop.services.courses import import_course
from learnloop.services.erasure import delete_account
from learnloop.services.lrs import create_client, revoke_client
from learnloop.storage import Database
from learnloop.storage.tables import AuditEvent
from tests.conftest import World, demo_media

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _events(db: Database) -> list[tuple[str, str, str]]:
    with db.reading() as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.actor, e.action, e.subject) for e in rows]


def test_a_course_import_is_recorded_when_it_changes_something(
    db: Database, demo_course: Course
) -> None:
    media = demo_media(demo_course)
    import_course(db, demo_course, media=media)
    import_course(db, demo_course, media=media)  # unchanged: nothing to record
    import_course(db, replace(demo_course, title="Fractions, revised"), media=media, actor="ana")
    assert _events(db) == [
        (OPERATOR, "course.created", demo_course.slug),
        ("ana", "course.updated", demo_course.slug),
    ]


def test_lrs_clients_created_and_revoked_are_recorded(db: Database, hasher: PasswordHasher) -> None:
    create_client(db, hasher, name="h5p", can_write=False, now=T0)
    revoke_client(db, name="h5p", now=T0)
    revoke_client(db, name="h5p", now=T0)  # already revoked: no change, no record
    assert _events(db) == [
        (OPERATOR, "lrs_client.created", "h5p"),
        (OPERATOR, "lrs_client.revoked", "h5p"),
    ]
    with db.reading() as s:
        created = s.scalars(select(AuditEvent)).first()
        assert created is not None
        assert created.details == {"can_write": False}


def test_a_deleted_account_leaves_who_deleted_it_and_what_went(
    world: World, hasher: PasswordHasher
) -> None:
    w = world
    register_user(w.db, hasher, username="gone", password="long enough", display_name="Gone")
    before = len(_events(w.db))
    delete_account(
        w.db, w.admin, username="gone", confirm="gone", public_url=DEFAULT_PUBLIC_URL, now=T0
    )
    events = _events(w.db)
    assert events[before:] == [(w.admin.username, "account.deleted", "gone")]
    with w.db.reading() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None
        assert last.at == T0
        assert last.details["rows"]["users"] == 1
        assert last.details["rows"]["learner_profiles"] == 1
