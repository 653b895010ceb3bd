"""A competency framework in IMS CASE JSON (a CFPackage: ``CFDocument``, ``CFItems``,
``CFAssociations``) turned into the start of a course folder (product.md, Content: "competency
frameworks from CASE JSON"): the framework's standards become the course's objectives, its
``precedes`` associations their prerequisites.

Which items become objectives: the leaves of the framework's ``isChildOf`` tree (the standards
under the domains and clusters that group them). An objective's key comes from the item's
``humanCodingScheme`` (or its identifier), its title from ``abbreviatedStatement`` (or the coding
scheme and the start of the statement), and its statement of mastery from ``fullStatement``. An
association "A precedes B" between two objectives makes A a prerequisite of B. Each objective gets
a placeholder reading activity (the validator wants every objective taught), marked as one: the
author writes the activities and items. The folder is then loaded as the platform would load it
(a cycle among the ``precedes`` associations is named there), and removed again if it does not
load.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from learnloop.content.course_loader import load_course
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["MAX_ITEMS", "framework_course", "write_framework_course"]

MAX_ITEMS = 5_000  # a whole state's standards for one subject; a runaway file is refused
_TITLE_WORDS = 8  # a title made from a statement: its first words, enough to tell objectives apart


def _key(text: str, used: set[str]) -> str:
    key = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")[:60] or "objective"
    key = key if key[0].isalnum() else f"o{key}"
    base, n = key, 2
    while key in used:
        key, n = f"{base}-{n}", n + 1
    used.add(key)
    return key


def _node_id(node: Any) -> str:
    return str(node.get("identifier", "")) if isinstance(node, dict) else ""


def framework_course(data: Any, *, file: str, slug: str = "") -> dict[str, Any]:
    """The course.yaml content (a mapping) for a CFPackage; ContentError names what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("CFItems"), list):
        raise ContentError([ContentIssue(file, 0, "not a CASE CFPackage: it needs CFItems")])
    found = data.get("CFDocument")
    document: dict[str, Any] = found if isinstance(found, dict) else {}
    items = [i for i in data["CFItems"] if isinstance(i, dict) and i.get("identifier")]
    if len(items) > MAX_ITEMS:
        raise ContentError([ContentIssue(file, 0, f"more than {MAX_ITEMS} CFItems")])
    associations = [a for a in data.get("CFAssociations", []) if isinstance(a, dict)]
    parents = {_node_id(a.get("destinationNodeURI")) for a in associations
               if a.get("associationType") == "isChildOf"}  # fmt: skip
    leaves = [i for i in items if i["identifier"] not in parents]
    if not leaves:
        raise ContentError(
            [ContentIssue(file, 0, "the framework has no items to make objectives of")]
        )
    used: set[str] = set()
    keys: dict[str, str] = {}
    objectives: list[dict[str, Any]] = []
    for item in leaves:
        code = str(item.get("humanCodingScheme") or "").strip()
        statement = " ".join(str(item.get("fullStatement") or "").split())
        if not statement:
            raise ContentError([ContentIssue(
                file, 0, f"CFItem {item['identifier']} has no fullStatement")])  # fmt: skip
        short = str(item.get("abbreviatedStatement") or "").strip()
        words = " ".join(statement.split()[:_TITLE_WORDS])
        title = short or (f"{code}: {words}" if code else words)
        key = _key(code or str(item["identifier"])[:12], used)
        keys[str(item["identifier"])] = key
        objectives.append({"key": key, "title": title[:120], "statement": statement})
    by_key = {o["key"]: o for o in objectives}
    for a in associations:
        if a.get("associationType") != "precedes":
            continue
        before = keys.get(_node_id(a.get("originNodeURI")))
        after = keys.get(_node_id(a.get("destinationNodeURI")))
        if before and after and before != after:
            prerequisites = by_key[after].setdefault("prerequisites", [])
            if before not in prerequisites:
                prerequisites.append(before)
    title = str(document.get("title") or Path(file).stem)
    description = str(document.get("description") or "")
    source = f"From the CASE framework {title}" + (
        f" ({document['identifier']})" if document.get("identifier") else ""
    )
    return {
        "slug": slug or _key(title, set()),
        "title": title[:200],
        "description": f"{description}\n\n{source}." if description else f"{source}.",
        "objectives": objectives,
    }


def write_framework_course(json_file: Path, out: Path, *, slug: str = "") -> tuple[int, int]:
    """Write a new course folder at ``out`` from a CASE JSON file; (objectives, prerequisites).
    Nothing is left at ``out`` if the course does not load."""
    if out.exists():
        raise ContentError([ContentIssue(str(out), 0, "exists already: choose a new folder")])
    try:
        data = json.loads(json_file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([ContentIssue(json_file.name, 0, f"cannot read it: {exc}")]) from None
    except json.JSONDecodeError as exc:
        raise ContentError(
            [ContentIssue(json_file.name, exc.lineno, f"not JSON: {exc.msg}")]
        ) from None
    course = framework_course(data, file=json_file.name, slug=slug)
    (out / "activities").mkdir(parents=True)
    try:
        (out / "course.yaml").write_text(
            f"# Made from {json_file.name} (IMS CASE) by learnloop import-case: objectives and\n"
            "# prerequisites from the framework; write the activities and items.\n"
            + yaml.safe_dump(course, allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )
        for o in course["objectives"]:
            front = {"title": f"About: {o['title']}", "modality": "reading", "minutes": 10,
                     "objectives": [o["key"]]}  # fmt: skip
            (out / "activities" / f"{o['key']}-about.md").write_text(
                "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
                f"*A placeholder: write this activity.* What to master: {o['statement']}\n",
                encoding="utf-8",
            )
        load_course(out)
    except BaseException:
        shutil.rmtree(out)
        raise
    return len(course["objectives"]), sum(
        len(o.get("prerequisites", [])) for o in course["objectives"]
    )
