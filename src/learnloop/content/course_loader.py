"""Load a course folder and validate it, reporting every problem with its file and line.

Layout (docs/course-format.md)::

    course.yaml          slug, title, description, mastery, model, objectives, misconceptions,
                         score_test, topics
    activities/*.md      one activity a file: YAML front matter, then Markdown
    items/*.yaml         a list of items a file
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from learnloop.content.course_media import read_media, unknown_media_references
from learnloop.content.item_reader import read_items
from learnloop.content.keyed_lists import KEY_PATTERN, key_of
from learnloop.content.markdown import media_links, render_markdown
from learnloop.content.misconceptions import read_misconceptions
from learnloop.content.outside_content import check_xapi_activities, read_xapi_activities
from learnloop.content.rubrics import read_rubric
from learnloop.content.score_test_source import read_score_test
from learnloop.content.source_issues import SourceIssues
from learnloop.content.topics import check_activity_topics, read_topics
from learnloop.content.yaml_source import LineDict, LineList, YamlSyntaxError, parse_yaml
from learnloop.domain import Activity, Course, Item, Modality, Objective
from learnloop.engine import BKTParams, MasteryCriterion, find_cycle
from learnloop.engine.model_codec import ONLINE_KINDS
from learnloop.exceptions import ContentError

__all__ = ["DEFAULT_BKT", "KEY_PATTERN", "load_course"]

# Starting BKT parameters for an objective whose course gives none: a fifth of learners know it
# already, a fifth learn it at each practice, a fifth guess right, one in ten slips. With these,
# three correct answers in a row take P(known) from 0.2 past 0.95 (the classic skill-builder
# rule of three), and a wrong answer never moves it much. Fitted parameters replace them.
# The criterion when neither the settings nor the course give one (see config.PedagogySettings).
DEFAULT_MASTERY = MasteryCriterion(0.95, 3)
DEFAULT_BKT = BKTParams(prior=0.2, learn=0.2, guess=0.2, slip=0.1)
T = TypeVar("T")

_COURSE_FIELDS = {
    "slug", "title", "description", "mastery", "model", "objectives", "misconceptions", "language",
    "score_test", "topics",
}  # fmt: skip
# A BCP 47 language tag as HTML's lang attribute takes it: a language, then subtags (fr, fr-CA,
# zh-Hant, es-419).
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_OBJECTIVE_FIELDS = {"key", "title", "statement", "prerequisites", "mastery", "model"}
_ACTIVITY_FIELDS = {
    "title", "modality", "minutes", "objectives", "items", "rubric", "topics", "xapi_activities",
}  # fmt: skip
_BKT_FIELDS = {"kind", "prior", "learn", "guess", "slip", "forget"}


def _read_mastery(
    node: Any, default: MasteryCriterion, where: tuple[str, int], issues: SourceIssues
) -> MasteryCriterion:
    if node is None:
        return default
    if not isinstance(node, LineDict):
        issues.add(*where, "mastery must be a mapping with threshold and min_attempts")
        return default
    issues.check_fields(where[0], node, {"threshold", "min_attempts"}, "mastery")
    threshold = node.get("threshold", default.threshold)
    min_attempts = node.get("min_attempts", default.min_attempts)
    try:
        return MasteryCriterion(float(threshold), int(min_attempts))
    except (TypeError, ValueError) as exc:
        issues.add(where[0], node.line, f"mastery: {exc}")
        return default


def _read_kind(node: Any, where: str, issues: SourceIssues) -> str:
    """The course's model kind (course.yaml, model.kind)."""
    if not isinstance(node, LineDict) or "kind" not in node:
        return "bkt"
    kind = node["kind"]
    if kind not in ONLINE_KINDS:
        issues.add(
            where,
            node.line_of("kind"),
            f"model kind {kind!r} is not known (use one of {', '.join(ONLINE_KINDS)})",
        )
        return "bkt"
    return str(kind)


def _read_bkt(
    node: Any, default: BKTParams, where: tuple[str, int], issues: SourceIssues
) -> BKTParams:
    if node is None:
        return default
    if not isinstance(node, LineDict):
        issues.add(*where, "model must be a mapping (kind: bkt, prior, learn, guess, slip)")
        return default
    issues.check_fields(where[0], node, _BKT_FIELDS, "model")
    values = {
        k: node.get(k, getattr(default, k)) for k in ("prior", "learn", "guess", "slip", "forget")
    }
    try:
        return BKTParams(**{k: float(v) for k, v in values.items()})
    except (TypeError, ValueError) as exc:
        issues.add(where[0], node.line, f"model: {exc}")
        return default


