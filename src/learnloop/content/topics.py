"""course.yaml's topics (what activities are about) and the activities' ``topics`` lists.

    topics:
      - key: cooking
        title: Cooking
        words: [food, baking, recipe]      # optional: other words a learner may write for it

and in an activity's front matter, ``topics: [cooking]``. Learners' interests are matched
against them (domain.interests).
"""

from __future__ import annotations

from collections.abc import Mapping

from learnloop.content.misconceptions import key_of
from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict, LineList
from learnloop.domain import Activity, Topic

__all__ = ["MAX_TOPIC_WORD", "check_activity_topics", "read_topics"]

_TOPIC_FIELDS = {"key", "title", "words"}
MAX_TOPIC_WORD = 60  # characters: a word or two, never a sentence


def _words(node: LineDict, key: str, issues: SourceIssues) -> tuple[str, ...]:
    words = node.get("words", [])
    if not (
        isinstance(words, list)
        and all(isinstance(w, str) and 0 < len(w.strip()) <= MAX_TOPIC_WORD for w in words)
    ):
        issues.add(
            "course.yaml", node.line_of("words"),
            f"topic {key!r}: words must be a list of words of 1 to {MAX_TOPIC_WORD} characters",
        )  # fmt: skip
        return ()
    return tuple(w.strip().casefold() for w in words)


def read_topics(data: LineDict, issues: SourceIssues) -> dict[str, Topic]:
    """course.yaml's ``topics``: a list of {key, title, words}."""
    name = "course.yaml"
    nodes = data.get("topics", LineList())
    if not isinstance(nodes, LineList):
        issues.add(name, data.line_of("topics"), "topics must be a list")
        return {}
    out: dict[str, Topic] = {}
    for i, node in enumerate(nodes):
        if not isinstance(node, LineDict):
            issues.add(name, nodes.item_lines[i], "each topic needs a key and a title")
            continue
        issues.check_fields(name, node, _TOPIC_FIELDS, "topic")
        key = key_of(node, "topic", issues)
        if key is None:
            continue
        if key in out:
            issues.add(name, node.line_of("key"), f"topic {key!r} is defined twice")
            continue
        title = node.get("title")
        if not isinstance(title, str) or not title.strip():
            issues.add(name, node.line, f"topic {key!r} needs a title")
            title = key
        out[key] = Topic(key, title.strip(), _words(node, key, issues))
    return out


def check_activity_topics(
    activities: Mapping[str, Activity],
    fronts: Mapping[str, LineDict],
    topics: Mapping[str, Topic],
    issues: SourceIssues,
) -> None:
    """Each topic an activity names is one of the course's."""
    for key, activity in activities.items():
        for topic in activity.topics:
            if topic not in topics:
                known = ", ".join(sorted(topics)) or "none: add them under topics in course.yaml"
                issues.add(
                    f"activities/{key}.md", fronts[key].line_of("topics"),
                    f"activity {key!r} names unknown topic {topic!r} (the course's topics: {known})",
                )  # fmt: skip
