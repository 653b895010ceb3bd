"""``learnloop remind`` against a real SMTP server (aiosmtpd, on loopback): each due reminder goes
once, with the headers mail programs act on; its link stops reminders in one click; a relay that
refuses or is down leaves the reminder to the next run."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.reports.reminders import my_reminders
from learnloop.services.assignments import assign_activity
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.reminders import want_reminders
from tests.conftest import World
from tests.smtp_inbox import Inbox, free_port
from tests.web.conftest import make_app

runner = CliRunner()
SECRET = "test-secret"  # the web app's too (tests.web.conftest.make_app)


def configure(monkeypatch: pytest.MonkeyPatch, world: World, tmp_path: Path, smtp_url: str) -> None:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", world.db.engine.url.render_as_string(False))
    monkeypatch.setenv("LEARNLOOP_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNLOOP_SECRET_KEY", SECRET)
    monkeypatch.setenv("LEARNLOOP_PUBLIC_URL", "https://learn.example.org")
    monkeypatch.setenv("LEARNLOOP_MAIL_FROM", "reminders@learn.example.org")
    monkeypatch.setenv("LEARNLOOP_SMTP_URL", smtp_url)


@pytest.fixture
def relayed(
    sqlite_world: World, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[World, Inbox]:
    """A world whose `learnloop remind` sends through the test's SMTP server."""
    inbox, port = smtp
    configure(monkeypatch, sqlite_world, tmp_path, f"smtp://127.0.0.1:{port}")
    return sqlite_world, inbox


def ask(world: World, *pairs: tuple[Any, str, str]) -> None:
    for viewer, address, language in pairs:
        want_reminders(world.db, viewer, email=address, frequency="daily", language=language)
    assign_activity(world.db, world.educator, class_id=world.class_id,
                    learner_ids=[v.user_id for v, _, _ in pairs], activity_key="parts-practice")  # fmt: skip


