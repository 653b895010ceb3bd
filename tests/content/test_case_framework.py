"""A CASE competency framework as the start of a course folder: its standards (the leaves of the
isChildOf tree) become objectives, its precedes associations prerequisites; the folder loads, or
is not left behind. The framework under tests/fixtures/case was written for these tests."""

from __future__ import annotations

import json
import shutil
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content import load_course
from learnloop.content.case_export import course_framework
from learnloop.content.case_framework import write_framework_course
from learnloop.exceptions import ContentError

RUNNER = CliRunner()
FRAMEWORK = Path(__file__).parents[1] / "fixtures" / "case" / "fractions-framework.json"


def test_standards_become_objectives_and_precedes_their_prerequisites(tmp_path: Path) -> None:
    out = tmp_path / "fractions-standards"
    assert write_framework_course(FRAMEWORK, out, slug="nf-standards") == (4, 3)
    course = load_course(out)
    assert course.slug == "nf-standards"
    assert course.title == "Fractions progression (test framework)"
    assert list(course.objectives) == ["3-nf-a-1", "3-nf-a-2", "3-nf-a-3", "4-nf-a-1"]  # no domain
    first, line, same, make = course.objectives.values()
    assert first.title == "3.NF.A.1: Explain a unit fraction 1/b as one of"  # 8 words
    assert line.title == "Fractions on a number line"  # its abbreviatedStatement
    assert make.statement.startswith("Make equivalent fractions by multiplying")
    assert (first.prerequisites, line.prerequisites, same.prerequisites, make.prerequisites) == (
        (),
        ("3-nf-a-1",),
        ("3-nf-a-2",),
        ("3-nf-a-3",),
    )  # isRelatedTo is no prerequisite
    assert [a.key for a in course.activities.values()] == [
        "3-nf-a-1-about",
        "3-nf-a-2-about",
        "3-nf-a-3-about",
        "4-nf-a-1-about",
    ]
    assert "A placeholder: write this activity." in course.activities["3-nf-a-1-about"].body


def test_a_cycle_is_named_by_the_loader_and_nothing_is_left(tmp_path: Path) -> None:
    data = json.loads(FRAMEWORK.read_text())
    data["CFAssociations"].append({
        "associationType": "precedes",
        "originNodeURI": {"identifier": "7c1f0d3e-0000-4000-8000-000000000014"},
        "destinationNodeURI": {"identifier": "7c1f0d3e-0000-4000-8000-000000000011"},
    })  # fmt: skip
    looped = tmp_path / "looped.json"
    looped.write_text(json.dumps(data))
    out = tmp_path / "out"
    with pytest.raises(ContentError) as info:
        write_framework_course(looped, out)
    assert any("cycle" in i.message for i in info.value.issues)
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{\n  "CFItems": [\n', 3, "not JSON: Expecting value"),
        ('{"CFDocument": {}}', 0, "not a CASE CFPackage: it needs CFItems"),
        ('{"CFItems": [{"identifier": "x"}]}', 0, "CFItem x has no fullStatement"),
    ],
)
def test_what_is_not_a_framework_is_named(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    with pytest.raises(ContentError) as info:
        write_framework_course(bad, tmp_path / "out")
    assert [(i.file, i.line, i.message) for i in info.value.issues] == [("bad.json", line, message)]
    assert not (tmp_path / "out").exists()


def test_the_command(tmp_path: Path) -> None:
    out = tmp_path / "course"
    done = RUNNER.invoke(app, ["import-case", str(FRAMEWORK), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "4 objectives and 3 prerequisites written" in done.output
    assert load_course(out).slug == "fractions-progression-test-framework"
    again = RUNNER.invoke(app, ["import-case", str(FRAMEWORK), "--out", str(out)])
    assert again.exit_code == 1
    assert "exists already" in again.output


DEMO = Path(__file__).parents[2] / "src" / "learnloop" / "demo" / "fractions"


def test_a_course_exported_as_case_comes_back_with_the_same_objectives(tmp_path: Path) -> None:
    course = load_course(DEMO)
    exported = RUNNER.invoke(app, ["export-case", str(DEMO), str(tmp_path / "demo.json"),
                                   "--creator", "Lakeside District"])  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert f"{len(course.objectives)} objectives and" in exported.output
    package = json.loads((tmp_path / "demo.json").read_text())
    document = package["CFDocument"]
    assert (document["title"], document["creator"]) == (course.title, "Lakeside District")
    assert "<" not in document["description"]  # the course's HTML, as text
    kinds = Counter(a["associationType"] for a in package["CFAssociations"])
    assert kinds == {"isChildOf": len(course.objectives),
                     "precedes": sum(len(o.prerequisites) for o in course.objectives.values())}  # fmt: skip
    for node in [document, *package["CFItems"], *package["CFAssociations"]]:
        assert node["uri"] == f"urn:uuid:{uuid.UUID(node['identifier'])}"
        assert datetime.fromisoformat(node["lastChangeDateTime"]).tzinfo is not None
    # prerequisites come before what needs them
    order = [i["humanCodingScheme"] for i in package["CFItems"]]
    assert all(order.index(p) < order.index(k)
               for k, o in course.objectives.items() for p in o.prerequisites)  # fmt: skip

    assert write_framework_course(tmp_path / "demo.json", tmp_path / "back", slug="back")[0] == len(
        course.objectives
    )
    back = load_course(tmp_path / "back")
    assert list(back.objectives) == order
    for key, objective in course.objectives.items():
        again = back.objectives[key]
        assert (again.title, again.statement) == (objective.title, objective.statement)
        assert set(again.prerequisites) == set(objective.prerequisites)


def test_exporting_twice_names_the_same_things_and_a_broken_course_writes_nothing(
    tmp_path: Path,
) -> None:
    course = load_course(DEMO)
    first = course_framework(course, public_url="https://learn.example.org", creator="x",
                             now=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    second = course_framework(course, public_url="https://learn.example.org/", creator="x",
                              now=datetime(2026, 6, 1, tzinfo=UTC))  # fmt: skip
    ids = [
        n["identifier"] for n in [first["CFDocument"], *first["CFItems"], *first["CFAssociations"]]
    ]
    assert len(set(ids)) == len(ids)
    assert ids == [n["identifier"] for n in [second["CFDocument"], *second["CFItems"],
                                              *second["CFAssociations"]]]  # fmt: skip
    elsewhere = course_framework(course, public_url="https://other.example.org", creator="x")
    assert elsewhere["CFDocument"]["identifier"] != first["CFDocument"]["identifier"]

    broken = tmp_path / "broken"
    shutil.copytree(DEMO, broken)
    (broken / "course.yaml").write_text("title: [unclosed\n")
    failed = RUNNER.invoke(app, ["export-case", str(broken), str(tmp_path / "out.json")])
    assert failed.exit_code == 1
    assert "course.yaml:2: bad YAML" in failed.output
    assert not (tmp_path / "out.json").exists()
