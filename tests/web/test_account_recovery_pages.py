"""A forgotten password, through the pages and a real SMTP server (aiosmtpd on loopback): the
owner gives an address on their password page (their password typed again), confirms it from the
mail, and later asks for a link from the login page; the link's page sets a new password once and
ends the other sessions. The answer to a request reads the same whether or not an account
matched; the mails speak the page's language; an instance without a relay says so."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from learnloop.config import Settings
from learnloop.reports.account_recovery import my_recovery_email
from learnloop.services.two_factor import finish_enrolment, start_enrolment
from learnloop.web.app import create_app
from tests.conftest import PASSWORD, World
from tests.smtp_inbox import Inbox, free_port
from tests.web.conftest import csrf_of, login, make_app, post

SITE = "https://learn.example.org"
NEW = "a new and long password"
LINK = re.compile(re.escape(SITE) + r"(/\S+)")


def mail_app(world: World, hasher: PasswordHasher, tmp_path: Path, port: int) -> FastAPI:
    settings = Settings(database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
                        smtp_url=f"smtp://127.0.0.1:{port}", public_url=SITE,
                        mail_from="learnloop@learn.example.org")  # fmt: skip
    return create_app(settings, database=world.db, hasher=hasher)


def link_in(mail: EmailMessage) -> str:
    match = LINK.search(mail.get_content())
    assert match, mail.get_content()
    return match.group(1)


def main_text(html: str) -> str:
    """What the page says, without the tokens that differ from one answer to the next."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrf_token" value="[^"]*"', "", main)


def confirm_address(client: TestClient, inbox: Inbox, email: str = "lea@example.org") -> None:
    response = post(client, "/account/email", email=email, password=PASSWORD)
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    path = link_in(inbox.messages[-1])
    assert client.get(path).status_code == 200
    assert post(client, path).status_code == 200  # type: ignore[attr-defined]


def logout(client: TestClient) -> None:
    client.post("/logout", data={"csrf_token": client.cookies["ll_csrf"]})


def forgetful_lea(client: TestClient, inbox: Inbox) -> None:
    """Lea gives and confirms her address, then signs out, having forgotten her password."""
    login(client, "lea")
    confirm_address(client, inbox)
    logout(client)


@pytest.fixture
def relayed(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path, smtp: tuple[Inbox, int]
) -> Iterator[tuple[TestClient, Inbox]]:
    """A browser on the pages of an instance that mails through the test's SMTP server."""
    inbox, port = smtp
    app = mail_app(sqlite_world, hasher, tmp_path, port)
    with TestClient(app, follow_redirects=False) as client:
        yield client, inbox


