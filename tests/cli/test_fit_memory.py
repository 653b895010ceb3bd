"""``learnloop fit-memory`` and ``fit-model``: say what they did per course; an unknown slug is an
error. (The fitting itself is tested in tests/services.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app

runner = CliRunner()
DEMO = Path(__file__).parents[2] / "src" / "learnloop" / "demo" / "fractions"


def test_fit_memory_keeps_defaults_without_enough_reviews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", f"sqlite:///{tmp_path / 'll.db'}")
    monkeypatch.setenv("LEARNLOOP_INSTANCE_DIR", str(tmp_path))
    assert runner.invoke(app, ["import-course", str(DEMO)]).exit_code == 0
    result = runner.invoke(app, ["fit-memory"])
    assert result.exit_code == 0, result.output
    assert "fractions: 0 reviews, fewer than 512: FSRS's default parameters stay" in result.output
    missing = runner.invoke(app, ["fit-memory", "no-such-course"])
    assert missing.exit_code == 1
    assert "no course with slug 'no-such-course'" in missing.output
    model = runner.invoke(app, ["fit-model", "fractions"])
    assert model.exit_code == 0, model.output
    assert "fractions: 0 answers, fewer than 500: the authors' BKT parameters stay" in model.output
    assert runner.invoke(app, ["fit-model", "nope"]).exit_code == 1
