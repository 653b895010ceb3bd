"""course.yaml's lists of keyed entries (objectives' keys, misconceptions, topics): the rule for a
key, and the reading of a list of {key, title, ...} that reports each bad entry with its line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict, LineList

__all__ = ["KEY_PATTERN", "key_of", "keyed_entries"]

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_FILE = "course.yaml"


def key_of(node: LineDict, what: str, issues: SourceIssues) -> str | None:
    """The node's ``key`` if it is a valid one; else the problem is reported and None returned."""
    key = node.get("key")
    if isinstance(key, str) and KEY_PATTERN.match(key):
        return key
    issues.add(
        _FILE, node.line_of("key"), f"{what} key {key!r} must be lower-case letters, digits, - or _"
    )
    return None


def keyed_entries(
    data: LineDict, field: str, what: str, allowed: set[str], issues: SourceIssues
) -> Iterator[tuple[str, str, LineDict]]:
    """(key, title, node) for each readable entry of course.yaml's list ``field`` (entries called
    ``what``, with the fields ``allowed``); a bad key, a key written twice or a missing title is
    reported with its line (a missing title falls back to the key, so later checks still run)."""
    nodes = data.get(field, LineList())
    if not isinstance(nodes, LineList):
        issues.add(_FILE, data.line_of(field), f"{field} must be a list")
        return
    seen: set[str] = set()
    for i, node in enumerate(nodes):
        if not isinstance(node, LineDict):
            issues.add(_FILE, nodes.item_lines[i], f"each {what} needs a key and a title")
            continue
        issues.check_fields(_FILE, node, allowed, what)
        key = key_of(node, what, issues)
        if key is None:
            continue
        if key in seen:
            issues.add(_FILE, node.line_of("key"), f"{what} {key!r} is defined twice")
            continue
        seen.add(key)
        title = node.get("title")
        if not isinstance(title, str) or not title.strip():
            issues.add(_FILE, node.line, f"{what} {key!r} needs a title")
            title = key
        yield key, title.strip(), node
