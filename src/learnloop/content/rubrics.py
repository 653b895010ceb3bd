"""Reading an activity's rubric from its front matter (docs/course-format.md)::

    rubric:
      - key: working
        title: Shows the working for each amount
        levels: [Not yet, Some amounts, Every amount]   # lowest first

Only project and hands-on activities take a rubric: they are where learners hand in work for an
educator to read. Every problem is reported with its file and line.
"""

from __future__ import annotations

from typing import Any

from learnloop.content.keyed_lists import KEY_PATTERN
from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict, LineList
from learnloop.domain import Modality, RubricCriterion
from learnloop.domain.course import WORK_MODALITIES

__all__ = ["MAX_CRITERIA", "MAX_LEVELS", "MIN_LEVELS", "read_rubric"]

# A rubric is read at a glance and filled in a minute: a handful of criteria, each with a few
# levels (two is a checklist; beyond six, neighbouring levels stop being told apart reliably).
MAX_CRITERIA = 10
MIN_LEVELS, MAX_LEVELS = 2, 6
MAX_TEXT = 200  # a criterion's title or one level's description: a line, not a paragraph

_FIELDS = {"key", "title", "levels"}


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= MAX_TEXT


def _criterion(node: Any, file: str, line: int, issues: SourceIssues) -> RubricCriterion | None:
    if not isinstance(node, LineDict):
        issues.add(file, line, "a rubric criterion must be a mapping with key, title and levels")
        return None
    issues.check_fields(file, node, _FIELDS, "rubric criterion")
    ok = True
    for required in ("key", "title", "levels"):
        if required not in node:
            issues.add(file, node.line, f"rubric criterion needs {required!r}")
            ok = False
    key, title, levels = node.get("key"), node.get("title"), node.get("levels")
    if "key" in node and not (isinstance(key, str) and KEY_PATTERN.match(key)):
        issues.add(
            file, node.line_of("key"),
            f"rubric key {key!r} must be lower-case letters, digits, - or _",
        )  # fmt: skip
        ok = False
    if "title" in node and not _short_text(title):
        issues.add(
            file, node.line_of("title"), f"rubric title must be text of 1 to {MAX_TEXT} characters"
        )
        ok = False
    if isinstance(levels, list) and any(isinstance(level, bool) for level in levels):
        issues.add(
            file, node.line_of("levels"),
            "rubric levels must be text: put quotes around Yes, No, On or Off "
            "(YAML reads them as true or false)",
        )  # fmt: skip
        ok = False
    elif "levels" in node and not (
        isinstance(levels, list)
        and MIN_LEVELS <= len(levels) <= MAX_LEVELS
        and all(_short_text(level) for level in levels)
    ):
        issues.add(
            file, node.line_of("levels"),
            f"rubric levels must be a list of {MIN_LEVELS} to {MAX_LEVELS} texts (lowest first), "
            f"each of 1 to {MAX_TEXT} characters",
        )  # fmt: skip
        ok = False
    if not ok:
        return None
    assert isinstance(levels, list)
    return RubricCriterion(str(key), str(title).strip(), tuple(str(v).strip() for v in levels))


def read_rubric(
    front: LineDict, file: str, modality: Modality, issues: SourceIssues
) -> tuple[RubricCriterion, ...]:
    """The rubric of an activity's front matter (empty when it has none)."""
    if "rubric" not in front:
        return ()
    line = front.line_of("rubric")
    node = front["rubric"]
    if modality not in WORK_MODALITIES:
        kinds = " and ".join(sorted(m.value for m in WORK_MODALITIES))
        issues.add(file, line, f"only {kinds} activities take a rubric, not {modality.value}")
        return ()
    if not isinstance(node, LineList) or not node:
        issues.add(file, line, "rubric must be a non-empty list of criteria")
        return ()
    if len(node) > MAX_CRITERIA:
        issues.add(file, line, f"a rubric has at most {MAX_CRITERIA} criteria, not {len(node)}")
        return ()
    criteria: list[RubricCriterion] = []
    for i, entry in enumerate(node):
        criterion = _criterion(entry, file, node.item_lines[i], issues)
        if criterion is None:
            continue
        if any(c.key == criterion.key for c in criteria):
            issues.add(file, node.item_lines[i], f"rubric key {criterion.key!r} is used twice")
            continue
        criteria.append(criterion)
    return tuple(criteria)
