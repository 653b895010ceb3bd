"""course.yaml's misconceptions list."""

from __future__ import annotations

from learnloop.content.keyed_lists import keyed_entries
from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict
from learnloop.domain import Misconception

__all__ = ["read_misconceptions"]

_MISCONCEPTION_FIELDS = {"key", "title", "description"}


def read_misconceptions(data: LineDict, issues: SourceIssues) -> dict[str, Misconception]:
    """course.yaml's ``misconceptions``: a list of {key, title, description}."""
    return {
        key: Misconception(key, title, str(node.get("description", "")).strip())
        for key, title, node in keyed_entries(
            data, "misconceptions", "misconception", _MISCONCEPTION_FIELDS, issues
        )
    }
