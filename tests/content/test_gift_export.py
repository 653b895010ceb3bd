"""A course's items out as GIFT and back in through the GIFT importer: every demo item GIFT can
hold comes back with the same answers; what it cannot hold is listed, item by item."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content import load_course
from learnloop.content.gift import add_gift_to_course
from learnloop.content.gift_export import export_gift
from learnloop.domain import Course, ItemKind
from tests.content.course_factory import write_course

DEMO = Path(__file__).parents[2] / "src" / "learnloop" / "demo" / "fractions"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_demo_items_survive_the_round_trip(demo_course: Course, tmp_path: Path) -> None:
    out = tmp_path / "fractions.gift"
    done = export_gift(demo_course, out)
    skipped = {k for k, i in demo_course.items.items()
               if i.kind is ItemKind.ORDERING or (i.kind is ItemKind.SHORT_TEXT and not i.accepted)}  # fmt: skip
    assert skipped
    assert done.items == len(demo_course.items) - len(skipped)
    for key in skipped:
        assert any(line.startswith(f"item {key}: not exported") for line in done.left_out)
    course_dir = write_course(tmp_path / "course")
    add_gift_to_course(course_dir, out, objective="a")
    back = load_course(course_dir)
    imported = list(back.activities["fractions-questions"].items)
    exported = [k for k in demo_course.items if k not in skipped]
    assert len(imported) == len(exported)
    for key, new_key in zip(exported, imported, strict=True):
        original, item = demo_course.items[key], back.items[new_key]
        several = [c for c in original.choices if c.correct]
        expected_kind = original.kind
        if original.kind is ItemKind.MULTIPLE_CHOICE and len(several) == 1:
            expected_kind = ItemKind.SINGLE_CHOICE  # said in left_out
        assert item.kind is expected_kind, key
        assert _text(item.prompt) == _text(original.prompt), key
        assert [(c.correct, _text(c.text), _text(c.feedback)) for c in item.choices] == [
            (c.correct, _text(c.text), _text(c.feedback)) for c in original.choices
        ], key
        assert (item.answer, item.tolerance) == (original.answer, original.tolerance), key
        assert item.accepted == original.accepted, key
        assert [(_text(a), _text(b)) for a, b in item.pairs] == [
            (_text(a), _text(b)) for a, b in original.pairs
        ], key
        assert [_text(d) for d in item.distractors] == [_text(d) for d in original.distractors], key
    assert any(i.distractors for i in demo_course.items.values())  # the round trip covers them


def test_the_command(tmp_path: Path) -> None:
    out = tmp_path / "parts.gift"
    result = CliRunner().invoke(
        app, ["export-gift", str(DEMO), str(out), "--objective", "parts-of-a-whole"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("// Fractions")
    assert "items written to" in result.output
    again = CliRunner().invoke(app, ["export-gift", str(DEMO), str(out)])
    assert again.exit_code == 1
    assert "exists already" in again.output
