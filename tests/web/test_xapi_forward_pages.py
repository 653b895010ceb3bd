"""Statements sent to another LRS, as an admin sets it up on the connections page or through the
API, and as `learnloop xapi-forward` sends them (from cron) to a second learnloop LRS on
loopback; a refused statement shows on the page until the admin skips it; "My data" tells every
user where a copy of their records goes."""

from __future__ import annotations

import fcntl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from learnloop.cli.main import app as cli
from learnloop.reports.xapi_forwarding import forwards
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.lrs import LrsCaller, authenticate_client, create_client, store_statements
from learnloop.services.xapi_forwarding import add_forward, forward_statements
from learnloop.storage import Database
from learnloop.storage.tables import AuditEvent, XapiAttachment, XapiStatement
from tests.conftest import PASSWORD, World
from tests.services.test_xapi_forwarding import _outside
from tests.web.conftest import post
from tests.web.test_xapi import basic
from tests.web.test_xapi_attachments import CONTENTS, MIXED, golden, multipart, sha
from tests.xapi_target import picky_lrs, target_lrs

runner = CliRunner()


def _count(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(XapiStatement)) or 0)


@pytest.fixture
def cron(monkeypatch: pytest.MonkeyPatch, sqlite_world: World, tmp_path: Path) -> None:
    """`learnloop xapi-forward` on the pages' database, with their secret key."""
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", sqlite_world.db.engine.url.render_as_string(False))
    monkeypatch.setenv("LEARNLOOP_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNLOOP_SECRET_KEY", "test-secret")


def _settle(world: World) -> None:
    """Make every stored statement old enough to go (they settle for 30 s before they do)."""
    with world.db.transaction() as s:
        s.execute(update(XapiStatement).values(stored=datetime(2026, 1, 5, tzinfo=UTC)))


def _lrs(world: World) -> LrsCaller:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    made = create_client(world.db, hasher, name="h5p", can_write=True)
    return authenticate_client(world.db, hasher, made.key, made.secret)


def _token(client: TestClient) -> str:
    answer = client.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_an_admin_sends_the_statements_to_another_lrs_from_the_page(
    clients: dict[str, TestClient], sqlite_world: World, tmp_path: Path, sqlite_template: Path,
    cron: None,
) -> None:  # fmt: skip
    admin, learner = clients["admin"], clients["learner"]
    for i, item in enumerate(["pw-3", "pw-4", "pw-5"]):
        record_attempt(sqlite_world.db, sqlite_world.learner, activity_key="parts-practice",
                       item_key=item, response=answer_for(sqlite_world.course, item, i != 1))  # fmt: skip
    store_statements(sqlite_world.db, _lrs(sqlite_world), _outside(2), base_url="https://x.example")
    _settle(sqlite_world)
    with target_lrs(tmp_path / "target", sqlite_template) as target:
        refused = post(admin, "/admin/xapi-forwards", name="District", endpoint="http://lrs.example.org/",
                       username=target.key, password=target.secret, scope="own")  # fmt: skip
        assert refused.status_code == 400  # type: ignore[attr-defined]
        assert "use https" in refused.text  # type: ignore[attr-defined]
        added = post(admin, "/admin/xapi-forwards", name="District", endpoint=target.endpoint,
                     username=target.key, password=target.secret, scope="own",
                     from_start="true", version="1.0.3")  # fmt: skip
        assert added.status_code == 303  # type: ignore[attr-defined]
        page = admin.get(added.headers["location"])  # type: ignore[attr-defined]
        assert "District gets the statements from the next run." in page.text
        assert "<td>learnloop's own answers</td>" in page.text
        assert target.secret not in page.text  # the password is never shown again

        result = runner.invoke(cli, ["xapi-forward", "run"])
        assert result.exit_code == 0, result.output
        assert _count(target.db) == 3  # the three answers; the H5P's statements are not learnloop's
        page = admin.get("/admin/connections")
        row = page.text[page.text.index("<td>District</td>") :]
        assert row.split("</tr>")[0].count("<td>3</td>") == 1  # sent 3
        listed = runner.invoke(cli, ["xapi-forward", "list"])
        assert "District" in listed.output

        mine = learner.get("/account/data")
        assert "also goes to 127.0.0.1" in mine.text

        stopped = post(admin, "/admin/xapi-forwards/remove", name="District")
        assert "forward=removed" in stopped.headers["location"]  # type: ignore[attr-defined]
        assert "<td>District</td>" not in admin.get("/admin/connections").text
        assert "also goes to" not in learner.get("/account/data").text


