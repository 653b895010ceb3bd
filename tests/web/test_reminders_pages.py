"""The reminders page and its JSON twin: a learner asks, changes and stops; a bad address is
refused naming the field and changes nothing; a reminder's link stops only with its token; the
address is in the learner's data download and goes with their account."""

from __future__ import annotations

from fastapi.testclient import TestClient

from learnloop.domain.reminders import stop_token
from learnloop.reports.reminders import my_reminders
from learnloop.services.erasure import delete_account
from learnloop.services.reminders import want_reminders
from tests.conftest import World
from tests.web.conftest import CSRF, login


def form(client: TestClient, **data: str) -> dict[str, str]:
    page = client.get("/learn/reminders")
    token = CSRF.search(page.text)
    assert token, page.text
    return {"csrf_token": token.group(1), **data}


def test_a_learner_asks_for_reminders_on_their_page_and_stops_them(
    client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    login(client, w.learner.username)
    page = client.get("/learn/reminders")
    assert page.status_code == 200
    assert "does not send e-mail yet" in page.text  # no LEARNLOOP_SMTP_URL on this test app
    assert 'href="/learn/reminders"' in client.get("/learn").text
    bad = client.post("/learn/reminders", data=form(client, email="lea@", frequency="daily"))
    assert bad.status_code == 400
    assert "is not an e-mail address like name@example.org" in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert 'value="lea@"' in bad.text
    assert my_reminders(w.db, w.learner) is None
    forged = client.post("/learn/reminders", data={"csrf_token": "x", "email": "lea@example.org"})
    assert forged.status_code == 403
    assert my_reminders(w.db, w.learner) is None
    made = client.post("/learn/reminders", data=form(client, email="lea@example.org",
                                                      frequency="daily"))  # fmt: skip
    assert made.status_code == 303
    assert "Reminders go to lea@example.org, at most once a day." in client.get(
        "/learn/reminders").text  # fmt: skip
    mine = my_reminders(w.db, w.learner)
    assert mine is not None
    assert mine.language == "en"
    stopped = client.post("/learn/reminders/stop", data=form(client))
    assert stopped.status_code == 303
    assert my_reminders(w.db, w.learner) is None


def test_reminders_asked_on_a_french_page_are_written_in_french(
    client: TestClient, sqlite_world: World
) -> None:
    login(client, sqlite_world.learner.username)
    client.cookies.set("lang", "fr")
    assert "Rappels par courriel" in client.get("/learn/reminders").text
    client.post("/learn/reminders", data=form(client, email="lea@example.org", frequency="weekly"))
    mine = my_reminders(sqlite_world.db, sqlite_world.learner)
    assert mine is not None
    assert (mine.language, mine.frequency) == ("fr", "weekly")


def test_a_reminders_link_asks_first_and_stops_only_with_its_token(
    client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    want_reminders(w.db, w.learner, email="lea@example.org", frequency="daily", language="en")
    me = w.learner.user_id
    token = stop_token("test-secret", me, "lea@example.org")
    page = client.get(f"/reminders/stop?user={me}&token={token}")
    assert page.status_code == 200
    assert f'action="/reminders/stop?user={me}&amp;token={token}"' in page.text
    assert my_reminders(w.db, w.learner) is not None  # looking stops nothing
    other = stop_token("test-secret", w.other_learner.user_id, "lea@example.org")
    for forged in (
        f"user={me}&token={other}",
        f"user={me}&token=abc",
        f"user={me + 1}&token={token}",
    ):
        refused = client.post(f"/reminders/stop?{forged}")
        assert refused.status_code == 404
        assert "stops no reminders now" in refused.text
    assert my_reminders(w.db, w.learner) is not None
    assert client.post(f"/reminders/stop?user={me}&token={token}").status_code == 200
    assert my_reminders(w.db, w.learner) is None
    assert client.post(f"/reminders/stop?user={me}&token={token}").status_code == 404
    assert client.post("/reminders/stop?user=x&token=y").status_code == 422  # not a learner id


def test_the_json_api_reads_sets_and_stops_reminders(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    auth = {"Authorization": f"Bearer {tokens['learner']}"}
    assert client.get("/api/v1/me/reminders", headers=auth).status_code == 204
    bad = client.put("/api/v1/me/reminders", headers=auth, json={"email": "nope"})
    assert bad.status_code == 400
    assert "email" in bad.text
    german = client.put("/api/v1/me/reminders", headers=auth,
                        json={"email": "lea@example.org", "language": "de"})  # fmt: skip
    assert german.status_code == 400
    assert "language" in german.text
    assert client.get("/api/v1/me/reminders", headers=auth).status_code == 204  # nothing kept
    made = client.put("/api/v1/me/reminders", headers=auth | {"Accept-Language": "fr-CA, en"},
                      json={"email": "lea@example.org", "frequency": "daily"})  # fmt: skip
    assert made.status_code == 204
    got = client.get("/api/v1/me/reminders", headers=auth).json()
    assert (got["email"], got["frequency"], got["language"]) == ("lea@example.org", "daily", "fr")
    assert got["last_sent_at"] is None
    assert client.delete("/api/v1/me/reminders", headers=auth).status_code == 204
    assert client.get("/api/v1/me/reminders", headers=auth).status_code == 204


def test_the_address_is_in_the_learners_data_and_goes_with_their_account(
    client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    want_reminders(w.db, w.learner, email="lea@example.org", frequency="daily", language="en")
    want_reminders(w.db, w.other_learner, email="omar@example.org", frequency="daily",
                   language="en")  # fmt: skip
    login(client, w.learner.username)
    data = client.get("/account/data.json").json()
    assert [r["email"] for r in data["tables"]["reminder_subscriptions"]] == ["lea@example.org"]
    erased = delete_account(w.db, w.admin, username=w.learner.username,
                            confirm=w.learner.username, public_url="http://testserver")  # fmt: skip
    assert erased.rows["reminder_subscriptions"] == 1
    assert my_reminders(w.db, w.other_learner) is not None


def test_an_educator_asks_on_their_own_page_and_the_learners_page_is_not_theirs(
    client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    login(client, w.educator.username)
    assert 'href="/teach/reminders"' in client.get("/teach").text
    page = client.get("/teach/reminders")
    assert page.status_code == 200
    assert "the learners who are stuck" in page.text
    assert 'action="/teach/reminders"' in page.text
    token = CSRF.search(page.text)
    assert token
    assert client.get("/learn/reminders").status_code == 403
    elsewhere = client.post("/learn/reminders", data={"csrf_token": token.group(1),
                                                      "email": "t@example.org"})  # fmt: skip
    assert elsewhere.status_code == 403
    assert my_reminders(w.db, w.educator) is None
    made = client.post("/teach/reminders", data={"csrf_token": token.group(1),
                                                 "email": "t@example.org", "frequency": "weekly"})  # fmt: skip
    assert made.status_code == 303
    assert made.headers["location"] == "/teach/reminders"
    assert "Reminders go to t@example.org, at most once a week." in client.get(
        "/teach/reminders").text  # fmt: skip
    stopped = client.post("/teach/reminders/stop", data={"csrf_token": token.group(1)})
    assert stopped.status_code == 303
    assert my_reminders(w.db, w.educator) is None
