"""``learnloop xapi-identity link|unlink|list|import``: an operator links the names learners go by
in outside content; bad input is named (the field, or the file and line) and nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", f"sqlite:///{tmp_path / 'll.db'}")
    monkeypatch.setenv("LEARNLOOP_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNLOOP_PUBLIC_URL", "https://learn.example.org")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--no-demo"]).exit_code == 0
    for name in ("ann", "ben"):
        made = runner.invoke(app, ["create-user", name], input="a-long-password-1\n" * 2)
        assert made.exit_code == 0, made.output
    return tmp_path


def test_link_list_unlink(env: Path) -> None:
    runner = CliRunner()
    linked = runner.invoke(app, ["xapi-identity", "link", "ann", "--mbox", "Ann@School.example"])
    assert linked.exit_code == 0, linked.output
    assert "linked to 'ann'" in linked.output
    again = runner.invoke(app, ["xapi-identity", "link", "ann", "--mbox", "ann@school.example"])
    assert "already linked to 'ann'" in again.output
    taken = runner.invoke(app, ["xapi-identity", "link", "ben", "--mbox", "ann@school.example"])
    assert taken.exit_code == 1
    assert "mbox: already names the account 'ann'" in taken.output
    own = runner.invoke(app, [
        "xapi-identity", "link", "ben", "--account-home-page", "https://learn.example.org",
        "--account-name", "ann",
    ])  # fmt: skip
    assert own.exit_code == 1
    assert "account_homePage: is learnloop's own" in own.output
    listed = runner.invoke(app, ["xapi-identity", "list", "ann"])
    assert "mailto:ann@school.example" in listed.output
    assert "(from the address)" in listed.output
    gone = runner.invoke(app, ["xapi-identity", "unlink", "ann", "--mbox", "ann@school.example"])
    assert gone.exit_code == 0, gone.output
    assert "has no linked identity" in runner.invoke(app, ["xapi-identity", "list", "ann"]).output
    nobody = runner.invoke(app, ["xapi-identity", "list", "carl"])
    assert nobody.exit_code == 1
    assert "no account named 'carl'" in nobody.output


def test_import_names_each_bad_line_and_changes_nothing(env: Path) -> None:
    runner = CliRunner()
    bad = env / "ids.csv"
    bad.write_text("username,mbox\nann,ann@school.example\nben,not-an-address\n")
    refused = runner.invoke(app, ["xapi-identity", "import", str(bad)])
    assert refused.exit_code == 1
    assert "ids.csv:3: mbox: must be a mailto: IRI" in refused.output
    assert "Nothing was changed." in refused.output
    assert "has no linked identity" in runner.invoke(app, ["xapi-identity", "list", "ann"]).output
    bad.write_text("username,mbox\nann,ann@school.example\nben,ben@school.example\n")
    done = runner.invoke(app, ["xapi-identity", "import", str(bad)])
    assert done.exit_code == 0, done.output
    assert "2 identifier(s) linked, 0 already linked." in done.output
