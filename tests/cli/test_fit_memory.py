"""``learnloop fit-memory`` and ``fit-model``: say what they did per course; an unknown slug is an
error. (The fitting itself is tested in tests/services.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.domain import Course
from learnloop.domain.learner_model import MIN_ANSWERS_TO_FIT
from learnloop.storage import Database
from tests.services.test_course_models import swapped_difficulty

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


def test_fit_model_says_which_objectives_keep_the_authors_parameters(demo_cli: CliRunner) -> None:
    """The demo's two classes answered enough to fit the course's BKT, but its later objectives
    were reached by fewer learners than an objective's own fit takes."""
    done = demo_cli.invoke(app, ["fit-model", "fractions"])
    assert done.exit_code == 0, done.output
    output = " ".join(done.output.split())  # as printed, but for where the terminal wraps it
    said = re.search(
        r"fractions: bkt fitted on (\d+) answers, AUC (0\.\d+) on held-out learners \(the authors' "
        r"BKT: (0\.\d+)\); (\d+) of 12 "
        r"objectives keep the authors' parameters \(answered by fewer than 10 learners\)",
        output,
    )
    assert said is not None, output
    assert int(said[1]) >= MIN_ANSWERS_TO_FIT
    assert float(said[2]) >= float(said[3])  # and so the fit is used
    assert "not used" not in output
    assert 0 < int(said[4]) < 12


def test_fit_model_says_when_a_fit_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hasher: PasswordHasher, demo_course: Course
) -> None:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", f"sqlite:///{tmp_path / 'll.db'}")
    monkeypatch.setenv("LEARNLOOP_INSTANCE_DIR", str(tmp_path))
    assert runner.invoke(app, ["import-course", str(DEMO)]).exit_code == 0
    db = Database.from_url(f"sqlite:///{tmp_path / 'll.db'}")
    try:
        swapped_difficulty(db, hasher, demo_course, 1)
    finally:
        db.dispose()
    done = runner.invoke(app, ["fit-model", "fractions"])
    assert done.exit_code == 0, done.output
    output = " ".join(done.output.split())
    assert re.search(
        r"fractions: bkt fitted on 640 answers, AUC 0\.\d+ on held-out learners \(the authors' BKT: "
        r"0\.\d+\); 10 of 12 objectives keep the authors' parameters",
        output,
    ), output
    assert (
        "fractions: not used: the authors' BKT predicted the held-out learners better, so its "
        "parameters stay" in output
    )