def test_each_due_reminder_goes_once_and_its_link_stops_them(
    relayed: tuple[World, Inbox], tmp_path: Path, hasher: PasswordHasher
) -> None:
    world, inbox = relayed
    ask(world, (world.learner, "lea@example.org", "en"),
        (world.other_learner, "omar@example.org", "fr"))  # fmt: skip
    dry = runner.invoke(app, ["remind", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 reminders due (dry run)" in dry.output
    assert inbox.messages == []  # a dry run sends nothing
    result = runner.invoke(app, ["remind"])
    assert result.exit_code == 0, result.output
    assert "2 reminders sent, 0 refused." in result.output
    by_address = {m["To"]: m for m in inbox.messages}
    assert set(by_address) == {"lea@example.org", "omar@example.org"}
    lea = by_address["lea@example.org"]
    title = world.course.activities["parts-practice"].title
    course = world.course.title
    assert lea["Subject"] == f"What is waiting for you in {course}"
    assert lea["From"] == "learnloop <reminders@learn.example.org>"
    assert lea["Content-Language"] == "en"
    assert lea["Auto-Submitted"] == "auto-generated"
    assert lea["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = lea.get_content()
    assert f"Your educator assigned 1 activity: {title}." in body
    assert "https://learn.example.org/learn" in body
    stop_url = lea["List-Unsubscribe"].strip("<>")
    assert stop_url in body
    omar = by_address["omar@example.org"]
    assert omar["Subject"] == f"Ce qui vous attend dans {course}"
    assert omar["Content-Language"] == "fr"
    mine = my_reminders(world.db, world.learner)
    assert mine is not None
    assert mine.last_sent_at is not None

    again = runner.invoke(app, ["remind"])
    assert again.exit_code == 0, again.output
    assert "0 reminders sent" in again.output
    assert len(inbox.messages) == 2  # nobody gets a second one the same day

    # the mail program's one-click button: a POST to the link, no login, no CSRF token
    link = urlsplit(stop_url)
    assert link.path == "/reminders/stop"
    with TestClient(make_app(world, hasher, tmp_path), follow_redirects=False) as client:
        page = client.get(f"{link.path}?{link.query}")
        assert page.status_code == 200
        assert my_reminders(world.db, world.learner) is not None  # opening the link stops nothing
        stopped = client.post(f"{link.path}?{link.query}", data={"List-Unsubscribe": "One-Click"})
        assert stopped.status_code == 200, stopped.text
        assert "Reminders stopped" in stopped.text
    assert my_reminders(world.db, world.learner) is None
    assert my_reminders(world.db, world.other_learner) is not None


def test_a_refused_address_is_tried_again_next_run(relayed: tuple[World, Inbox]) -> None:
    world, inbox = relayed
    ask(world, (world.learner, "lea@refused.example", "en"),
        (world.other_learner, "omar@example.org", "en"))  # fmt: skip
    result = runner.invoke(app, ["remind"])
    assert result.exit_code == 1  # cron tells the operator
    assert "1 reminder sent, 1 refused." in result.output
    assert "lea@refused.example" in result.output
    assert [m["To"] for m in inbox.messages] == ["omar@example.org"]
    refused = my_reminders(world.db, world.learner)
    assert refused is not None
    assert refused.last_sent_at is None
    sent = my_reminders(world.db, world.other_learner)
    assert sent is not None
    assert sent.last_sent_at is not None


def test_no_relay_or_a_relay_that_is_down_sends_and_records_nothing(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    world = sqlite_world
    ask(world, (world.learner, "lea@example.org", "en"))
    configure(monkeypatch, world, tmp_path, "")
    unset = runner.invoke(app, ["remind"])
    assert unset.exit_code == 1
    assert "LEARNLOOP_SMTP_URL is not set" in unset.output
    configure(monkeypatch, world, tmp_path, "http://mail.example.org")
    wrong = runner.invoke(app, ["remind"])
    assert wrong.exit_code == 1
    assert "LEARNLOOP_SMTP_URL must start with smtp://" in wrong.output
    configure(monkeypatch, world, tmp_path, f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    down = runner.invoke(app, ["remind"])
    assert down.exit_code == 1
    assert "the SMTP relay 127.0.0.1" in down.output
    mine = my_reminders(world.db, world.learner)
    assert mine is not None
    assert mine.last_sent_at is None


def test_an_educator_gets_the_classes_news_and_stops_it_from_the_mail(
    relayed: tuple[World, Inbox], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    hasher: PasswordHasher,
) -> None:  # fmt: skip
    world, inbox = relayed
    monkeypatch.setenv("LEARNLOOP_STUCK_MIN_ATTEMPTS", "4")
    want_reminders(world.db, world.educator, email="t@example.org", frequency="weekly",
                   language="en")  # fmt: skip
    quiet = runner.invoke(app, ["remind"])
    assert quiet.exit_code == 0, quiet.output
    assert "0 reminders sent" in quiet.output  # nobody in 7B needs them yet
    for n in range(4):
        item = ["pw-3", "pw-5"][n % 2]
        record_attempt(world.db, world.learner, activity_key="parts-practice", item_key=item,
                       response=answer_for(world.course, item, False))  # fmt: skip
    result = runner.invoke(app, ["remind"])
    assert result.exit_code == 0, result.output
    assert "1 reminder sent, 0 refused." in result.output
    (mail,) = inbox.messages
    assert mail["To"] == "t@example.org"
    assert mail["Subject"] == "Who needs you in your classes"
    body = mail.get_content()
    objective = world.course.objectives["parts-of-a-whole"].title
    assert f"- 1 learner is stuck: Lea on {objective}." in body
    assert "https://learn.example.org/teach" in body
    link = urlsplit(mail["List-Unsubscribe"].strip("<>"))
    with TestClient(make_app(world, hasher, tmp_path), follow_redirects=False) as client:
        stopped = client.post(f"{link.path}?{link.query}", data={"List-Unsubscribe": "One-Click"})
        assert stopped.status_code == 200, stopped.text
    assert my_reminders(world.db, world.educator) is None
