"""`load_course`: every kind of error names its file and line; a valid course loads whole."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from learnloop.content import load_course
from learnloop.domain import Course, ItemKind
from learnloop.domain.course_codec import course_from_dict, course_to_dict
from learnloop.exceptions import ContentError, ContentIssue
from tests.content.course_factory import ACTIVITY_A, COURSE_YAML, ITEMS, write_course


def issues_of(root: Path) -> list[ContentIssue]:
    with pytest.raises(ContentError) as info:
        load_course(root)
    return info.value.issues


def has(issues: list[ContentIssue], file: str, line: int, fragment: str) -> bool:
    return any(i.file == file and i.line == line and fragment in i.message for i in issues)


def test_valid_course_loads(tmp_path: Path) -> None:
    course = load_course(write_course(tmp_path))
    assert course.slug == "mini"
    assert course.graph.topological_order == ("a", "b")
    assert course.items["b-1"].answer == 0.75
    assert course.activities["a-read"].body == "<p>Read <strong>this</strong>.</p>"
    assert course.objectives["b"].mastery.threshold == 0.95


def test_bad_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    broken = COURSE_YAML.replace("    statement: I can do B.", "    statement: [unclosed")
    issues = issues_of(write_course(tmp_path, **{"course.yaml": broken}))
    assert len(issues) == 1, issues  # no cascade of "unknown objective" from the other files
    assert issues[0].file == "course.yaml"
    assert "bad YAML" in issues[0].message
    assert issues[0].line == 10  # where YAML noticed it; the message names where it began
    assert "starts at line 9" in issues[0].message


def test_prerequisite_cycle_is_reported(tmp_path: Path) -> None:
    cyclic = COURSE_YAML.replace("  - key: a\n", "  - key: a\n    prerequisites: [b]\n")
    issues = issues_of(write_course(tmp_path, **{"course.yaml": cyclic}))
    assert any(i.file == "course.yaml" and "prerequisite cycle: " in i.message for i in issues)
    assert {i.line for i in issues if "cycle" in i.message} <= {4, 8}


def test_unknown_prerequisite_is_reported(tmp_path: Path) -> None:
    text = COURSE_YAML.replace("prerequisites: [a]", "prerequisites: [a, zz]")
    issues = issues_of(write_course(tmp_path, **{"course.yaml": text}))
    assert has(issues, "course.yaml", 7, "requires unknown objective 'zz'")


def test_unknown_objective_in_activity_and_item(tmp_path: Path) -> None:
    activity = ACTIVITY_A.replace("objectives: [a]", "objectives: [a, nope]")
    items = ITEMS.replace("  objective: b\n", "  objective: missing\n")
    issues = issues_of(
        write_course(tmp_path, **{"activities/a-read.md": activity, "items/items.yaml": items})
    )
    assert has(issues, "activities/a-read.md", 5, "unknown objective 'nope'")
    assert has(issues, "items/items.yaml", 13, "tests unknown objective 'missing'")


@pytest.mark.parametrize(
    ("items", "line", "fragment"),
    [
        (ITEMS.replace("      correct: true\n", ""), 1, "item 'a-1' has no correct answer"),
        (ITEMS.replace("  answer: 3/4\n", ""), 13, "numeric item 'b-1' has no correct answer"),
        (
            ITEMS + "- id: c-1\n  type: short_text\n  objective: a\n  prompt: Say it\n",
            18,
            "short-text item 'c-1' has no correct answer",
        ),
        (ITEMS.replace("      feedback: no", "      correct: true"), 1, "has 2 correct choices"),
    ],
)
def test_item_without_a_correct_answer(
    tmp_path: Path, items: str, line: int, fragment: str
) -> None:
    issues = issues_of(write_course(tmp_path, **{"items/items.yaml": items}))
    assert has(issues, "items/items.yaml", line, fragment), issues


def test_unknown_field_and_bad_values_are_named(tmp_path: Path) -> None:
    items = ITEMS.replace(
        "  prompt: How much?", "  prompt: How much?\n  tolerence: 0.1\n  unit: kg"
    )
    activity = ACTIVITY_A.replace("modality: reading", "modality: podcast").replace(
        "minutes: 5", "minutes: lots"
    )
    issues = issues_of(
        write_course(tmp_path, **{"items/items.yaml": items, "activities/a-read.md": activity})
    )
    assert has(issues, "items/items.yaml", 17, "unknown item field 'tolerence'")
    assert has(issues, "activities/a-read.md", 3, "modality 'podcast' is not one of")
    assert has(issues, "activities/a-read.md", 4, "minutes must be minutes from 1 to 600")


def test_invalid_pattern_is_named(tmp_path: Path) -> None:
    extra = "- id: c-1\n  type: short_text\n  objective: a\n  prompt: Say it\n  patterns: ['(unclosed']\n"
    activity = ACTIVITY_A.replace("items: [a-1]", "items: [a-1, c-1]")
    issues = issues_of(
        write_course(
            tmp_path, **{"items/items.yaml": ITEMS + extra, "activities/a-read.md": activity}
        )
    )
    assert has(issues, "items/items.yaml", 22, "is not a valid regular expression")


def test_duplicates_are_reported_where_they_repeat(tmp_path: Path) -> None:
    dup_key = COURSE_YAML + "  - key: a\n    title: Again\n    statement: Again.\n"
    dup_item = ITEMS + "- id: a-1\n  type: numeric\n  objective: a\n  prompt: again\n  answer: 1\n"
    dup_mapping_key = ITEMS.replace("  prompt: Pick one\n", "  prompt: Pick one\n  prompt: twice\n")
    issues = issues_of(
        write_course(tmp_path, **{"course.yaml": dup_key, "items/items.yaml": dup_item})
    )
    assert has(issues, "course.yaml", 11, "objective 'a' is defined twice (first at line 4)")
    assert has(issues, "items/items.yaml", 18, "item 'a-1' is defined twice")
    issues = issues_of(write_course(tmp_path, **{"items/items.yaml": dup_mapping_key}))
    assert has(issues, "items/items.yaml", 5, "key 'prompt' appears twice")


def test_unknown_item_in_activity_and_orphan_item(tmp_path: Path) -> None:
    activity = ACTIVITY_A.replace("items: [a-1]", "items: [zz-9]")
    issues = issues_of(write_course(tmp_path, **{"activities/a-read.md": activity}))
    assert has(issues, "activities/a-read.md", 6, "lists unknown item 'zz-9'")
    assert has(issues, "items/items.yaml", 1, "item 'a-1' is in no activity")


def test_missing_front_matter_and_missing_course_file(tmp_path: Path) -> None:
    issues = issues_of(write_course(tmp_path, **{"activities/a-read.md": "# no front matter\n"}))
    assert has(issues, "activities/a-read.md", 1, "starts with YAML front matter")
    assert has(issues, "course.yaml", 0, "objective 'a' has no activity")
    (tmp_path / "course.yaml").unlink()
    assert has(issues_of(tmp_path), "course.yaml", 0, "course.yaml is missing")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    cyclic = COURSE_YAML.replace("  - key: a\n", "  - key: a\n    prerequisites: [b]\n")
    items = ITEMS.replace("  answer: 3/4\n", "")
    issues = issues_of(write_course(tmp_path, **{"course.yaml": cyclic, "items/items.yaml": items}))
    assert len({i.file for i in issues}) == 2


def test_demo_course_is_rich_enough(demo_course: Course) -> None:
    """Issue 2, point 4: >= 10 objectives, >= 80 items, two modalities each, feedback everywhere."""
    assert len(demo_course.objectives) >= 10
    assert len(demo_course.items) >= 80
    assert any(o.prerequisites for o in demo_course.objectives.values())
    modalities: defaultdict[str, set[str]] = defaultdict(set)
    for activity in demo_course.activities.values():
        for objective in activity.objectives:
            modalities[objective].add(activity.modality.value)
    assert all(len(modalities[k]) >= 2 for k in demo_course.objectives), dict(modalities)
    for item in demo_course.items.values():
        assert item.hints, item.key
        assert item.solution, item.key
        if item.kind in (ItemKind.SINGLE_CHOICE, ItemKind.MULTIPLE_CHOICE):
            assert all(c.feedback for c in item.choices), item.key
        elif item.kind in (ItemKind.NUMERIC, ItemKind.SHORT_TEXT):
            assert item.wrong_answers, item.key
        # ordering and matching: a wrong answer is told how much of it is right (grading)
    # every objective is practised by items, so mastery can be reached
    assert {o for i in demo_course.items.values() for o in i.objectives} == set(
        demo_course.objectives
    )


def test_a_course_chooses_its_learner_model(tmp_path: Path) -> None:
    chosen = COURSE_YAML.replace(
        "title: Mini course\n", "title: Mini course\nmodel:\n  kind: pfa\n  guess: 0.25\n"
    )
    course = load_course(write_course(tmp_path / "ok", **{"course.yaml": chosen}))
    assert course.model_kind == "pfa"
    assert course.objectives["a"].bkt.guess == 0.25  # the starting BKT until the model is fitted
    assert load_course(write_course(tmp_path / "default")).model_kind == "bkt"
    unknown = COURSE_YAML.replace(
        "title: Mini course\n", "title: Mini course\nmodel:\n  kind: dkt\n"
    )
    issues = issues_of(write_course(tmp_path / "bad", **{"course.yaml": unknown}))
    assert has(
        issues,
        "course.yaml",
        4,
        "model kind 'dkt' is not known "
        "(use one of bkt, pfa, best-lr, best-lr+recency, best-lr+patterns)",
    )
    per_objective = COURSE_YAML.replace(
        "    statement: I can do B.\n", "    statement: I can do B.\n    model: {kind: pfa}\n"
    )
    issues = issues_of(write_course(tmp_path / "obj", **{"course.yaml": per_objective}))
    assert has(issues, "course.yaml", 10, "the model kind is chosen for the whole course")


def test_a_course_says_its_language_and_a_bad_tag_is_named_with_its_line(tmp_path: Path) -> None:
    french = COURSE_YAML.replace("title: Mini course\n", "title: Mini course\nlanguage: fr-CA\n")
    course = load_course(write_course(tmp_path / "fr", **{"course.yaml": french}))
    assert course.language == "fr-CA"
    assert course_from_dict(course_to_dict(course)).language == "fr-CA"  # as stored
    assert load_course(write_course(tmp_path / "default")).language == "en"
    bad = COURSE_YAML.replace("title: Mini course\n", "title: Mini course\nlanguage: French!\n")
    issues = issues_of(write_course(tmp_path / "bad", **{"course.yaml": bad}))
    assert has(
        issues, "course.yaml", 3, "language 'French!' is not a language tag (en, fr, pt-BR, ...)"
    )
