"""A course's objectives as an IMS CASE 1.0 competency framework (a CFPackage), the other way of
``content.case_framework`` (product.md, Content: "export of courses in the same formats where they
fit"): a district can load learnloop's objectives into its standards tools, or align them there.

- The course is the ``CFDocument``; each objective a ``CFItem`` (a "Competency"), in prerequisite
  order, with its statement of mastery as ``fullStatement``, its title as
  ``abbreviatedStatement`` and its key as ``humanCodingScheme``.
- Each item is ``isChildOf`` the document, and each prerequisite ``precedes`` the objective that
  needs it, as ``import-case`` reads them: exporting and importing gives the same objectives and
  prerequisites back.
- Identifiers are UUIDs derived (version 5) from the platform's public URL, the course's slug and
  the objective's key, so a second export of the same course names the same things, and a CASE
  tool updates what it loaded rather than adding it twice. ``uri`` is each identifier as a
  ``urn:uuid:`` (learnloop serves no CASE API to resolve them).
- Activities, items and the BKT parameters stay out: CASE describes what to learn, not how.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from learnloop.content.markdown import plain_text
from learnloop.domain import Course

__all__ = ["course_framework"]

# CASE's itemType for what a learner is to master; CASE leaves the vocabulary to the publisher,
# and "Competency" is the one 1EdTech's own examples use for it.
ITEM_TYPE = "Competency"


def course_framework(
    course: Course, *, public_url: str, creator: str, now: datetime | None = None
) -> dict[str, Any]:
    """The CFPackage (a JSON-ready mapping) of ``course``'s objectives."""
    changed = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"{public_url.rstrip('/')}/courses/{course.slug}")

    def link(identifier: str, title: str) -> dict[str, str]:
        return {"title": title, "identifier": identifier, "uri": f"urn:uuid:{identifier}"}

    document_id = str(uuid.uuid5(namespace, "document"))
    document = link(document_id, course.title)
    items: dict[str, dict[str, str]] = {}
    cf_items = []
    for n, key in enumerate(course.graph.topological_order, start=1):
        objective = course.objectives[key]
        identifier = str(uuid.uuid5(namespace, f"objective:{key}"))
        items[key] = link(identifier, objective.title)
        cf_items.append({
            "identifier": identifier,
            "uri": f"urn:uuid:{identifier}",
            "fullStatement": objective.statement,
            "abbreviatedStatement": objective.title,
            "humanCodingScheme": key,
            "listEnumeration": str(n),
            "CFItemType": ITEM_TYPE,
            "language": course.language,
            "CFDocumentURI": document,
            "lastChangeDateTime": changed,
        })  # fmt: skip

    def association(kind: str, origin: dict[str, str], destination: dict[str, str]) -> Any:
        identifier = str(uuid.uuid5(namespace, f"{kind}:{origin['identifier']}>"
                                               f"{destination['identifier']}"))  # fmt: skip
        return {
            "identifier": identifier,
            "uri": f"urn:uuid:{identifier}",
            "associationType": kind,
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "CFDocumentURI": document,
            "lastChangeDateTime": changed,
        }

    associations = [association("isChildOf", items[key], document) for key in items]
    associations += [
        association("precedes", items[before], items[key])
        for key in items
        for before in course.objectives[key].prerequisites
    ]
    cf_document: dict[str, Any] = {
        "identifier": document_id,
        "uri": f"urn:uuid:{document_id}",
        "creator": creator,
        "title": course.title,
        "lastChangeDateTime": changed,
        "language": course.language,
        "CFPackageURI": document,
    }
    description = plain_text(course.description)
    if description:
        cf_document["description"] = description
    return {"CFDocument": cf_document, "CFItems": cf_items, "CFAssociations": associations}
