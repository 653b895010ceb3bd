"""``learnloop simulate``: table, JSON of the documented form, chart; a broken course is named."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from learnloop.cli.main import app

runner = CliRunner()
DEMO = Path(__file__).parents[2] / "src" / "learnloop" / "demo" / "fractions"


def test_simulate_writes_json_and_a_chart(tmp_path: Path) -> None:
    out, chart = tmp_path / "sim.json", tmp_path / "sim.svg"
    result = runner.invoke(
        app,
        ["simulate", "--course", str(DEMO), "--learners", "4", "--days", "40", "--seed", "3",
         "--pilot-learners", "10", "--json", str(out), "--chart", str(chart)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "practice" in result.output
    assert "learnloop" in result.output
    data = json.loads(out.read_text())
    assert set(data["policies"]) == {"fixed", "random", "learnloop"}
    for entry in data["policies"].values():
        assert entry["practice_to_mastery"] > 0
        assert 0.0 <= entry["retention_30d"] <= 1.0
    assert data["policies"]["fixed"]["practice_vs_fixed"] == 1.0
    assert data["run"]["seed"] == 3
    assert chart.read_text().startswith("<svg")
    assert chart.read_text().count("<polyline") == 3


def test_simulate_names_the_problem_in_a_broken_course(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("title: [unclosed\n")
    result = runner.invoke(app, ["simulate", "--course", str(tmp_path)])
    assert result.exit_code == 1
    assert "course.yaml:" in result.output