def test_a_refused_statement_shows_on_the_page_until_the_admin_skips_it(
    clients: dict[str, TestClient], sqlite_world: World, cron: None
) -> None:
    admin = clients["admin"]
    statements = _outside(3)
    store_statements(sqlite_world.db, _lrs(sqlite_world), statements, base_url="https://x.example")
    _settle(sqlite_world)
    with picky_lrs(statements[1]["id"]) as picky:
        api = {"Authorization": f"Bearer {_token(admin)}"}
        made = admin.post("/api/v1/admin/xapi-forwards", headers=api, json={
            "name": "picky", "endpoint": picky.endpoint.rstrip("/"),
            "username": "k", "password": "s", "scope": "all", "from_start": True,
        })  # fmt: skip
        assert made.status_code == 201, made.text
        assert made.json()["waiting"] == 3
        failed = runner.invoke(cli, ["xapi-forward", "run"])
        assert failed.exit_code == 1
        assert "refused" in failed.output
        page = admin.get("/admin/connections")
        assert f"Refused statement {statements[1]['id']}" in page.text
        assert 'action="/admin/xapi-forwards/skip"' in page.text
        (shown,) = admin.get("/api/v1/admin/xapi-forwards", headers=api).json()
        assert (shown["sent"], shown["refused_statement"]) == (1, statements[1]["id"])
        skipped = post(admin, "/admin/xapi-forwards/skip", name="picky")
        assert "forward=skipped" in skipped.headers["location"]  # type: ignore[attr-defined]
        assert runner.invoke(cli, ["xapi-forward", "run"]).exit_code == 0
        assert picky.kept == [statements[0]["id"], statements[2]["id"]]
        assert admin.delete("/api/v1/admin/xapi-forwards/picky", headers=api).status_code == 204


def test_deleting_an_account_voids_the_copies_sent_to_the_other_lrs(
    clients: dict[str, TestClient], sqlite_world: World, tmp_path: Path, sqlite_template: Path,
    cron: None,
) -> None:  # fmt: skip
    w, admin = sqlite_world, clients["admin"]
    for i, item in enumerate(["pw-3", "pw-4", "pw-5"]):
        record_attempt(w.db, w.learner, activity_key="parts-practice", item_key=item,
                       response=answer_for(w.course, item, i != 1))  # fmt: skip
    record_attempt(w.db, w.other_learner, activity_key="parts-practice", item_key="pw-3",
                   response=answer_for(w.course, "pw-3", True))  # fmt: skip
    _settle(w)
    with target_lrs(tmp_path / "target", sqlite_template) as target:
        post(admin, "/admin/xapi-forwards", name="District", endpoint=target.endpoint,
             username=target.key, password=target.secret, scope="own", from_start="true")  # fmt: skip
        assert runner.invoke(cli, ["xapi-forward", "run"]).exit_code == 0
        assert "by voiding them" in clients["learner"].get("/account/data").text
        deleted = post(admin, "/admin/accounts/delete", username=w.learner.username,
                       confirm=w.learner.username)  # fmt: skip
        assert f"Deleted the account {w.learner.username}" in deleted.text  # type: ignore[attr-defined]
        assert "The next forwarding run voids the 3 copies" in deleted.text  # type: ignore[attr-defined]
        connections = admin.get("/admin/connections").text
        assert "and 3 erased statements to void there" in connections
        assert "When an account is deleted here, the next run voids the copies" in connections
        api = {"Authorization": f"Bearer {_token(admin)}"}
        name = w.other_learner.username
        gone = admin.post("/api/v1/admin/accounts/delete", headers=api,
                          json={"username": name, "confirm": name})  # fmt: skip
        assert gone.status_code == 200, gone.text
        assert gone.json()["copies_to_void"] == 1
        (shown,) = admin.get("/api/v1/admin/xapi-forwards", headers=api).json()
        assert shown["voids_waiting"] == 4
        listed = runner.invoke(cli, ["xapi-forward", "list"]).output
        (line,) = [line for line in listed.splitlines() if "District" in line]
        cells = [cell.strip() for cell in line.split("│")]
        assert cells[6:9] == ["4", "0", "4"]  # sent, waiting, to void
        run = runner.invoke(cli, ["xapi-forward", "run"])
        assert run.exit_code == 0, run.output
        with target.db.reading() as s:
            voided = s.scalars(select(XapiStatement.voided).where(
                XapiStatement.statement["verb"]["id"].as_string().contains("answered")))  # fmt: skip
            assert list(voided) == [True] * 4
        assert "erased statement" not in admin.get("/admin/connections").text


