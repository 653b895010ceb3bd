"""``learnloop regrade``: after an author fixes an answer key and imports the course again, the
import says how many answers grade differently, a dry run counts them, the regrade applies them
once; an unknown course or item is named and changes nothing."""

from __future__ import annotations

import re
import shutil
from importlib.resources import files
from pathlib import Path

from typer.testing import CliRunner

from learnloop.cli.main import app

DEMO = Path(str(files("learnloop") / "demo" / "fractions"))
RIGHT = "    - text: No, because the parts are not equal\n      correct: true\n"
WRONG = "    - text: Yes, because 1 of 4 parts is shaded\n"


def _count(output: str, label: str) -> int:
    found = re.search(rf"{re.escape(label)}\s*│\s*(\d+)", output)
    assert found is not None, output
    return int(found.group(1))


def test_a_fixed_key_is_reported_on_import_then_regraded_once(
    demo_cli: CliRunner, tmp_path: Path
) -> None:
    course = tmp_path / "fractions"
    shutil.copytree(DEMO, course)
    items = course / "items" / "01-parts.yaml"
    text = items.read_text(encoding="utf-8")
    assert RIGHT in text
    assert WRONG in text
    # the mistaken key: pw-3's wrong choice marked right, its right one not
    items.write_text(
        text.replace(RIGHT, "    - text: No, because the parts are not equal\n").replace(
            WRONG, WRONG + "      correct: true\n"
        ),
        encoding="utf-8",
    )
    imported = demo_cli.invoke(app, ["import-course", str(course)])
    assert imported.exit_code == 0, imported.output
    assert "updated" in imported.output
    assert "grade differently with the new items" in imported.output
    assert "learnloop regrade fractions" in imported.output
    dry = demo_cli.invoke(app, ["regrade", "fractions", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing changed" in dry.output
    would = _count(dry.output, "outcome would change")
    assert would > 0
    done = demo_cli.invoke(app, ["regrade", "fractions", "--item", "pw-3"])
    assert done.exit_code == 0, done.output
    assert "Answers graded again" in done.output
    assert _count(done.output, "outcome changed") == would  # only pw-3 changed
    again = demo_cli.invoke(app, ["regrade", "fractions"])
    assert _count(again.output, "outcome changed") == 0  # nothing left to change


def test_an_unknown_course_or_item_is_named(demo_cli: CliRunner) -> None:
    course = demo_cli.invoke(app, ["regrade", "nope"])
    assert course.exit_code == 1
    assert "course 'nope' does not exist" in course.output
    item = demo_cli.invoke(app, ["regrade", "fractions", "--item", "pw-99"])
    assert item.exit_code == 1
    assert "items: the course has no item 'pw-99'" in item.output
