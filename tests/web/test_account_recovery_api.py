"""A forgotten password through the API, with a real SMTP server on loopback: the caller gives
an address with their password, the mailed link's secret confirms it, anyone asks for a reset
link (202 whatever matched), and the link's secret sets the password once, ending the tokens."""

from __future__ import annotations

import re
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, World
from tests.smtp_inbox import Inbox
from tests.web.test_account_recovery_pages import link_in, mail_app

API = "/api/v1"
NEW = "a new and long password"


def _token(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(f"{API}/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_an_address_given_confirmed_and_a_password_reset_through_the_api(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    with TestClient(mail_app(sqlite_world, hasher, tmp_path, port)) as client:
        lea = _token(client, "lea")
        assert client.get(f"{API}/me/recovery-email", headers=lea).json() == {
            "email": None, "confirmed": False,
        }  # fmt: skip
        wrong = client.put(f"{API}/me/recovery-email", headers=lea,
                           json={"email": "lea@example.org", "password": "not it"})  # fmt: skip
        assert wrong.status_code == 401
        bad = client.put(f"{API}/me/recovery-email", headers=lea,
                         json={"email": "lea", "password": PASSWORD})  # fmt: skip
        assert bad.status_code == 400
        assert "email" in bad.text
        given = client.put(f"{API}/me/recovery-email", headers={**lea, "Accept-Language": "fr"},
                           json={"email": "lea@example.org", "password": PASSWORD})  # fmt: skip
        assert given.status_code == 202
        assert given.json() == {"email": "lea@example.org", "confirmed": False}
        assert inbox.messages[-1]["Content-Language"] == "fr"
        secret = link_in(inbox.messages[-1]).rsplit("/", 1)[1]
        confirmed = client.post(f"{API}/auth/recovery-email/confirm", json={"token": secret})
        assert confirmed.status_code == 204
        assert client.get(f"{API}/me/recovery-email", headers=lea).json()["confirmed"] is True
        again = client.post(f"{API}/auth/recovery-email/confirm", json={"token": secret})
        assert again.status_code == 404

        before = len(inbox.messages)
        answers = [client.post(f"{API}/auth/forgot", json={"who": who})
                   for who in ("nobody", "LEA@example.org")]  # fmt: skip
        assert [a.status_code for a in answers] == [202, 202]
        assert answers[0].json() == answers[1].json()
        assert len(inbox.messages) == before + 1
        secret = re.sub(r".*/", "", link_in(inbox.messages[-1]))
        short = client.post(f"{API}/auth/reset", json={"token": secret, "new_password": "short"})
        assert short.status_code == 400
        assert "new" in short.text
        done = client.post(f"{API}/auth/reset", json={"token": secret, "new_password": NEW})
        assert done.status_code == 204
        assert client.get(f"{API}/me", headers=lea).status_code == 401  # its tokens ended
        assert client.post(f"{API}/auth/reset",
                           json={"token": secret, "new_password": NEW}).status_code == 404  # fmt: skip
        lea = _token(client, "lea", NEW)
        assert client.delete(f"{API}/me/recovery-email", headers=lea).status_code == 204
        assert client.get(f"{API}/me/recovery-email", headers=lea).json()["email"] is None
