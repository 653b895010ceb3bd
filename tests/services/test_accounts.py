from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from learnloop.domain import Role
from learnloop.exceptions import AuthenticationFailed, DuplicateName, InvalidInput
from learnloop.services.accounts import (
    authenticate,
    end_session,
    register_user,
    start_session,
    viewer_for_token,
)
from learnloop.storage import Database
from learnloop.storage.tables import AuthSession, LearnerProfile, User


def test_passwords_are_stored_as_argon2id_hashes(db: Database, hasher: PasswordHasher) -> None:
    viewer = register_user(
        db, hasher, username="ana", password="a long secret", display_name=" Ana  B "
    )
    with db.reading() as s:
        user = s.get(User, viewer.user_id)
        assert s.get(LearnerProfile, viewer.user_id) is not None
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert "a long secret" not in user.password_hash
    assert viewer.display_name == "Ana B"
    assert authenticate(db, hasher, "ana", "a long secret").user_id == viewer.user_id
    with pytest.raises(AuthenticationFailed):
        authenticate(db, hasher, "ana", "a wrong secret")
    with pytest.raises(AuthenticationFailed):
        authenticate(db, hasher, "nobody", "a long secret")


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("a", "long enough", "username"),
        ("bad name!", "long enough", "username"),
        ("bob", "short", "password"),
    ],
)
def test_registration_names_the_bad_field(
    db: Database, hasher: PasswordHasher, username: str, password: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        register_user(db, hasher, username=username, password=password, display_name="x")
    assert info.value.field == field


def test_usernames_are_unique(db: Database, hasher: PasswordHasher) -> None:
    register_user(
        db, hasher, username="sam", password="long enough", display_name="Sam", role=Role.EDUCATOR
    )
    with pytest.raises(DuplicateName):
        register_user(db, hasher, username="sam", password="long enough", display_name="Sam 2")


def test_sessions_store_only_a_hash_and_expire(db: Database, hasher: PasswordHasher) -> None:
    viewer = register_user(db, hasher, username="kim", password="long enough", display_name="Kim")
    token = start_session(db, viewer.user_id, kind="cookie", hours=1)
    with db.reading() as s:
        stored = s.scalars(select(AuthSession.token_hash)).all()
    assert token not in stored
    assert len(stored) == 1
    assert viewer_for_token(db, token, kind="cookie").username == "kim"
    with pytest.raises(AuthenticationFailed):
        viewer_for_token(db, token, kind="api")  # a cookie is not an API token
    with db.transaction() as s:
        s.execute(update(AuthSession).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    with pytest.raises(AuthenticationFailed):
        viewer_for_token(db, token, kind="cookie")
    fresh = start_session(db, viewer.user_id, kind="api", hours=1)
    end_session(db, fresh)
    with pytest.raises(AuthenticationFailed):
        viewer_for_token(db, fresh, kind="api")
