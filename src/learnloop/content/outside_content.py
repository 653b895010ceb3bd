"""Outside content that counts as an activity or an item: the xAPI activity ids of content
hosted elsewhere (an H5P in a school's site, a simulation), in an activity's front matter,

    xapi_activities: [https://h5p.school.example/content/12]

or in an item's YAML (an outside question that asks what the item asks, such as one question of
an H5P question set, ``https://h5p.school.example/content/12?subContentId=...``). A statement
about one of them, with an outcome, counts as an answer here (services.xapi_feed): to the item
that lists it, or, for an activity, to the activity's first item, exactly as a statement about the
activity's own learnloop IRI does, which is why such an activity needs items. Ids are matched
whole, and one id names one activity or item of a course.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict
from learnloop.domain import Activity, Item

__all__ = ["MAX_XAPI_ID", "check_xapi_activities", "read_xapi_activities"]

MAX_XAPI_ID = 600  # characters: the LRS's own limit for an activity id it files
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def read_xapi_activities(front: LineDict, file: str, issues: SourceIssues) -> tuple[str, ...]:
    """The front matter's ``xapi_activities``, each an absolute IRI (an issue names the line)."""
    ids = front.get("xapi_activities", [])
    line = front.line_of("xapi_activities")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        issues.add(file, line, "xapi_activities must be a list of activity ids (IRIs)")
        return ()
    good: list[str] = []
    for iri in ids:
        if not _IRI.match(iri) or len(iri) > MAX_XAPI_ID:
            issues.add(file, line, (
                f"xapi_activities: {iri!r} is not an absolute IRI of at most {MAX_XAPI_ID} "
                "characters (https://...)"
            ))  # fmt: skip
        elif iri in good:
            issues.add(file, line, f"xapi_activities lists {iri!r} twice")
        else:
            good.append(iri)
    return tuple(good)


def check_xapi_activities(
    activities: Mapping[str, Activity],
    fronts: Mapping[str, LineDict],
    items: Mapping[str, Item],
    issues: SourceIssues,
) -> None:
    """Each outside id names one activity or item, and an activity with outside ids has items."""
    named: dict[str, str] = {}

    def name(iri: str, what: str, file: str, line: int) -> None:
        if iri in named:
            issues.add(file, line, f"xapi_activities: {iri!r} already counts as {named[iri]}")
        else:
            named[iri] = what

    for key, activity in activities.items():
        file, line = f"activities/{key}.md", fronts[key].line_of("xapi_activities")
        if activity.xapi_activities and not activity.items:
            issues.add(file, line, (
                f"activity {key!r} has xapi_activities but no items: an outside statement counts "
                "as an answer to the activity's first item"
            ))  # fmt: skip
        for iri in activity.xapi_activities:
            name(iri, f"activity {key!r}", file, line)
    for key, item in items.items():
        item_file, _, item_line = item.source.rpartition(":")
        for iri in item.xapi_activities:
            name(iri, f"item {key!r}", item_file, int(item_line))
