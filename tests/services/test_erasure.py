"""Deleting an account removes everything kept about the person, on SQLite and PostgreSQL, in one
transaction, and nobody else's data; only an admin deletes, never their own account."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, or_, select

from learnloop.adapters.xapi.attachments import AttachmentContent
from learnloop.adapters.xapi.learnloop_ids import learner_agent
from learnloop.adapters.xapi.statements import agent_key
from learnloop.config import DEFAULT_PUBLIC_URL
from learnloop.domain import Viewer
from learnloop.exceptions import (
    AuthenticationFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from learnloop.services import erasure
from learnloop.services.accounts import authenticate
from learnloop.services.demo_practice import answer_for
from learnloop.services.erasure import delete_account
from learnloop.services.learning import record_attempt
from learnloop.services.login_limits import LoginLimits
from learnloop.services.lrs import LrsCaller, create_client, prepare_statements, write_group
from learnloop.services.lrs_documents import DocumentScope, write_document
from learnloop.services.messages import send_feedback
from learnloop.services.statement_index import catch_up
from learnloop.storage import Database
from learnloop.storage.personal_data import statements_naming, user_tables
from learnloop.storage.tables import (
    AuditEvent,
    Base,
    LrsClient,
    XapiAttachment,
    XapiDocument,
    XapiStatement,
)
from tests.conftest import PASSWORD, World

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
URL = DEFAULT_PUBLIC_URL


def _key(viewer: Viewer) -> str:
    return agent_key(learner_agent(URL, viewer.username))


def _rows_about(db: Database, user_id: int) -> int:
    with db.reading() as s:
        return sum(
            int(
                s.scalar(
                    select(func.count())
                    .select_from(Base.metadata.tables[name])
                    .where(or_(*(c == user_id for c in columns)))
                )
                or 0
            )
            for name, columns in user_tables().items()
        )


def _history(db: Database, hasher: PasswordHasher, w: World, who: Viewer, note: str) -> None:
    """Answers, feedback, an LRS statement with an attachment naming ``who`` as the object, and
    an xAPI state document for their agent."""
    for item, right in (("pw-4", True), ("pw-3", False)):
        record_attempt(
            db, who, activity_key="parts-practice", item_key=item,
            response=answer_for(w.course, item, right), now=T0,
        )  # fmt: skip
    send_feedback(db, w.educator, class_id=w.class_id, learner_id=who.user_id, body=note)
    client = create_client(db, hasher, name=f"tool-{who.username}", can_write=True, now=T0)
    with db.reading() as s:
        client_id = s.scalar(select(LrsClient.id).where(LrsClient.name == client.name))
    assert client_id is not None
    caller = LrsCaller(client_id, client.name, True)
    content = f"an essay by {who.username}".encode()
    sha2 = hashlib.sha256(content).hexdigest()
    statement: dict[str, Any] = {
        "actor": {"mbox": "mailto:teacher@example.org"},
        "verb": {"id": "http://example.org/verbs/assessed"},
        "object": {"objectType": "Agent", **learner_agent(URL, who.username)},
        "attachments": [{
            "usageType": "http://example.org/essay", "display": {"en": "essay"},
            "contentType": "text/plain", "length": len(content), "sha2": sha2,
        }],
    }  # fmt: skip
    batch = prepare_statements(
        caller, [statement], base_url=URL,
        contents={sha2: AttachmentContent(sha2, "text/plain", content)},
    )  # fmt: skip
    with db.transaction() as s:
        write_group(s, [batch], base_url=URL, now=T0)
    scope = DocumentScope("state", "http://example.org/activity", _key(who), "")
    write_document(db, caller, scope, "bookmark", b'{"page": 3}', "application/json", merge=False)


def test_deleting_an_account_removes_everything_about_the_person_and_nothing_else(
    world: World, hasher: PasswordHasher
) -> None:
    w = world
    _history(w.db, hasher, w, w.learner, "for the learner")
    _history(w.db, hasher, w, w.other_learner, "for the classmate")
    gone, kept = w.learner, w.other_learner
    assert _rows_about(w.db, gone.user_id) > 0
    kept_before = _rows_about(w.db, kept.user_id)
    catch_up(w.db)  # statements are found by their filed keys
    with w.db.reading() as s:
        kept_statements = len(statements_naming(s, [_key(kept)]))

    erased = delete_account(
        w.db, w.admin, username=gone.username, confirm=gone.username, public_url=URL
    )

    assert erased.rows["users"] == 1
    assert erased.rows["attempts"] == 2
    assert erased.rows["xapi_statements"] == 3  # two in-app answers and the tool's statement
    assert erased.rows["xapi_attachments"] == 1
    assert erased.rows["xapi_documents"] == 1
    assert _rows_about(w.db, gone.user_id) == 0
    with w.db.reading() as s:
        assert statements_naming(s, [_key(gone)]) == []
        assert s.scalar(select(func.count()).select_from(XapiDocument)) == 1  # the classmate's
        assert s.scalar(select(func.count()).select_from(XapiAttachment)) == 1
        assert len(statements_naming(s, [_key(kept)])) == kept_statements
    # the classmate keeps every row about them
    assert _rows_about(w.db, kept.user_id) == kept_before
    with pytest.raises(AuthenticationFailed):
        authenticate(w.db, hasher, gone.username, PASSWORD)
    assert authenticate(w.db, hasher, kept.username, PASSWORD).user_id == kept.user_id


def test_an_attachment_another_statement_still_holds_is_kept(
    world: World, hasher: PasswordHasher
) -> None:
    w = world
    _history(w.db, hasher, w, w.learner, "x")
    catch_up(w.db)
    with w.db.reading() as s:
        (sha2,) = s.scalars(select(XapiAttachment.sha2)).all()
        statement = next(
            st for _, st in statements_naming(s, [_key(w.learner)]) if "attachments" in st
        )
    other = {**statement, "object": {"objectType": "Activity", "id": "http://example.org/a"}}
    for field in ("id", "stored", "authority", "version", "timestamp"):
        other.pop(field, None)
    # the same attachment, sent this time by fileUrl: the stored content is still its content
    other["attachments"] = [{**statement["attachments"][0], "fileUrl": "http://example.org/e"}]
    caller = LrsCaller(statement_client(w), "tool", True)
    batch = prepare_statements(caller, [other], base_url=URL)
    with w.db.transaction() as s:
        write_group(s, [batch], base_url=URL, now=T0)
    delete_account(w.db, w.admin, username=w.learner.username, confirm=w.learner.username,
                   public_url=URL)  # fmt: skip
    with w.db.reading() as s:
        assert s.scalars(select(XapiAttachment.sha2)).all() == [sha2]


def statement_client(w: World) -> int:
    with w.db.reading() as s:
        client_id = s.scalar(
            select(XapiStatement.client_id).where(XapiStatement.client_id.isnot(None))
        )
    assert client_id is not None
    return int(client_id)


@pytest.mark.parametrize(
    ("who", "username", "confirm", "error"),
    [
        ("educator", "learner", "learner", PermissionDenied),
        ("learner", "learner", "learner", PermissionDenied),
        ("admin", "admin", "admin", InvalidInput),  # not one's own account
        ("admin", "learner", "someone else", InvalidInput),
        ("admin", "", "", InvalidInput),
        ("admin", "nobody-here", "nobody-here", NotFound),
    ],
)
def test_refused_deletions_change_nothing(
    world: World, hasher: PasswordHasher, who: str, username: str, confirm: str, error: type
) -> None:
    w = world
    _history(w.db, hasher, w, w.learner, "x")
    before = _rows_about(w.db, w.learner.user_id)
    names = {"learner": w.learner.username, "admin": w.admin.username}
    with pytest.raises(error):
        delete_account(
            w.db, getattr(w, who), username=names.get(username, username),
            confirm=names.get(confirm, confirm), public_url=URL,
        )  # fmt: skip
    assert _rows_about(w.db, w.learner.user_id) == before


def test_a_failure_midway_deletes_nothing(
    world: World, hasher: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    _history(w.db, hasher, w, w.learner, "x")
    before = _rows_about(w.db, w.learner.user_id)

    def broken(*_args: object) -> list[str]:  # after the statements' delete has run
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erasure, "_unreferenced", broken)
    with pytest.raises(RuntimeError):
        delete_account(w.db, w.admin, username=w.learner.username, confirm=w.learner.username,
                       public_url=URL)  # fmt: skip
    assert _rows_about(w.db, w.learner.user_id) == before
    catch_up(w.db)  # the filing in the failed transaction was rolled back with the rest
    with w.db.reading() as s:
        assert len(statements_naming(s, [_key(w.learner)])) == 3
        assert s.scalar(select(func.count()).where(AuditEvent.action == "account.deleted")) == 0


def test_a_learner_deletes_their_own_account_with_their_password(
    world: World, hasher: PasswordHasher
) -> None:
    w = world
    _history(w.db, hasher, w, w.learner, "for the learner")
    _history(w.db, hasher, w, w.other_learner, "for the classmate")
    kept_before = _rows_about(w.db, w.other_learner.user_id)
    before = _rows_about(w.db, w.learner.user_id)
    limits = LoginLimits(per_account=2, per_address=100, window=timedelta(minutes=15))
    for password, confirm, field in ((PASSWORD, "omar", "confirm"), ("", "lea", "password"),
                                     ("not it", "lea", "password"), ("nor this", "lea", "password")):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            erasure.delete_own_account(w.db, hasher, w.learner, password=password,
                                       confirm=confirm, public_url=URL, limits=limits, now=T0)  # fmt: skip
        assert refused.value.field == field
    with pytest.raises(TooManyAttempts):  # guessed like a login, and limited like one
        erasure.delete_own_account(w.db, hasher, w.learner, password=PASSWORD, confirm="lea",
                                   public_url=URL, limits=limits, now=T0)  # fmt: skip
    assert _rows_about(w.db, w.learner.user_id) == before
    for not_learner in (w.educator, w.admin):
        with pytest.raises(PermissionDenied):
            erasure.delete_own_account(w.db, hasher, not_learner, password=PASSWORD,
                                       confirm=not_learner.username, public_url=URL)  # fmt: skip

    erased = erasure.delete_own_account(
        w.db,
        hasher,
        w.learner,
        password=PASSWORD,
        confirm=" lea ",
        public_url=URL,
        now=T0 + timedelta(hours=1),
    )
    assert (erased.rows["users"], erased.rows["attempts"], erased.rows["xapi_statements"]) == (
        1, 2, 3,
    )  # fmt: skip
    assert _rows_about(w.db, w.learner.user_id) == 0
    assert _rows_about(w.db, w.other_learner.user_id) == kept_before
    with w.db.reading() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "account.deleted")).one()
    assert (event.actor, event.subject, event.details["by"]) == ("lea", "lea",
                                                                 "the account's owner")  # fmt: skip
    with pytest.raises(AuthenticationFailed):
        authenticate(w.db, hasher, "lea", PASSWORD)
