"""course.yaml's misconceptions list, and the rule for keys it shares with the objectives."""

from __future__ import annotations

import re

from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict, LineList
from learnloop.domain import Misconception

__all__ = ["KEY_PATTERN", "key_of", "read_misconceptions"]

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_MISCONCEPTION_FIELDS = {"key", "title", "description"}


def key_of(node: LineDict, what: str, issues: SourceIssues) -> str | None:
    """The node's ``key`` if it is a valid one; else the problem is reported and None returned."""
    key = node.get("key")
    if isinstance(key, str) and KEY_PATTERN.match(key):
        return key
    issues.add(
        "course.yaml",
        node.line_of("key"),
        f"{what} key {key!r} must be lower-case letters, digits, - or _",
    )
    return None


def read_misconceptions(data: LineDict, issues: SourceIssues) -> dict[str, Misconception]:
    """course.yaml's ``misconceptions``: a list of {key, title, description}."""
    name = "course.yaml"
    nodes = data.get("misconceptions", LineList())
    if not isinstance(nodes, LineList):
        issues.add(name, data.line_of("misconceptions"), "misconceptions must be a list")
        return {}
    out: dict[str, Misconception] = {}
    for i, node in enumerate(nodes):
        if not isinstance(node, LineDict):
            issues.add(name, nodes.item_lines[i], "each misconception needs a key and a title")
            continue
        issues.check_fields(name, node, _MISCONCEPTION_FIELDS, "misconception")
        key = key_of(node, "misconception", issues)
        if key is None:
            continue
        if key in out:
            issues.add(name, node.line_of("key"), f"misconception {key!r} is defined twice")
            continue
        title = node.get("title")
        if not isinstance(title, str) or not title.strip():
            issues.add(name, node.line, f"misconception {key!r} needs a title")
            title = key
        out[key] = Misconception(key, title.strip(), str(node.get("description", "")).strip())
    return out
