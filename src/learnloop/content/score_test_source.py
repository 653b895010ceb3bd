"""course.yaml's ``score_test``: a course that wants a score names its test here.

score_test:
  title: Fractions score      # shown to learners; the course's title when omitted
  max_items: 20               # the most questions a test asks
  se_target: 0.3              # stop early once the score's standard error is this small (0: never)
  max_exposure: 0.25          # no item in more than this share of tests
  objectives: [add-like, ...] # whose items make the bank; every objective when omitted
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict
from learnloop.domain import Item
from learnloop.domain.score_test import (
    DEFAULT_MAX_EXPOSURE,
    DEFAULT_MAX_ITEMS,
    DEFAULT_SE_TARGET,
    ScoreTestSpec,
)

__all__ = ["read_score_test"]

_FIELDS = {"title", "max_items", "se_target", "max_exposure", "objectives"}
_NAME = "course.yaml"


def _number(node: LineDict, field: str, default: float, issues: SourceIssues) -> float | None:
    value: Any = node.get(field, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        issues.add(
            _NAME, node.line_of(field), f"score_test.{field} must be a number, not {value!r}"
        )
        return None
    return float(value)


def read_score_test(
    data: LineDict, objectives: Collection[str], items: Mapping[str, Item], issues: SourceIssues
) -> ScoreTestSpec | None:
    """The course's score test, checked against its objectives and items; None without one (or
    with problems, which go to ``issues`` with their line)."""
    node = data.get("score_test")
    if node is None:
        return None
    line = data.line_of("score_test")
    if not isinstance(node, LineDict):
        issues.add(_NAME, line, "score_test must be a mapping (title, max_items, se_target, ...)")
        return None
    issues.check_fields(_NAME, node, _FIELDS, "score_test")
    title = node.get("title", data.get("title", ""))
    if not isinstance(title, str) or not title.strip():
        issues.add(_NAME, node.line_of("title"), "score_test.title must be a non-empty text")
        return None
    max_items = node.get("max_items", DEFAULT_MAX_ITEMS)
    if isinstance(max_items, bool) or not isinstance(max_items, int):
        issues.add(
            _NAME,
            node.line_of("max_items"),
            f"score_test.max_items must be a whole number, not {max_items!r}",
        )
        return None
    se_target = _number(node, "se_target", DEFAULT_SE_TARGET, issues)
    max_exposure = _number(node, "max_exposure", DEFAULT_MAX_EXPOSURE, issues)
    chosen = node.get("objectives", [])
    if not isinstance(chosen, list) or not all(isinstance(o, str) for o in chosen):
        issues.add(
            _NAME,
            node.line_of("objectives"),
            "score_test.objectives must be a list of objective keys",
        )
        return None
    if se_target is None or max_exposure is None:
        return None
    spec = ScoreTestSpec(title.strip(), max_items, se_target, max_exposure, tuple(chosen))
    problems = spec.problems(objectives, items)
    for field, message in problems:
        issues.add(_NAME, node.line_of(field) if field in node else line, f"score_test: {message}")
    return None if problems else spec
