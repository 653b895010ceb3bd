from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from learnloop.cli.main import app
from tests.conftest import DEMO_COURSE
from tests.content.course_factory import ITEMS, write_course

runner = CliRunner()


def test_validate_reports_file_and_line_and_exits_1(tmp_path: Path) -> None:
    root = write_course(tmp_path, **{"items/items.yaml": ITEMS.replace("  answer: 3/4\n", "")})
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    assert f"{root / 'items/items.yaml'}:13" in result.output
    assert "numeric item 'b-1' has no correct answer" in result.output


def test_validate_accepts_the_demo_course() -> None:
    result = runner.invoke(app, ["validate", str(DEMO_COURSE)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert "91 items" in result.output
