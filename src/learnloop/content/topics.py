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

from learnloop.content.keyed_lists import keyed_entries
from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict
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


def read_topics(data: LineDict, issues: SourceIssues) -> tuple[dict[str, Topic], dict[str, int]]:
    """course.yaml's ``topics``: a list of {key, title, words}; and the line of each key."""
    topics: dict[str, Topic] = {}
    lines: dict[str, int] = {}
    for key, title, node in keyed_entries(data, "topics", "topic", _TOPIC_FIELDS, issues):
        topics[key] = Topic(key, title, _words(node, key, issues))
        lines[key] = node.line_of("key")
    return topics, lines


def check_activity_topics(
    activities: Mapping[str, Activity],
    fronts: Mapping[str, LineDict],
    topics: Mapping[str, Topic],
    lines: Mapping[str, int],
    issues: SourceIssues,
) -> None:
    """Each topic an activity names is one of the course's, and each of the course's topics is
    named by an activity (onboarding lists the topics as what the course's activities are about)."""
    known = ", ".join(sorted(topics)) or "none: add them under topics in course.yaml"
    for key, activity in activities.items():
        for topic in activity.topics:
            if topic not in topics:
                issues.add(
                    f"activities/{key}.md", fronts[key].line_of("topics"),
                    f"activity {key!r} names unknown topic {topic!r} (the course's topics: {known})",
                )  # fmt: skip
    named = {t for activity in activities.values() for t in activity.topics}
    for key in topics:
        if key not in named:
            issues.add(
                "course.yaml", lines[key],
                f"topic {key!r} is named by no activity, so onboarding would offer it for nothing",
            )  # fmt: skip
