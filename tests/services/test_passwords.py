"""Changing one's password and an admin's reset (both backends)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from learnloop.exceptions import (
    AuthenticationFailed,
    InvalidInput,
    PermissionDenied,
    TooManyAttempts,
)
from learnloop.reports.admin_views import admin_overview
from learnloop.services.accounts import (
    authenticate,
    change_password,
    reset_password,
    start_session,
    viewer_for_token,
)
from learnloop.services.login_limits import LoginLimits
from tests.conftest import PASSWORD, World


def test_changing_ends_every_other_session_and_keeps_this_one(
    world: World, hasher: PasswordHasher
) -> None:
    here = start_session(world.db, world.learner.user_id, kind="cookie", hours=1)
    phone = start_session(world.db, world.learner.user_id, kind="cookie", hours=1)
    token = start_session(world.db, world.learner.user_id, kind="api", hours=1)
    theirs = start_session(world.db, world.other_learner.user_id, kind="cookie", hours=1)
    change_password(
        world.db, hasher, world.learner, current=PASSWORD, new="a brand new phrase",
        keep_token=here,
    )  # fmt: skip
    assert viewer_for_token(world.db, here, kind="cookie").username == "lea"
    for gone, kind in ((phone, "cookie"), (token, "api")):
        with pytest.raises(AuthenticationFailed):
            viewer_for_token(world.db, gone, kind=kind)
    assert viewer_for_token(world.db, theirs, kind="cookie").username == "omar"
    assert authenticate(world.db, hasher, "lea", "a brand new phrase").username == "lea"
    with pytest.raises(AuthenticationFailed):
        authenticate(world.db, hasher, "lea", PASSWORD)


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_login(
    world: World, hasher: PasswordHasher
) -> None:
    limits = LoginLimits(per_account=2)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            change_password(
                world.db, hasher, world.learner, current="guess", new="whatever new",
                limits=limits,
            )  # fmt: skip
    with pytest.raises(TooManyAttempts):
        authenticate(world.db, hasher, "lea", PASSWORD, limits=limits)
    for new, field in (("short", "new"), (PASSWORD, "new")):
        with pytest.raises(InvalidInput) as info:
            change_password(world.db, hasher, world.other_learner, current=PASSWORD, new=new)
        assert info.value.field == field
    assert authenticate(world.db, hasher, "omar", PASSWORD).username == "omar"


def test_an_admin_reset_gives_a_one_time_password_that_must_be_changed(
    world: World, hasher: PasswordHasher
) -> None:
    session = start_session(world.db, world.learner.user_id, kind="cookie", hours=1)
    for viewer in (world.learner, world.educator, world.other_educator):
        with pytest.raises(PermissionDenied):
            reset_password(world.db, hasher, viewer, username="omar")
    with pytest.raises(InvalidInput, match="no account named 'nobody'"):
        reset_password(world.db, hasher, world.admin, username="nobody")
    one_time = reset_password(world.db, hasher, world.admin, username=" lea ")
    assert len(one_time) >= 16
    with pytest.raises(AuthenticationFailed):
        viewer_for_token(world.db, session, kind="cookie")
    viewer = authenticate(world.db, hasher, "lea", one_time)
    assert viewer.must_change_password
    change_password(world.db, hasher, viewer, current=one_time, new="my own words now")
    assert not authenticate(world.db, hasher, "lea", "my own words now").must_change_password
    assert admin_overview(world.db, world.admin).changes[0].action == "account.password_reset"