def _read_course_file(
    root: Path, issues: SourceIssues, default_mastery: MasteryCriterion
) -> tuple[LineDict, dict[str, Objective], MasteryCriterion]:
    path = root / "course.yaml"
    name = "course.yaml"
    if not path.is_file():
        issues.add(name, 0, "course.yaml is missing: every course folder starts with one")
        return LineDict(), {}, default_mastery
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        issues.add(name, exc.line, exc.message)
        return LineDict(), {}, default_mastery
    if not isinstance(data, LineDict):
        issues.add(name, 1, "course.yaml must be a mapping (slug, title, objectives, ...)")
        return LineDict(), {}, default_mastery
    issues.check_fields(name, data, _COURSE_FIELDS, "course")
    for required in ("slug", "title", "objectives"):
        if required not in data:
            issues.add(name, data.line, f"course.yaml needs {required!r}")
    slug = data.get("slug", "")
    if "slug" in data and not (isinstance(slug, str) and KEY_PATTERN.match(slug)):
        issues.add(
            name, data.line_of("slug"), f"slug {slug!r} must be lower-case letters, digits, - or _"
        )
    mastery = _read_mastery(
        data.get("mastery"), default_mastery, (name, data.line_of("mastery")), issues
    )
    bkt = _read_bkt(data.get("model"), DEFAULT_BKT, (name, data.line_of("model")), issues)
    objectives: dict[str, Objective] = {}
    nodes = data.get("objectives", LineList())
    if not isinstance(nodes, LineList):
        issues.add(name, data.line_of("objectives"), "objectives must be a list")
        return data, {}, mastery
    lines: dict[str, int] = {}
    for node in nodes:
        if not isinstance(node, LineDict):
            issues.add(
                name, nodes.line, "each objective must be a mapping with key, title, statement"
            )
            continue
        issues.check_fields(name, node, _OBJECTIVE_FIELDS, "objective")
        key = key_of(node, "objective", issues)
        if key is None:
            continue
        if key in objectives:
            issues.add(
                name,
                node.line_of("key"),
                f"objective {key!r} is defined twice (first at line {lines[key]})",
            )
            continue
        for required in ("title", "statement"):
            if not isinstance(node.get(required), str) or not node[required].strip():
                issues.add(name, node.line, f"objective {key!r} needs a {required}")
        prereqs = node.get("prerequisites", [])
        if not isinstance(prereqs, list) or not all(isinstance(p, str) for p in prereqs):
            issues.add(
                name,
                node.line_of("prerequisites"),
                f"objective {key!r}: prerequisites must be a list of keys",
            )
            prereqs = []
        lines[key] = node.line
        objectives[key] = Objective(
            key=key,
            title=str(node.get("title", key)),
            statement=str(node.get("statement", "")),
            prerequisites=tuple(prereqs),
            mastery=_read_mastery(
                node.get("mastery"), mastery, (name, node.line_of("mastery")), issues
            ),
            bkt=_read_bkt(node.get("model"), bkt, (name, node.line_of("model")), issues),
        )
        model_node = node.get("model")
        if isinstance(model_node, LineDict) and "kind" in model_node:
            issues.add(
                name,
                model_node.line_of("kind"),
                "the model kind is chosen for the whole course (course.yaml, model.kind), "
                "not per objective",
            )
    for key, obj in objectives.items():
        for req in obj.prerequisites:
            if req not in objectives:
                issues.add(
                    name, lines[key], f"objective {key!r} requires unknown objective {req!r}"
                )
    cycle = find_cycle(
        {k: [p for p in o.prerequisites if p in objectives] for k, o in objectives.items()}
    )
    if cycle:
        issues.add(name, lines[cycle[0]], "prerequisite cycle: " + " -> ".join(cycle))
    return data, objectives, mastery


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line where the body starts) or None without front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    return None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _typed(
    issues: SourceIssues,
    file: str,
    node: LineDict,
    key: str,
    check: Callable[[Any], bool],
    what: str,
) -> bool:
    if key in node and not check(node[key]):
        issues.add(file, node.line_of(key), f"{key} must be {what}, not {node[key]!r}")
        return False
    return key in node


