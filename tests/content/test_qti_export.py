"""A course's items out as QTI 2.1 and back in through the importer: every item of the demo course
comes back with the same answers (choices, numbers with their tolerance, accepted texts, orders,
pairs); what QTI cannot hold is listed; the package is well-formed XML with a manifest."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content import load_course
from learnloop.content.qti import add_qti_to_course
from learnloop.content.qti_export import export_qti
from learnloop.domain import Course, ItemKind
from tests.content.course_factory import ITEMS, write_course

DEMO = Path(__file__).parents[2] / "src" / "learnloop" / "demo" / "fractions"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_every_demo_item_survives_the_round_trip(demo_course: Course, tmp_path: Path) -> None:
    out = tmp_path / "fractions-qti.zip"
    done = export_qti(demo_course, out)
    only_patterns = {k for k, i in demo_course.items.items() if i.patterns and not i.accepted}
    assert only_patterns  # the demo has some: they cannot go to QTI 2.1, and say so
    assert done.items == len(demo_course.items) - len(only_patterns)
    for key in only_patterns:
        assert f"item {key}: not exported: only patterns grade it" in "\n".join(done.left_out)
    with zipfile.ZipFile(out) as z:
        manifest = fromstring(z.read("imsmanifest.xml"))
        hrefs = [
            r.get("href")
            for r in manifest.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}resource")
        ]
        assert len(hrefs) == done.items
        for href in hrefs:
            fromstring(z.read(str(href)))  # every item is well-formed XML
    course_dir = write_course(tmp_path / "course")
    add_qti_to_course(course_dir, out, objective="a")
    back = load_course(course_dir)
    kinds: set[ItemKind] = set()
    for key, original in demo_course.items.items():
        if key in only_patterns:
            assert f"fractions-qti-{key}" not in back.items
            continue
        item = back.items[f"fractions-qti-{key}"]
        kinds.add(original.kind)
        assert item.kind is original.kind, key
        assert _text(item.prompt) == _text(original.prompt), key
        if original.choices:
            assert [(c.key, c.correct) for c in item.choices] == [
                (c.key, c.correct) for c in original.choices
            ], key
            assert [_text(c.feedback) for c in item.choices] == [
                _text(c.feedback) for c in original.choices
            ], key
        assert (item.answer, item.tolerance) == (original.answer, original.tolerance), key
        assert item.accepted == original.accepted, key
        assert [_text(s) for s in item.order] == [_text(s) for s in original.order], key
        assert [(_text(a), _text(b)) for a, b in item.pairs] == [
            (_text(a), _text(b)) for a, b in original.pairs
        ], key
        assert sorted(_text(d) for d in item.distractors) == sorted(
            _text(d) for d in original.distractors
        ), key
        assert [_text(h) for h in item.hints] == [_text(h) for h in original.hints[:1]], key
    assert kinds == set(ItemKind)  # the demo has every kind, so every mapping was exercised
    solutions = [line for line in done.left_out if "worked solution" in line]
    exported = [i for k, i in demo_course.items.items() if k not in only_patterns]
    assert len(solutions) == sum(1 for i in exported if i.solution)
    patterned = [k for k, i in demo_course.items.items() if i.patterns and k not in only_patterns]
    assert all(any(f"item {k}: its patterns" in line for line in done.left_out) for k in patterned)


def test_the_command_exports_one_objective(tmp_path: Path) -> None:
    out = tmp_path / "parts.zip"
    result = CliRunner().invoke(
        app, ["export-qti", str(DEMO), str(out), "--objective", "parts-of-a-whole"]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:
        names = [n for n in z.namelist() if n.startswith("items/")]
    demo = load_course(DEMO)
    expected = [k for k, i in demo.items.items() if "parts-of-a-whole" in i.objectives]
    assert sorted(names) == sorted(f"items/{k}.xml" for k in expected)
    assert f"{len(expected)} items written" in result.output
    again = CliRunner().invoke(app, ["export-qti", str(DEMO), str(out)])
    assert again.exit_code == 1
    assert "exists already" in again.output


def test_the_media_items_show_travel_in_the_package_and_back(tmp_path: Path) -> None:
    from tests.content.test_course_media import PNG, media_course

    items = ITEMS.replace("prompt: Pick one", 'prompt: "Pick one ![a dot](media/dot.png)"')
    source = media_course(tmp_path / "source", **{"items/items.yaml": items})
    out = tmp_path / "mini.zip"
    result = CliRunner().invoke(app, ["export-qti", str(source), str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:
        assert z.read("media/dot.png") == PNG
        assert "media/charts/pie.svg" not in z.namelist()  # shown by an activity, not an item
        item = z.read("items/a-1.xml").decode()
        assert 'src="../media/dot.png"' in item
        manifest = z.read("imsmanifest.xml").decode()
        assert '<file href="media/dot.png" />' in manifest
    target = write_course(tmp_path / "target")
    add_qti_to_course(target, out, objective="a")
    again = load_course(target)
    assert (target / "media" / "mini" / "media" / "dot.png").read_bytes() == PNG
    assert 'src="/media/mini/mini/media/dot.png"' in again.items["mini-a-1"].prompt