def test_the_command_line_sets_one_up_as_the_operator(sqlite_world: World, cron: None) -> None:
    added = runner.invoke(cli, ["xapi-forward", "add", "Uni", "--endpoint", "https://lrs.uni.example/xapi/",
                                "--username", "k", "--password", "s", "--all"])  # fmt: skip
    assert added.exit_code == 0, added.output
    assert runner.invoke(cli, ["xapi-forward", "add", "Uni", "--endpoint", "https://x.example/",
                               "--username", "k", "--password", "s"]).exit_code == 1  # fmt: skip
    assert "Uni" in runner.invoke(cli, ["xapi-forward", "list"]).output
    (row,) = forwards(sqlite_world.db, None, base="http://127.0.0.1:8000")
    assert (row.endpoint, row.scope, row.waiting) == ("https://lrs.uni.example/xapi/", "all", 0)
    skipped = runner.invoke(cli, ["xapi-forward", "skip", "Uni"])
    assert skipped.exit_code == 1  # it refused nothing
    assert "refused no statement" in skipped.output
    assert runner.invoke(cli, ["xapi-forward", "remove", "Uni"]).exit_code == 0
    assert "Uni" not in runner.invoke(cli, ["xapi-forward", "list"]).output
    with sqlite_world.db.reading() as s:
        actions = list(s.scalars(select(AuditEvent.actor).where(AuditEvent.subject == "Uni")))
    assert actions == ["operator", "operator"]  # added and removed, on the command line


