"""``learnloop import-calibration`` and ``fit-score-bank``: a CSV of answers imported (or refused
with its file and line, nothing stored), the bank calibrated and said to be open or not; a course
without a score test, or an unknown slug, is an error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content import load_course
from tests.content.course_factory import write_course

runner = CliRunner()
DEMO = Path(__file__).parents[2] / "src" / "learnloop" / "demo" / "fractions"


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", f"sqlite:///{tmp_path / 'll.db'}")
    monkeypatch.setenv("LEARNLOOP_INSTANCE_DIR", str(tmp_path))
    assert runner.invoke(app, ["import-course", str(DEMO)]).exit_code == 0
    return tmp_path


def answers_csv(path: Path, respondents: int, extra: str = "") -> Path:
    course = load_course(DEMO)
    rng = np.random.default_rng(5)
    lines = ["user_id,item_id,skill_id,correct"]
    for n in range(respondents):
        theta = rng.normal()
        for i, key in enumerate(course.items):
            p = 1 / (1 + np.exp(-(theta - (-1.5 + 3 * i / len(course.items)))))
            lines.append(f"u{n},{key},x,{int(rng.random() < p)}")
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


def test_imported_answers_open_the_score_test(instance: Path) -> None:
    closed = runner.invoke(app, ["fit-score-bank"])
    assert closed.exit_code == 0, closed.output
    assert "fractions: 0 items calibrated" in closed.output
    assert "the score test is not open yet: it asks up to 12" in closed.output
    csv = answers_csv(instance / "answers.csv", 12)
    imported = runner.invoke(app, ["import-calibration", "fractions", str(csv)])
    assert imported.exit_code == 0, imported.output
    answers = 12 * len(load_course(DEMO).items)  # each respondent answers every item
    assert f"fractions: {answers} answers of 12 respondents imported" in imported.output
    opened = runner.invoke(app, ["fit-score-bank", "fractions"])
    assert opened.exit_code == 0, opened.output
    assert f"fractions: {len(load_course(DEMO).items)} items calibrated" in opened.output
    assert f"from {answers} answers of 12 learners and tests; the score test is open" in (
        opened.output
    )


def test_a_bad_file_is_refused_with_its_line_and_nothing_is_imported(instance: Path) -> None:
    bad = answers_csv(instance / "bad.csv", 1, extra="u9,pw-1,x,maybe\n")
    refused = runner.invoke(app, ["import-calibration", "fractions", str(bad)])
    assert refused.exit_code == 1
    line = len(load_course(DEMO).items) + 2  # after the header and one line an item
    assert f"{bad}:{line}: correct must be 1 or 0, not 'maybe'" in refused.output
    unknown = answers_csv(instance / "unknown.csv", 1, extra="u9,no-such-item,x,1\n")
    refused = runner.invoke(app, ["import-calibration", "fractions", str(unknown)])
    assert refused.exit_code == 1
    answer = f"answer {line - 1}"  # the answer after one an item
    assert f"item_id: {answer}: item 'no-such-item' is not in the score test's bank" in (
        refused.output
    )
    assert "(nothing was imported)" in refused.output
    header = instance / "header.csv"
    header.write_text("learner,item,correct\nu1,pw-1,1\n")
    refused = runner.invoke(app, ["import-calibration", "fractions", str(header)])
    assert refused.exit_code == 1
    assert f"{header}:1: the header needs the column(s) user_id, item_id" in refused.output
    still = runner.invoke(app, ["fit-score-bank", "fractions"])
    assert "from 0 answers" in still.output


def test_courses_without_a_score_test_are_named(instance: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["fit-score-bank", "nope"]).exit_code == 1
    mini = tmp_path / "mini"
    assert runner.invoke(app, ["import-course", str(write_course(mini))]).exit_code == 0
    missing = runner.invoke(app, ["fit-score-bank", "mini"])
    assert missing.exit_code == 1
    assert "course 'mini' has no score_test in its course.yaml" in missing.output
    everything = runner.invoke(app, ["fit-score-bank"])  # only the courses that have one
    assert everything.exit_code == 0
    assert "mini" not in everything.output
