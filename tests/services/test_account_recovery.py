"""A forgotten password reset by e-mail (both backends): the address works only once confirmed and
only while it is the account's; the password is checked to give it; a reset link works once,
within its time, and ends every session; requests are limited per account, per address typed and
per client; two-step sign-in is asked for too; the rows are the owner's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.domain.account_recovery import (
    ACCOUNTS_PER_ADDRESS,
    CONFIRM_MAILS_PER_HOUR,
    RESET_MAILS_PER_HOUR,
)
from learnloop.exceptions import AuthenticationFailed, InvalidInput, NotFound, TooManyAttempts
from learnloop.reports.account_recovery import my_recovery_email
from learnloop.reports.learner_export import learner_export
from learnloop.services.account_recovery import (
    LinkToSend,
    account_to_reset,
    confirm_recovery_email,
    remove_recovery_email,
    request_password_reset,
    reset_password_with_link,
    set_recovery_email,
)
from learnloop.services.accounts import authenticate, register_user, start_session
from learnloop.services.erasure import delete_account
from learnloop.services.login_limits import LoginLimits
from learnloop.services.two_factor import finish_enrolment, start_enrolment
from learnloop.storage.tables import AuditEvent, AuthSession, EmailLink, RecoveryEmail
from tests.conftest import PASSWORD, World

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
KEY = "test-secret"
NEW = "a new and long password"


def _give(w: World, hasher: PasswordHasher, email: str = "Lea@Example.org",
          at: datetime = T0) -> LinkToSend:  # fmt: skip
    return set_recovery_email(w.db, hasher, w.learner, email=email, password=PASSWORD, now=at,
                              life=48 * HOUR)  # fmt: skip


def _confirmed(w: World, hasher: PasswordHasher, email: str = "Lea@Example.org") -> None:
    confirm_recovery_email(w.db, _give(w, hasher, email).secret, now=T0 + timedelta(minutes=1))


def _ask(w: World, who: str, at: datetime = T0 + HOUR, address: str = "10.0.0.1",
         limits: LoginLimits | None = None) -> list[LinkToSend]:  # fmt: skip
    return request_password_reset(w.db, who=who, now=at, life=HOUR, address=address,
                                  limits=limits)  # fmt: skip


def test_an_address_works_once_confirmed_and_by_username_or_address(
    world: World, hasher: PasswordHasher
) -> None:
    link = _give(world, hasher)
    assert (link.purpose, link.to, link.username) == ("confirm", "Lea@Example.org", "lea")
    assert my_recovery_email(world.db, world.learner.user_id).confirmed_at is None  # type: ignore[union-attr]
    assert _ask(world, "lea") == []  # not confirmed: nothing goes to it
    assert confirm_recovery_email(world.db, link.secret, now=T0 + HOUR) == "lea"
    assert my_recovery_email(world.db, world.learner.user_id).confirmed_at is not None  # type: ignore[union-attr]
    with pytest.raises(NotFound):  # once
        confirm_recovery_email(world.db, link.secret, now=T0 + HOUR)
    by_name = _ask(world, "lea")
    by_address = _ask(world, "  lea@EXAMPLE.org ")  # any case, as mail systems treat it
    assert [(x.purpose, x.to, x.user_id) for x in by_name + by_address] == [
        ("reset", "Lea@Example.org", world.learner.user_id)
    ] * 2
    assert _ask(world, "nobody") == []
    assert _ask(world, "other@example.org") == []
    assert _ask(world, "teacher") == []  # an account without an address


def test_giving_an_address_checks_the_password_and_the_address(
    world: World, hasher: PasswordHasher
) -> None:
    with pytest.raises(AuthenticationFailed):
        set_recovery_email(world.db, hasher, world.learner, email="lea@example.org",
                           password="wrong password", now=T0, life=HOUR)  # fmt: skip
    with pytest.raises(InvalidInput) as bad:
        set_recovery_email(world.db, hasher, world.learner, email="lea at example",
                           password=PASSWORD, now=T0, life=HOUR)  # fmt: skip
    assert bad.value.field == "email"
    with pytest.raises(InvalidInput) as none:
        set_recovery_email(world.db, hasher, world.learner, email="lea@example.org",
                           password="", now=T0, life=HOUR)  # fmt: skip
    assert none.value.field == "password"
    assert my_recovery_email(world.db, world.learner.user_id) is None  # nothing kept


def test_confirmation_links_expire_and_die_with_the_address_they_went_to(
    world: World, hasher: PasswordHasher
) -> None:
    old = _give(world, hasher, "old@example.org")
    with pytest.raises(NotFound):
        confirm_recovery_email(world.db, old.secret, now=T0 + 49 * HOUR)  # past its 48 hours
    new = _give(world, hasher, "new@example.org", at=T0 + timedelta(minutes=5))
    with pytest.raises(NotFound):  # the address it went to is no longer the account's
        confirm_recovery_email(world.db, old.secret, now=T0 + timedelta(minutes=6))
    confirm_recovery_email(world.db, new.secret, now=T0 + timedelta(minutes=6))
    assert my_recovery_email(world.db, world.learner.user_id).email == "new@example.org"  # type: ignore[union-attr]
    # a confirmed address replaced by another is unconfirmed again until its own link is opened
    _give(world, hasher, "third@example.org", at=T0 + 2 * HOUR)
    assert _ask(world, "lea", at=T0 + 3 * HOUR) == []
    assert _ask(world, "new@example.org", at=T0 + 3 * HOUR) == []


def test_confirmation_mails_are_limited_per_hour(world: World, hasher: PasswordHasher) -> None:
    for n in range(CONFIRM_MAILS_PER_HOUR):
        _give(world, hasher, f"try{n}@example.org", at=T0 + timedelta(minutes=n))
    with pytest.raises(InvalidInput) as limited:
        _give(world, hasher, "again@example.org", at=T0 + timedelta(minutes=10))
    assert limited.value.field == "email"
    assert my_recovery_email(world.db, world.learner.user_id).email == "try2@example.org"  # type: ignore[union-attr]
    _give(world, hasher, "later@example.org", at=T0 + 2 * HOUR)  # the next hour


def test_a_reset_link_sets_the_password_once_and_ends_every_session(
    world: World, hasher: PasswordHasher
) -> None:
    _confirmed(world, hasher)
    start_session(world.db, world.learner.user_id, kind="cookie", hours=12)
    start_session(world.db, world.learner.user_id, kind="api", hours=12)
    first, second = _ask(world, "lea"), _ask(world, "lea", at=T0 + HOUR + timedelta(minutes=1))
    assert account_to_reset(world.db, first[0].secret, now=T0 + HOUR).username == "lea"
    with pytest.raises(InvalidInput) as short:
        reset_password_with_link(world.db, hasher, secret=first[0].secret, new="short",
                                 now=T0 + HOUR)  # fmt: skip
    assert short.value.field == "new"
    assert reset_password_with_link(world.db, hasher, secret=first[0].secret, new=NEW,
                                    now=T0 + HOUR + timedelta(minutes=2)) == "lea"  # fmt: skip
    assert authenticate(world.db, hasher, "lea", NEW).username == "lea"
    with pytest.raises(AuthenticationFailed):
        authenticate(world.db, hasher, "lea", PASSWORD)
    with world.db.reading() as s:
        assert (
            s.scalar(select(func.count()).where(AuthSession.user_id == world.learner.user_id)) == 0
        )
        events = s.scalars(select(AuditEvent.action).where(AuditEvent.subject == "lea")).all()
    assert "account.password_reset_by_email" in events
    for link in (first[0], second[0]):  # spent, and the other link still out died with it
        with pytest.raises(NotFound):
            reset_password_with_link(world.db, hasher, secret=link.secret, new="another password",
                                     now=T0 + HOUR + timedelta(minutes=3))  # fmt: skip
    assert authenticate(world.db, hasher, "lea", NEW).username == "lea"


def test_a_reset_link_expires_and_dies_with_its_address(
    world: World, hasher: PasswordHasher
) -> None:
    _confirmed(world, hasher)
    (late,) = _ask(world, "lea")
    with pytest.raises(NotFound):
        account_to_reset(world.db, late.secret, now=T0 + 2 * HOUR)  # its hour is over
    (gone,) = _ask(world, "lea", at=T0 + 2 * HOUR)
    assert remove_recovery_email(world.db, world.learner, now=T0 + 2 * HOUR)
    assert not remove_recovery_email(world.db, world.learner, now=T0 + 2 * HOUR)
    with pytest.raises(NotFound):
        reset_password_with_link(world.db, hasher, secret=gone.secret, new=NEW,
                                 now=T0 + 2 * HOUR)  # fmt: skip
    with pytest.raises(NotFound):
        account_to_reset(world.db, "not-a-link", now=T0)
    assert authenticate(world.db, hasher, "lea", PASSWORD).username == "lea"


def test_reset_mails_are_limited_per_account_and_requests_per_client(
    world: World, hasher: PasswordHasher
) -> None:
    _confirmed(world, hasher)
    sent = [_ask(world, "lea", at=T0 + HOUR + timedelta(minutes=n)) for n in range(5)]
    assert [len(x) for x in sent] == [1] * RESET_MAILS_PER_HOUR + [0] * (5 - RESET_MAILS_PER_HOUR)
    assert len(_ask(world, "lea", at=T0 + 3 * HOUR)) == 1  # the next hour
    limits = LoginLimits(per_account=10, per_address=4, window=timedelta(minutes=15))
    at = T0 + 5 * HOUR
    for n in range(4):
        _ask(world, f"someone{n}", at=at, address="10.9.9.9", limits=limits)
    with pytest.raises(TooManyAttempts):
        _ask(world, "lea", at=at, address="10.9.9.9", limits=limits)
    assert len(_ask(world, "lea", at=at, address="10.0.0.2", limits=limits)) == 1
    with pytest.raises(InvalidInput) as empty:
        _ask(world, "  ")
    assert empty.value.field == "who"


def test_asking_for_links_never_locks_the_owner_out_of_logging_in(
    world: World, hasher: PasswordHasher
) -> None:
    limits = LoginLimits(per_account=3, per_address=100, window=timedelta(minutes=15))
    now = datetime.now(UTC)
    for _ in range(3):
        _ask(world, "lea", at=now, limits=limits)
    assert authenticate(world.db, hasher, "lea", PASSWORD, limits=limits, now=now).username == "lea"


def test_one_address_recovers_a_few_accounts_not_a_crowd(
    world: World, hasher: PasswordHasher
) -> None:
    def child(n: int) -> None:
        viewer = register_user(world.db, hasher, username=f"child{n}", password=PASSWORD,
                               display_name=f"Child {n}")  # fmt: skip
        link = set_recovery_email(world.db, hasher, viewer, email="parent@example.org",
                                  password=PASSWORD, now=T0, life=HOUR)  # fmt: skip
        confirm_recovery_email(world.db, link.secret, now=T0)

    for n in range(ACCOUNTS_PER_ADDRESS):
        child(n)
    links = _ask(world, "parent@example.org")
    assert sorted(x.username for x in links) == [f"child{n}" for n in range(ACCOUNTS_PER_ADDRESS)]
    child(ACCOUNTS_PER_ADDRESS)
    assert _ask(world, "parent@example.org", at=T0 + 3 * HOUR) == []
    assert len(_ask(world, "child1", at=T0 + 3 * HOUR)) == 1  # by username it still works


def test_two_step_sign_in_is_asked_for_on_reset(world: World, hasher: PasswordHasher) -> None:
    _confirmed(world, hasher)
    earlier = datetime.now(UTC) - timedelta(minutes=2)
    enrolment = start_enrolment(world.db, world.learner, KEY, now=earlier)
    codes = finish_enrolment(world.db, world.learner, KEY,
                             pyotp.TOTP(enrolment.secret).at(earlier), now=earlier)  # fmt: skip
    now = datetime.now(UTC)
    (link,) = _ask(world, "lea", at=now)
    assert account_to_reset(world.db, link.secret, now=now).needs_code
    with pytest.raises(InvalidInput) as missing:
        reset_password_with_link(world.db, hasher, secret=link.secret, new=NEW, key=KEY, now=now)
    assert missing.value.field == "code"
    with pytest.raises(AuthenticationFailed):
        reset_password_with_link(world.db, hasher, secret=link.secret, new=NEW, code="000000",
                                 key=KEY, now=now)  # fmt: skip
    reset_password_with_link(world.db, hasher, secret=link.secret, new=NEW, code=codes[0],
                             key=KEY, now=now)  # fmt: skip
    assert authenticate(world.db, hasher, "lea", NEW).username == "lea"


def test_the_address_is_the_owners_data_and_goes_with_the_account(
    world: World, hasher: PasswordHasher
) -> None:
    _confirmed(world, hasher)
    _ask(world, "lea")
    export = learner_export(world.db, world.learner, public_url="https://x.example", now=T0)
    (row,) = export["tables"]["recovery_emails"]
    assert row["email"] == "Lea@Example.org"
    assert len(export["tables"]["email_links"]) == 2
    assert all("token_hash" not in link for link in export["tables"]["email_links"])
    delete_account(world.db, world.admin, username="lea", confirm="lea",
                   public_url="https://x.example", now=T0)  # fmt: skip
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(RecoveryEmail)) == 0
        assert s.scalar(select(func.count()).select_from(EmailLink)) == 0
