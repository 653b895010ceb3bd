"""learnloop's own names in xAPI: learners, courses, activities and items as IRIs under the
platform's public URL, and the statement an in-app answer is recorded as.

    learner   {"account": {"homePage": PUBLIC_URL, "name": USERNAME}}
    course    PUBLIC_URL/xapi/activities/COURSE
    activity  PUBLIC_URL/xapi/activities/COURSE/activities/ACTIVITY
    item      PUBLIC_URL/xapi/activities/COURSE/items/ITEM

Content that sends statements about these (H5P, a simulation, another platform) feeds the
learner model; docs/xapi.md shows an example.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from learnloop.adapters.xapi.statements import agent_key

__all__ = [
    "ANSWERED",
    "LearnloopObject",
    "activity_iri",
    "answer_statement",
    "attempt_statement_id",
    "course_iri",
    "erasure_voiding_statement",
    "item_iri",
    "learner_agent",
    "lookup_names",
    "parse_learner",
    "parse_object",
    "platform_agent",
    "regraded_statement_id",
    "voiding_statement",
]

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ATTEMPT_EXTENSION = "https://learnloop.dev/xapi/extensions/attempt"
PLATFORM = "learnloop"


def course_iri(base: str, course: str) -> str:
    return f"{base.rstrip('/')}/xapi/activities/{course}"


def activity_iri(base: str, course: str, activity: str) -> str:
    return f"{course_iri(base, course)}/activities/{activity}"


def item_iri(base: str, course: str, item: str) -> str:
    return f"{course_iri(base, course)}/items/{item}"


def learner_agent(base: str, username: str, name: str | None = None) -> dict[str, Any]:
    agent: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": base.rstrip("/"), "name": username},
    }
    if name:
        agent["name"] = name
    return agent


def parse_learner(base: str, agent: Mapping[str, Any]) -> str | None:
    """The username of a learnloop learner named by ``agent``, or None."""
    account = agent.get("account")
    if isinstance(account, Mapping) and account.get("homePage", "").rstrip("/") == base.rstrip("/"):
        name = account.get("name")
        return name if isinstance(name, str) else None
    return None


def lookup_names(base: str, agent: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """How to find the account ``agent`` names: (its username, None) for a learnloop account;
    (None, its agent key) for another Agent, which an identity linked to an account may name;
    (None, None) for a Group, which is nobody's identity."""
    username = parse_learner(base, agent)
    if username is not None:
        return username, None
    return None, None if agent.get("objectType") == "Group" else agent_key(agent)


@dataclass(frozen=True, slots=True)
class LearnloopObject:
    course: str
    kind: str  # item | activity
    key: str


def parse_object(base: str, iri: str) -> LearnloopObject | None:
    prefix = f"{base.rstrip('/')}/xapi/activities/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix) :].split("/")
    if len(parts) == 3 and parts[1] in ("items", "activities") and all(parts):
        return LearnloopObject(parts[0], "item" if parts[1] == "items" else "activity", parts[2])
    return None


def attempt_statement_id(base: str, attempt_id: int) -> str:
    """A stable id for the statement of an in-app answer (the same answer, the same id)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base.rstrip('/')}/attempts/{attempt_id}"))


def platform_agent(base: str) -> dict[str, Any]:
    """learnloop itself, as the authority of its own statements and the actor of what it does
    on its own (voiding its record of an answer it regraded)."""
    return {"objectType": "Agent", "name": PLATFORM,
            "account": {"homePage": base.rstrip("/"), "name": PLATFORM}}  # fmt: skip


def regraded_statement_id(base: str, attempt_id: int, regrade: int) -> str:
    """The id of the ``regrade``-th corrected record of an in-app answer (1, 2, ...)."""
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{base.rstrip('/')}/attempts/{attempt_id}/graded/{regrade}")
    )


def voiding_statement(
    base: str, *, target: str, actor: dict[str, Any], when: datetime
) -> dict[str, Any]:
    """The statement by which learnloop voids one of its own records of an in-app answer (the
    answer withdrawn, or graded again): one id per target."""
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base.rstrip('/')}/statements/{target}/void")),
        "actor": actor,
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target},  # no context.platform: xAPI
        # allows it only about an Activity, and another LRS refuses the statement with it
        "timestamp": stamp,
        "stored": stamp,
        "authority": platform_agent(base),
        "version": "1.0.0",
    }


def erasure_voiding_statement(base: str, *, target: str, when: datetime) -> dict[str, Any]:
    """The statement by which learnloop voids, in another LRS it sent a copy to, a statement
    an erasure deleted here: learnloop itself is its actor, so that it names nobody; its own id
    (never that of a voiding statement sent for a withdrawn answer)."""
    st = voiding_statement(base, target=target, actor=platform_agent(base), when=when)
    st["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base.rstrip('/')}/statements/{target}/erased"))
    return st


def answer_statement(
    base: str,
    *,
    attempt_id: int,
    username: str,
    display_name: str,
    course: str,
    activity: str,
    item: str,
    correct: bool,
    response: str,
    when: datetime,
    statement_id: str | None = None,
) -> dict[str, Any]:
    """The statement an in-app answer is recorded as in the LRS (``statement_id``: a corrected
    record's own id, when the answer was graded again)."""
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "id": statement_id or attempt_statement_id(base, attempt_id),
        "actor": learner_agent(base, username, display_name),
        "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": item_iri(base, course, item),
            "definition": {"type": INTERACTION},
        },
        "result": {"success": correct, "response": response[:1000]},
        "context": {
            "platform": PLATFORM,
            "contextActivities": {
                "parent": [{"id": activity_iri(base, course, activity)}],
                "grouping": [{"id": course_iri(base, course)}],
            },
            "extensions": {ATTEMPT_EXTENSION: attempt_id},
        },
        "timestamp": stamp,
        "stored": stamp,
        "authority": platform_agent(base),
        "version": "1.0.0",
    }
