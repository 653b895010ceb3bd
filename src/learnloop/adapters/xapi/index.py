"""What the LRS indexes a statement by, so that every query filter is an index lookup and never
a scan of stored JSON: the actor, verb, object, registration, and every agent and activity the
statement mentions anywhere (for ``related_agents`` and ``related_activities``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from learnloop.adapters.xapi.statements import agent_key

__all__ = ["REF_KINDS", "StatementKeys", "index_pairs", "statement_keys", "target_keys"]


@dataclass
class StatementKeys:
    actor: str | None  # agent key of the actor (None for an anonymous group)
    verb: str
    object_kind: str  # Activity | Agent | Group | StatementRef | SubStatement
    object_id: str | None  # activity id, agent key or referenced statement id
    registration: str | None
    agents: set[str] = field(default_factory=set)  # every agent key mentioned (related)
    activities: set[str] = field(default_factory=set)  # every activity id mentioned (related)


# An agent with one of these is identified (it has a key); an anonymous group has none.
_IDENTIFIERS = frozenset(("mbox", "mbox_sha1sum", "openid", "account"))


def _identified(agent: Mapping[str, Any]) -> bool:
    return not _IDENTIFIERS.isdisjoint(agent.keys())


def _agents(agent: Mapping[str, Any], into: set[str]) -> None:
    if _identified(agent):  # an anonymous group: only its members have keys
        into.add(agent_key(agent))
    for member in agent.get("member") or ():
        _agents(member, into)


def _walk(statement: Mapping[str, Any], keys: StatementKeys) -> None:
    _agents(statement["actor"], keys.agents)
    obj = statement["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        keys.activities.add(obj["id"])
    elif kind in ("Agent", "Group"):
        _agents(obj, keys.agents)
    elif kind == "SubStatement":
        _walk(obj, keys)
    context = statement.get("context") or {}
    for role in ("instructor", "team"):
        if role in context:
            _agents(context[role], keys.agents)
    for acts in (context.get("contextActivities") or {}).values():
        for act in acts if isinstance(acts, list) else [acts]:
            keys.activities.add(act["id"])


def statement_keys(statement: Mapping[str, Any]) -> StatementKeys:
    """The keys of a valid statement (``validate_statement`` first)."""
    actor = statement["actor"]
    obj = statement["object"]
    kind = str(obj.get("objectType", "Activity"))
    if kind == "Activity" or kind == "StatementRef":
        object_id: str | None = obj["id"]
    elif kind in ("Agent", "Group"):
        object_id = agent_key(obj) if _identified(obj) else None
    else:
        object_id = None
    keys = StatementKeys(
        actor=agent_key(actor) if _identified(actor) else None,
        verb=statement["verb"]["id"],
        object_kind=kind,
        object_id=object_id,
        registration=(statement.get("context") or {}).get("registration"),
    )
    _walk(statement, keys)
    if "authority" in statement:
        _agents(statement["authority"], keys.agents)
    return keys


# Index kinds under which a statement that targets another (a StatementRef, voiding included) is
# filed with its target's keys: a query filtered on the target's verb, agent, activity or
# registration returns the statements that target it too (xAPI 1.0.3, Filter Conditions for
# StatementRefs). Short, for the 8-character kind column.
REF_KINDS = {
    "verb": "rverb",
    "agent": "ragent",
    "activity": "ract",
    "registration": "rreg",
    "related_agent": "rragent",
    "related_activity": "rract",
}


def target_keys(target: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (kind, key) index rows for a statement whose object is a StatementRef to ``target``."""
    keys = statement_keys(target)
    rows = [(REF_KINDS["verb"], keys.verb)]
    if keys.actor:
        rows.append((REF_KINDS["agent"], keys.actor))
    if keys.object_id and keys.object_kind in ("Agent", "Group"):
        rows.append((REF_KINDS["agent"], keys.object_id))
    if keys.object_id and keys.object_kind == "Activity":
        rows.append((REF_KINDS["activity"], keys.object_id))
    if keys.registration:
        rows.append((REF_KINDS["registration"], keys.registration))
    rows += [(REF_KINDS["related_agent"], k) for k in sorted(keys.agents)]
    rows += [(REF_KINDS["related_activity"], k) for k in sorted(keys.activities)]
    return list(dict.fromkeys(rows))


def index_pairs(keys: StatementKeys) -> list[tuple[str, str]]:
    """Every (kind, key) a statement is filed under (``XapiStatementKey``), once each: "who" (the
    actor, or an agent object: the ``agent`` filter), "verb", "object" (an activity object),
    "reg", and every agent and activity mentioned ("agent", "activity"). A statement that refers
    to another through a StatementRef is filed under the target's keys too (``target_keys``)."""
    pairs: list[tuple[str, str]] = [("verb", keys.verb)]
    if keys.actor:
        pairs.append(("who", keys.actor))
    if keys.object_id and keys.object_kind in ("Agent", "Group"):
        pairs.append(("who", keys.object_id))
    if keys.object_id and keys.object_kind == "Activity":
        pairs.append(("object", keys.object_id))
    if keys.registration:
        pairs.append(("reg", keys.registration))
    pairs += [("agent", k) for k in sorted(keys.agents)]
    pairs += [("activity", k) for k in sorted(keys.activities)]
    return list(dict.fromkeys(pairs))
