"""The three forms a statement is returned in (xAPI 1.0.3, GET Statements ``format``).

* ``exact``: as stored.
* ``ids``: agents, groups, activities and verbs reduced to what identifies them (an anonymous
  group keeps its members, each reduced), in the statement and in a SubStatement.
* ``canonical``: every language map (verb display, activity name and description, interaction
  components' descriptions) reduced to the one entry the reader's Accept-Language prefers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["accepted_languages", "formatted"]

_IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")
_LANGUAGE_MAPS = ("display", "name", "description")


def formatted(statement: dict[str, Any], fmt: str, languages: Sequence[str] = ()) -> dict[str, Any]:
    if fmt == "ids":
        return _ids(statement)
    if fmt == "canonical":
        out: dict[str, Any] = _canonical(statement, languages)
        return out
    return statement


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in agent.items() if k == "objectType" or k in _IDENTIFIERS}
    if "member" in agent and not any(k in agent for k in _IDENTIFIERS):
        kept["member"] = [_agent_ids(m) for m in agent["member"]]
    return kept


def _ids(statement: dict[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    out["actor"] = _agent_ids(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    obj = statement["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = {"id": obj["id"]}
    elif kind in ("Agent", "Group"):
        out["object"] = _agent_ids(obj)
    elif kind == "SubStatement":
        out["object"] = {**_ids(obj), "objectType": "SubStatement"}
    return out


def accepted_languages(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (``*`` and q=0 left out)."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            ranked.append((-q, n, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def _choose(language_map: dict[str, Any], languages: Sequence[str]) -> dict[str, Any]:
    """The entry for the most wanted tag present exactly; else the first of the most wanted
    language (en-GB wanted, en-US given); else "und" or the first entry."""
    if len(language_map) <= 1:
        return language_map
    by_lower = {k.lower(): k for k in language_map}
    for wanted in languages:  # an exact tag, then one of the same language
        if wanted.lower() in by_lower:
            key = by_lower[wanted.lower()]
            return {key: language_map[key]}
    for wanted in languages:
        prefix = wanted.lower().split("-")[0]
        for lower, key in by_lower.items():
            if lower.split("-")[0] == prefix:
                return {key: language_map[key]}
    key = by_lower.get("und") or next(iter(language_map))
    return {key: language_map[key]}


def _canonical(value: Any, languages: Sequence[str]) -> Any:
    if isinstance(value, list):
        return [_canonical(v, languages) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "extensions":  # anything may be in an extension: left as sent
            out[key] = item
        elif key in _LANGUAGE_MAPS and isinstance(item, dict):
            out[key] = _choose(item, languages)
        else:
            out[key] = _canonical(item, languages)
    return out
