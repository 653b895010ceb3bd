"""The audit trail: admin and command-line changes are recorded with the change, and only then;
a class's records downloaded are recorded before the file goes, and a refused download is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.config import DEFAULT_PUBLIC_URL
from learnloop.domain import Course
from learnloop.exceptions import PermissionDenied
from learnloop.services.accounts import register_user
from learnloop.services.audit import OPERATOR
from learnloop.services.class_downloads import record_class_download
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


def test_a_class_download_is_on_the_trail_and_a_refused_one_is_not(world: World) -> None:
    w = world
    with w.db.reading() as s:
        before = s.scalars(select(AuditEvent.id)).all()
    record_class_download(w.db, w.educator, class_id=w.class_id, file="answers", now=T0)
    record_class_download(w.db, w.admin, class_id=w.class_id, file="mastery", now=T0)
    for viewer in (w.learner, w.other_educator, w.outsider):
        with pytest.raises(PermissionDenied):
            record_class_download(w.db, viewer, class_id=w.class_id, file="items", now=T0)
    with pytest.raises(ValueError, match="no class file 'grades'"):
        record_class_download(w.db, w.educator, class_id=w.class_id, file="grades", now=T0)
    with w.db.reading() as s:
        new = list(s.scalars(select(AuditEvent).where(AuditEvent.id.not_in(before))))
    assert [(e.actor, e.action, e.subject, e.details, e.at) for e in new] == [
        (w.educator.username, "class.records_downloaded", "7B", {"file": "answers"}, T0),
        (w.admin.username, "class.records_downloaded", "7B", {"file": "mastery"}, T0),
    ]
