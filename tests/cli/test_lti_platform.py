"""``learnloop lti-platform add|list|remove``: registering a platform prints what to enter on the
platform's side; bad input is named and nothing is registered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app
from tests.lti_platform import CLIENT_ID, DEPLOYMENT, ISSUER, Platform


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", f"sqlite:///{tmp_path / 'll.db'}")
    monkeypatch.setenv("LEARNLOOP_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNLOOP_PUBLIC_URL", "https://learn.example.org")
    return tmp_path


def _add(keys: Path, *extra: str) -> list[str]:
    return [
        "lti-platform", "add", "School Moodle", "--issuer", ISSUER, "--client-id", CLIENT_ID,
        "--login-url", ISSUER + "/mod/lti/auth.php", "--token-url", ISSUER + "/mod/lti/token.php",
        "--deployment", DEPLOYMENT, "--deployment", "deployment-2", "--jwks-file", str(keys), *extra,
    ]  # fmt: skip


def test_add_list_remove(env: Path) -> None:
    keys = env / "keys.json"
    keys.write_text(json.dumps(Platform().jwks()))
    runner = CliRunner()
    added = runner.invoke(app, _add(keys))
    assert added.exit_code == 0, added.output
    assert "Initiate login URL: https://learn.example.org/lti/login" in added.output
    assert "Public keyset URL: https://learn.example.org/lti/jwks" in added.output
    again = runner.invoke(app, _add(keys))
    assert again.exit_code == 1
    assert "a platform named 'School Moodle' exists" in again.output
    listed = runner.invoke(app, ["lti-platform", "list"])
    assert "School Moodle" in listed.output
    assert "deployment-1" in listed.output
    assert "deployment-2" in listed.output
    removed = runner.invoke(app, ["lti-platform", "remove", "School Moodle"])
    assert removed.exit_code == 0, removed.output
    assert "School Moodle" not in runner.invoke(app, ["lti-platform", "list"]).output
    gone = runner.invoke(app, ["lti-platform", "remove", "School Moodle"])
    assert gone.exit_code == 1
    assert "no platform named 'School Moodle'" in gone.output


def test_bad_input_is_named(env: Path) -> None:
    keys = env / "keys.json"
    keys.write_text("{not json")
    runner = CliRunner()
    broken = runner.invoke(app, _add(keys))
    assert broken.exit_code == 1
    keys.write_text(json.dumps(Platform().jwks()))
    unknown_course = runner.invoke(app, _add(keys, "--course", "algebra"))
    assert unknown_course.exit_code == 1
    assert "course: there is no course 'algebra'" in unknown_course.output
    assert "School Moodle" not in runner.invoke(app, ["lti-platform", "list"]).output


def test_lti_sync_reports_what_it_sent(env: Path) -> None:
    result = CliRunner().invoke(app, ["lti-sync"])
    assert result.exit_code == 0, result.output
    assert (
        "Rosters: 0 added to their classes, 0 there already, 0 skipped, 0 courses failed."
        in result.output
    )
    assert (
        "Scores: 0 sent, 0 unchanged, 0 failed, 0 waiting for a first score test." in result.output
    )


def test_invite_prints_a_one_time_link(env: Path) -> None:
    result = CliRunner().invoke(app, ["lti-platform", "invite", "--course", "fractions"])
    assert result.exit_code == 1  # the empty database has no course yet
    assert "course: there is no course 'fractions'" in result.output
    made = CliRunner().invoke(app, ["lti-platform", "invite", "--name", "School Moodle"])
    assert made.exit_code == 0, made.output
    assert "Registration link (one use, 7 days):" in made.output
    assert "https://learn.example.org/lti/register/" in made.output