def _read_activities(
    root: Path, issues: SourceIssues
) -> tuple[dict[str, Activity], dict[str, LineDict]]:
    activities: dict[str, Activity] = {}
    fronts: dict[str, LineDict] = {}
    folder = root / "activities"
    if not folder.is_dir():
        issues.add(
            "activities/", 0, "the activities/ folder is missing: objectives need activities"
        )
        return activities, fronts
    modalities = ", ".join(m.value for m in Modality)
    for path in sorted(folder.glob("*.md")):
        file = f"activities/{path.name}"
        key = path.stem
        if not KEY_PATTERN.match(key):
            issues.add(
                file, 1, f"activity file name {key!r} must be lower-case letters, digits, - or _"
            )
            continue
        split = _split_front_matter(path.read_text(encoding="utf-8"))
        if split is None:
            issues.add(file, 1, "an activity starts with YAML front matter between two '---' lines")
            continue
        front_text, body, _ = split
        try:
            front = parse_yaml(front_text, line_offset=1)
        except YamlSyntaxError as exc:
            issues.add(file, exc.line, exc.message)
            continue
        if not isinstance(front, LineDict):
            issues.add(
                file, 1, "front matter must be a mapping (title, modality, minutes, objectives)"
            )
            continue
        issues.check_fields(file, front, _ACTIVITY_FIELDS, "activity")
        for required in ("title", "modality", "minutes", "objectives"):
            if required not in front:
                issues.add(file, front.line, f"activity needs {required!r}")
        modality = front.get("modality", "reading")
        if modality not in {m.value for m in Modality}:
            issues.add(
                file, front.line_of("modality"), f"modality {modality!r} is not one of {modalities}"
            )
            modality = "reading"
        _typed(issues, file, front, "minutes", lambda v: isinstance(v, int) and 0 < v <= 600,
               "minutes from 1 to 600")  # fmt: skip
        _typed(issues, file, front, "objectives", lambda v: _strings(v) and len(v) > 0,
               "a non-empty list of objective keys")  # fmt: skip
        _typed(issues, file, front, "items", _strings, "a list of item ids")
        _typed(issues, file, front, "topics", _strings, "a list of topic keys")
        fronts[key] = front
        objectives = front.get("objectives")
        items = front.get("items", [])
        minutes = front.get("minutes")
        activities[key] = Activity(
            key=key,
            title=str(front.get("title", key)),
            modality=Modality(modality),
            minutes=minutes if isinstance(minutes, int) else 10,
            objectives=tuple(objectives) if isinstance(objectives, list) else (),
            body=render_markdown(body),
            items=tuple(items) if isinstance(items, list) else (),
            source=f"{file}:1",
            rubric=read_rubric(front, file, Modality(modality), issues),
            topics=tuple(named) if isinstance(named := front.get("topics"), list) else (),
            xapi_activities=read_xapi_activities(front, file, issues),
        )
    return activities, fronts


def _cross_check(
    objectives: dict[str, Objective],
    activities: dict[str, Activity],
    fronts: dict[str, LineDict],
    items: dict[str, Item],
    issues: SourceIssues,
) -> None:
    used: set[str] = set()
    for key, act in activities.items():
        file = f"activities/{key}.md"
        front = fronts[key]
        for obj in act.objectives:
            if obj not in objectives:
                issues.add(
                    file,
                    front.line_of("objectives"),
                    f"activity {key!r} serves unknown objective {obj!r}",
                )
        for item_key in act.items:
            if item_key not in items:
                issues.add(
                    file,
                    front.line_of("items"),
                    f"activity {key!r} lists unknown item {item_key!r}",
                )
            used.add(item_key)
    for key, item in items.items():
        file, _, line = item.source.rpartition(":")
        for obj in item.objectives:
            if obj not in objectives:
                issues.add(file, int(line), f"item {key!r} tests unknown objective {obj!r}")
        if key not in used:
            issues.add(
                file, int(line), f"item {key!r} is in no activity, so no learner would ever see it"
            )
    for key in objectives:
        if not any(key in a.objectives for a in activities.values()):
            issues.add("course.yaml", 0, f"objective {key!r} has no activity: nothing teaches it")


def load_course(path: Path | str, *, default_mastery: MasteryCriterion = DEFAULT_MASTERY) -> Course:
    """Read and validate the course folder at ``path``; ContentError lists every problem."""
    root = Path(path)
    issues = SourceIssues()
    if not root.is_dir():
        raise ContentError(issues.single(str(root), 0, "not a folder"))
    data, objectives, _ = _read_course_file(root, issues, default_mastery)
    misconceptions = read_misconceptions(data, issues)
    topics, topic_lines = read_topics(data, issues)
    media, refused = read_media(root, issues)
    unknown_media_references(root, media, refused, issues)
    with media_links(f"/media/{data.get('slug', '')}/"):
        activities, fronts = _read_activities(root, issues)
        items = read_items(root, issues, set(misconceptions) if data else None)
        description = render_markdown(str(data.get("description", "")))
    if "objectives" in data:  # without readable objectives, every reference would look wrong
        _cross_check(objectives, activities, fronts, items, issues)
    check_activity_topics(activities, fronts, topics, topic_lines, issues)
    check_xapi_activities(activities, fronts, items, issues)
    kind = _read_kind(data.get("model"), "course.yaml", issues)
    language = data.get("language", "en")
    if not (isinstance(language, str) and LANGUAGE_TAG.match(language)):
        issues.add(
            "course.yaml", data.line_of("language"),
            f"language {language!r} is not a language tag (en, fr, pt-BR, ...)",
        )  # fmt: skip
    score_test = read_score_test(data, objectives, items, issues) if objectives else None
    issues.raise_if_any()
    return Course(
        slug=str(data["slug"]),
        title=str(data["title"]),
        description=description,
        objectives=objectives,
        activities=activities,
        items=items,
        model_kind=kind,
        misconceptions=misconceptions,
        language=str(language),
        media=media,
        score_test=score_test,
        topics=topics,
    )