def test_the_owner_confirms_an_address_then_resets_a_forgotten_password(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    app = mail_app(sqlite_world, hasher, tmp_path, port)
    with (
        TestClient(app, follow_redirects=False) as other_device,
        TestClient(app, follow_redirects=False) as client,
    ):
        login(other_device, "lea")
        login(client, "lea")
        page = client.get("/account/password")
        assert "If you forget it" in page.text
        assert 'action="/account/email"' in page.text
        wrong = post(client, "/account/email", email="lea@example.org", password="not it")
        assert wrong.status_code == 400  # type: ignore[attr-defined]
        assert "wrong username or password" in wrong.text  # type: ignore[attr-defined]
        assert inbox.messages == []
        assert my_recovery_email(sqlite_world.db, sqlite_world.learner.user_id) is None
        sent = post(client, "/account/email", email="lea@example.org", password=PASSWORD)
        assert sent.headers["location"] == "/account/password?email=sent"  # type: ignore[attr-defined]
        (confirm,) = inbox.messages
        assert confirm["To"] == "lea@example.org"
        assert confirm["Subject"] == "Confirm your address for learnloop"
        assert confirm["List-Unsubscribe"] is None  # a mail asked for once: nothing to stop
        assert "within 48 hours" in confirm.get_content()
        path = link_in(confirm)
        assert path.startswith("/account/email/confirm/")
        assert "is not confirmed yet" in client.get("/account/password").text
        opened = client.get(path)  # a mail scanner's visit confirms nothing
        assert "Confirm the address" in opened.text
        assert "is not confirmed yet" in client.get("/account/password").text
        assert "Address confirmed" in post(client, path).text  # type: ignore[attr-defined]
        assert (
            "can be sent to <strong>lea@example.org</strong>"
            in client.get("/account/password").text
        )
        logout(client)

        assert 'href="/login/forgot"' in client.get("/login").text
        asked = post(client, "/login/forgot", who="lea")
        assert asked.status_code == 200  # type: ignore[attr-defined]
        assert "a link to choose a new password is on its way" in asked.text  # type: ignore[attr-defined]
        reset_mail = inbox.messages[-1]
        assert reset_mail["Subject"] == "Choose a new learnloop password"
        assert "the learnloop account lea at https://learn.example.org" in reset_mail.get_content()
        assert "within 60 minutes" in reset_mail.get_content()
        path = link_in(reset_mail)
        form = client.get(path)
        assert "For the account <strong>lea</strong>" in form.text
        assert 'name="code"' not in form.text
        differ = post(client, path, new=NEW, new_again=NEW + "!")
        assert differ.status_code == 400  # type: ignore[attr-defined]
        done = post(client, path, new=NEW, new_again=NEW)
        assert done.headers["location"] == "/login?reset=1"  # type: ignore[attr-defined]
        assert "Your password is changed" in client.get("/login?reset=1").text
        assert post(client, path, new=NEW, new_again=NEW).status_code == 404  # type: ignore[attr-defined]
        assert client.get(path).status_code == 404
        old = client.post("/login", data={"csrf_token": csrf_of(client), "username": "lea",
                                          "password": PASSWORD})  # fmt: skip
        assert old.status_code == 401
        new = client.post("/login", data={"csrf_token": csrf_of(client), "username": "lea",
                                          "password": NEW})  # fmt: skip
        assert new.status_code == 303
        # the session on the other device ended with the old password
        assert other_device.get("/learn").headers["location"].startswith("/login")


def test_the_answer_is_the_same_whether_or_not_an_account_matches(
    relayed: tuple[TestClient, Inbox],
) -> None:
    client, inbox = relayed
    forgetful_lea(client, inbox)
    before = len(inbox.messages)
    answers = {who: post(client, "/login/forgot", who=who)
               for who in ("lea", "lea@example.org", "nobody", "omar", "x@example.org")}  # fmt: skip
    assert {a.status_code for a in answers.values()} == {200}  # type: ignore[attr-defined]
    texts = {main_text(a.text.replace(who, "WHO")) for who, a in answers.items()}  # type: ignore[attr-defined]
    assert len(texts) == 1
    assert len(inbox.messages) == before + 2  # lea's, twice; nothing for the others
    assert {m["To"] for m in inbox.messages[before:]} == {"lea@example.org"}
    empty = post(client, "/login/forgot", who="  ")
    assert empty.status_code == 400  # type: ignore[attr-defined]


def test_mails_speak_the_page_language(relayed: tuple[TestClient, Inbox]) -> None:
    client, inbox = relayed
    client.cookies.set("lang", "fr")
    forgetful_lea(client, inbox)
    confirm = next(m for m in inbox.messages if m["Subject"].startswith("Confirmez"))
    assert confirm["Content-Language"] == "fr"
    assert confirm["Subject"] == "Confirmez votre adresse pour learnloop"
    post(client, "/login/forgot", who="lea")
    assert inbox.messages[-1]["Subject"] == "Choisissez un nouveau mot de passe learnloop"
    assert "dans les 60\u00a0minutes" in inbox.messages[-1].get_content()


def test_two_step_sign_in_is_asked_on_the_reset_page(
    sqlite_world: World, relayed: tuple[TestClient, Inbox]
) -> None:
    client, inbox = relayed
    forgetful_lea(client, inbox)
    enrolment = start_enrolment(sqlite_world.db, sqlite_world.learner, "test-secret")
    totp = pyotp.TOTP(enrolment.secret)
    finish_enrolment(sqlite_world.db, sqlite_world.learner, "test-secret", totp.now())
    post(client, "/login/forgot", who="lea")
    path = link_in(inbox.messages[-1])
    assert 'name="code"' in client.get(path).text
    no_code = post(client, path, new=NEW, new_again=NEW)
    assert no_code.status_code == 400  # type: ignore[attr-defined]
    wrong = post(client, path, new=NEW, new_again=NEW, code="000000")
    assert wrong.status_code == 400
    assert "wrong code" in wrong.text
    assert client.get(path).status_code == 200  # the link still works


def test_a_relay_that_fails_is_said_to_the_owner_and_to_nobody_else(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    app = mail_app(sqlite_world, hasher, tmp_path, free_port())  # nobody listens
    with TestClient(app, follow_redirects=False) as client:
        login(client, "lea")
        sent = post(client, "/account/email", email="lea@example.org", password=PASSWORD)
        assert sent.headers["location"] == "/account/password?email=unsent"  # type: ignore[attr-defined]
        assert "could not be sent" in client.get("/account/password?email=unsent").text
        assert my_recovery_email(sqlite_world.db, sqlite_world.learner.user_id) is not None
        logout(client)
        asked = post(client, "/login/forgot", who="lea")
        assert asked.status_code == 200  # type: ignore[attr-defined]
        assert "is on its way" in asked.text  # type: ignore[attr-defined]


def test_an_instance_without_mail_says_who_to_ask(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    with TestClient(make_app(sqlite_world, hasher, tmp_path), follow_redirects=False) as client:
        assert "This learnloop sends no e-mail" in client.get("/login/forgot").text
        login(client, "lea")
        page = client.get("/account/password")
        assert "This learnloop sends no e-mail" in page.text
        assert 'action="/account/email"' not in page.text
        refused = post(client, "/account/email", email="lea@example.org", password=PASSWORD)
        assert refused.status_code == 400  # type: ignore[attr-defined]
        assert my_recovery_email(sqlite_world.db, sqlite_world.learner.user_id) is None


def test_a_link_that_does_not_work_says_so_and_offers_a_new_one(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    with TestClient(make_app(sqlite_world, hasher, tmp_path), follow_redirects=False) as client:
        page = client.get("/login/reset/not-a-real-link")
        assert page.status_code == 404
        assert "expired or was used already" in page.text
        assert 'href="/login/forgot"' in page.text
        csrf_of(client)
        assert post(client, "/account/email/confirm/not-a-real-link").status_code == 404  # type: ignore[attr-defined]


def test_a_links_secret_is_never_logged_nor_cached(
    relayed: tuple[TestClient, Inbox], caplog: pytest.LogCaptureFixture
) -> None:
    client, inbox = relayed
    forgetful_lea(client, inbox)
    post(client, "/login/forgot", who="lea")
    path = link_in(inbox.messages[-1])
    with caplog.at_level(logging.INFO, logger="learnloop.request"):
        page = client.get(path)
    assert page.headers["Cache-Control"] == "no-store"
    (logged,) = [r for r in caplog.records if r.name == "learnloop.request"]
    assert logged.path == "/login/reset/{token}"  # type: ignore[attr-defined]
    assert path.rsplit("/", 1)[1] not in logged.getMessage()


def test_the_admin_sees_who_can_reset_a_forgotten_password_by_e_mail(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path, smtp: tuple[Inbox, int],
    tokens: dict[str, str | None], client: TestClient,
) -> None:  # fmt: skip
    inbox, port = smtp
    app = mail_app(sqlite_world, hasher, tmp_path, port)
    with (
        TestClient(app, follow_redirects=False) as lea,
        TestClient(app, follow_redirects=False) as admin,
    ):
        login(lea, "lea")
        confirm_address(lea, inbox)
        login(admin, "admin")
        page = admin.get("/admin/accounts?q=le")
        row = page.text[page.text.index("<code>lea</code>") :].split("</tr>")[0]
        assert "resets a forgotten password by e-mail" in row
        assert "lea@example.org" not in page.text  # the address is the owner's
        found = admin.get("/api/v1/admin/accounts?q=o", headers={
            "Authorization": f"Bearer {tokens['admin']}"}).json()["accounts"]  # fmt: skip
        assert {a["username"]: a["resets_by_email"] for a in found}["omar"] is False


def test_the_confirmed_address_hears_of_changes_to_the_account(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    with TestClient(mail_app(sqlite_world, hasher, tmp_path, port), follow_redirects=False) as lea:
        login(lea, "lea")
        post(lea, "/account/email", email="first@example.org", password=PASSWORD)
        # an address not yet confirmed hears of nothing: replacing it tells it nothing
        post(lea, "/account/email", email="lea@example.org", password=PASSWORD)
        assert [m["To"] for m in inbox.messages] == ["first@example.org", "lea@example.org"]
        assert post(lea, link_in(inbox.messages[-1])).status_code == 200  # type: ignore[attr-defined]

        changed = post(lea, "/account/password", current=PASSWORD, new=NEW, new_again=NEW)
        assert changed.status_code == 303  # type: ignore[attr-defined]
        notice = inbox.messages[-1]
        assert (notice["To"], notice["Subject"]) == (
            "lea@example.org",
            "Your learnloop password was changed",
        )
        assert f"{SITE}/login/forgot" in notice.get_content()

        post(lea, "/account/email", email="new.one@example.org", password=NEW)
        # the new address's link goes before the answer, the notice to the old one after it
        confirm, told = inbox.messages[-2:]
        assert (told["To"], confirm["To"]) == ("lea@example.org", "new.one@example.org")
        assert "now go to n***@example.org, not here" in told.get_content()
        assert "new.one@" not in told.get_content()  # a stranger reading it learns little
        assert post(lea, link_in(confirm)).status_code == 200  # type: ignore[attr-defined]

        post(lea, "/account/email/remove")
        removed = inbox.messages[-1]
        assert removed["To"] == "new.one@example.org"
        assert "the address was removed" in removed.get_content()
        before = len(inbox.messages)
        post(lea, "/account/password", current=NEW, new="yet another long one",
             new_again="yet another long one")  # fmt: skip
        assert len(inbox.messages) == before  # no address: nobody to tell