def test_a_run_leaves_the_statements_to_one_still_going(
    sqlite_world: World, cron: None, tmp_path: Path
) -> None:
    added = runner.invoke(cli, ["xapi-forward", "add", "Uni", "--endpoint", "https://lrs.uni.example/xapi/",
                                "--username", "k", "--password", "s", "--all", "--from-start"])  # fmt: skip
    assert added.exit_code == 0, added.output
    store_statements(sqlite_world.db, _lrs(sqlite_world), _outside(2), base_url="https://x.example")
    _settle(sqlite_world)
    with (tmp_path / "xapi-forward.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a run still sending
        second = runner.invoke(cli, ["xapi-forward", "run"])
        fcntl.flock(held, fcntl.LOCK_UN)
    assert second.exit_code == 0
    assert "Another run is still sending" in second.output
    listed = runner.invoke(cli, ["xapi-forward", "list"]).output
    assert "could not be reached" not in listed  # it tried nothing
    failed = runner.invoke(cli, ["xapi-forward", "run"])  # alone now: it tries, and nobody answers
    assert failed.exit_code == 1


def test_attachments_go_with_their_statements(
    client: TestClient, sqlite_world: World, tmp_path: Path, sqlite_template: Path
) -> None:
    """A statement sent with its attachments' contents (multipart/mixed, the golden fixture of
    tests/web/test_xapi_attachments.py) arrives at the other LRS with them, hashes checked there."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    writer = create_client(sqlite_world.db, hasher, name="essays", can_write=True)
    sent = golden("essay_and_photo")
    stored = client.post("/xapi/statements", content=multipart(sent, *CONTENTS.values()),
                         headers={**basic(writer.key, writer.secret), **MIXED})  # fmt: skip
    assert stored.status_code == 200, stored.text
    _settle(sqlite_world)
    with target_lrs(tmp_path / "target", sqlite_template) as target:
        add_forward(sqlite_world.db, sqlite_world.admin, name="district", endpoint=target.endpoint,
                    username=target.key, password=target.secret, version="1.0.3", scope="all",
                    from_start=True, key="k", now=datetime.now(UTC))  # fmt: skip
        (run,) = forward_statements(sqlite_world.db, key="k", base="http://127.0.0.1:8000",
                                    now=datetime.now(UTC),
                                    until=datetime.now(UTC) + timedelta(minutes=1),
                                    clock=lambda: datetime.now(UTC))  # fmt: skip
        assert (run.sent, run.error) == (1, "")
        with target.db.reading() as s:
            kept = {a.sha2: a.content for a in s.scalars(select(XapiAttachment))}
        assert kept == {sha(c): c for c in CONTENTS.values()}


def test_an_lrs_of_one_course_from_the_page_the_api_and_the_command_line(
    clients: dict[str, TestClient], sqlite_world: World, cron: None
) -> None:
    admin = clients["admin"]
    page = admin.get("/admin/connections")
    assert '<option value="fractions">Fractions, from halves' in page.text  # the courses offered
    wrong = post(admin, "/admin/xapi-forwards", name="Uni", endpoint="https://lrs.uni.example/xapi/",
                 username="k", password="s", scope="all", course="algebra")  # fmt: skip
    assert wrong.status_code == 400  # type: ignore[attr-defined]
    assert "no course here is named &#39;algebra&#39;" in wrong.text  # type: ignore[attr-defined]
    assert 'id="forward-course" name="course" aria-invalid="true"' in wrong.text  # type: ignore[attr-defined]
    added = post(admin, "/admin/xapi-forwards", name="Uni", endpoint="https://lrs.uni.example/xapi/",
                 username="k", password="s", scope="all", course="fractions")  # fmt: skip
    assert added.status_code == 303  # type: ignore[attr-defined]
    assert "about the course Fractions, from halves" in admin.get("/admin/connections").text

    api = {"Authorization": f"Bearer {_token(admin)}"}
    refused = admin.post("/api/v1/admin/xapi-forwards", headers=api, json={
        "name": "Other", "endpoint": "https://o.example/xapi/", "username": "k",
        "password": "s", "course": "algebra"})  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["field"] == "course"
    made = admin.post("/api/v1/admin/xapi-forwards", headers=api, json={
        "name": "Other", "endpoint": "https://o.example/xapi/", "username": "k",
        "password": "s"})  # fmt: skip
    assert made.status_code == 201
    assert made.json()["course"] is None  # every course's
    shown = {
        f["name"]: f["course"] for f in admin.get("/api/v1/admin/xapi-forwards", headers=api).json()
    }
    assert shown == {"Other": None, "Uni": "fractions"}

    cli_added = runner.invoke(cli, ["xapi-forward", "add", "Cli", "--endpoint", "https://c.example/xapi/",
                                    "--username", "k", "--password", "s", "--course", "fractions"])  # fmt: skip
    assert cli_added.exit_code == 0, cli_added.output
    unknown = runner.invoke(cli, ["xapi-forward", "add", "Bad", "--endpoint", "https://c.example/xapi/",
                                  "--username", "k", "--password", "s", "--course", "algebra"])  # fmt: skip
    assert unknown.exit_code == 1
    assert "no course here is named 'algebra'" in unknown.output
    listed = runner.invoke(cli, ["xapi-forward", "list"]).output
    rows = {line.split("│")[1].strip(): line.split("│")[5].strip()
            for line in listed.splitlines() if line.startswith("│ ") and line.split("│")[1].strip()}  # fmt: skip
    assert rows["Cli"] == "fractions"
    assert rows["Other"] == "all"
    assert "Bad" not in rows


def test_new_credentials_from_the_page_the_api_and_the_command_line(
    clients: dict[str, TestClient], sqlite_world: World, tmp_path: Path, sqlite_template: Path,
    cron: None,
) -> None:  # fmt: skip
    admin, w = clients["admin"], sqlite_world
    for i, item in enumerate(["pw-3", "pw-4"]):
        record_attempt(w.db, w.learner, activity_key="parts-practice", item_key=item,
                       response=answer_for(w.course, item, i == 0))  # fmt: skip
    _settle(w)
    with target_lrs(tmp_path / "target", sqlite_template) as target:
        add_forward(w.db, w.admin, name="District", endpoint=target.endpoint, username=target.key,
                    password="an-old-secret", version="1.0.3", scope="own", from_start=True,
                    key="test-secret", now=datetime.now(UTC))  # fmt: skip
        failed = runner.invoke(cli, ["xapi-forward", "run"])
        assert failed.exit_code == 1  # the LRS refuses the old secret
        assert _count(target.db) == 0
        page = admin.get("/admin/connections")
        assert "New credentials" in page.text
        assert f'value="{target.key}"' in page.text  # the key is shown; the secret never is
        wrong = post(admin, "/admin/xapi-forwards/credentials", name="District",
                     username=target.key, password="")  # fmt: skip
        assert wrong.status_code == 400  # type: ignore[attr-defined]
        fixed = post(admin, "/admin/xapi-forwards/credentials", name="District",
                     username=target.key, password=target.secret)  # fmt: skip
        assert "forward=changed" in fixed.headers["location"]  # type: ignore[attr-defined]
        shown = admin.get(fixed.headers["location"])  # type: ignore[attr-defined]
        assert "District has its new credentials" in shown.text
        assert runner.invoke(cli, ["xapi-forward", "run"]).exit_code == 0
        assert _count(target.db) == 2

        api = {"Authorization": f"Bearer {_token(admin)}"}
        moved = admin.put("/api/v1/admin/xapi-forwards/District/credentials", headers=api, json={
            "username": target.key, "password": target.secret,
            "endpoint": target.endpoint.replace("127.0.0.1", "localhost")})  # fmt: skip
        assert moved.status_code == 200, moved.text
        assert moved.json()["endpoint"].startswith("http://localhost:")
        assert moved.json()["sent"] == 2  # its place is kept
        unknown = admin.put("/api/v1/admin/xapi-forwards/Nobody/credentials", headers=api,
                            json={"username": "k", "password": "s"})  # fmt: skip
        assert unknown.status_code == 404
        cli_changed = runner.invoke(cli, ["xapi-forward", "credentials", "District", "--username",
                                          target.key, "--password", target.secret])  # fmt: skip
        assert cli_changed.exit_code == 0, cli_changed.output
        record_attempt(w.db, w.learner, activity_key="parts-practice", item_key="pw-5",
                       response=answer_for(w.course, "pw-5", True))  # fmt: skip
        _settle(w)
        assert runner.invoke(cli, ["xapi-forward", "run"]).exit_code == 0
        assert _count(target.db) == 3  # the new one only, at its new address
