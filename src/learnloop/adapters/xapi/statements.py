"""xAPI statements (1.0.3 and 2.0.0): validation that names the field, and the keys the LRS
indexes a statement by.

Hand-written: the Python xAPI libraries (TinCanPython) are unmaintained, and an LRS must reject
exactly what the specification says with a message a client can act on. ``validate_statement``
raises ``InvalidStatement(path, message)``, where ``path`` is like ``statements[2].actor.mbox``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

__all__ = [
    "InvalidStatement",
    "agent_key",
    "identifier_kind",
    "validate_agent",
    "validate_statement",
]

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_VERSION = re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")
_DURATION = re.compile(
    r"^P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$|^P\d+(\.\d+)?W$"
)  # ISO 8601: weeks stand alone (P4W), never with other units (P4W1D is invalid)
_NEGATIVE_ZERO = re.compile(r"-00(:?00)?$")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_STATEMENT_KEYS = {
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
    "version", "attachments",
}  # fmt: skip
_SUB_KEYS = {
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
}


class InvalidStatement(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _fail(path: str, message: str) -> InvalidStatement:
    return InvalidStatement(path, message)


def _object(value: Any, path: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    if not allowed.issuperset(value):
        extra = sorted(set(value) - allowed)
        raise _fail(f"{path}.{extra[0]}", "is not a property of this object")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")
    return value


def _iri(value: Any, path: str) -> str:
    text = _string(value, path)
    if not _IRI.match(text):
        raise _fail(path, f"{text!r} is not an IRI (it needs a scheme, as in https://...)")
    return text


def _uuid(value: Any, path: str) -> str:
    text = _string(value, path)
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        raise _fail(path, f"{text!r} is not a UUID") from None
    if len(text) != 36:
        raise _fail(path, f"{text!r} is not a UUID in its hyphenated form")
    return str(parsed)


def _language_map(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise _fail(path, "must be a language map (an object of language tag: text)")
    for tag, text in value.items():
        if not _LANG.match(tag):
            raise _fail(f"{path}.{tag}", "is not an RFC 5646 language tag")
        _string(text, f"{path}.{tag}")


def _extensions(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise _fail(path, "must be an object whose keys are IRIs")
    for key in value:
        _iri(key, f"{path}[{key!r}]")


def _timestamp(value: Any, path: str) -> None:
    text = _string(value, path)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(path, f"{text!r} is not an ISO 8601 date and time") from None
    if "T" not in text.upper():
        raise _fail(path, f"{text!r} has no time")
    if parsed.tzinfo is None:
        raise _fail(path, f"{text!r} has no time zone")
    if _NEGATIVE_ZERO.search(text):
        raise _fail(path, "a -00:00 offset is not allowed (use Z or +00:00)")


def _agent(value: Any, path: str, *, group_allowed: bool = True) -> None:
    obj = _object(value, path, {"objectType", "name", "member", *_IFIS})
    kind = obj.get("objectType", "Agent")
    if kind not in ("Agent", "Group") or (kind == "Group" and not group_allowed):
        raise _fail(f"{path}.objectType", f"{kind!r} is not allowed here")
    if "name" in obj:
        _string(obj["name"], f"{path}.name")
    ifis = [k for k in _IFIS if k in obj]
    if kind == "Agent":
        if "member" in obj:
            raise _fail(f"{path}.member", "an Agent has no members")
        if len(ifis) != 1:
            raise _fail(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")
    else:
        if len(ifis) > 1:
            raise _fail(path, "a Group has at most one of mbox, mbox_sha1sum, openid, account")
        members = obj.get("member")
        if not ifis and not isinstance(members, list):
            raise _fail(f"{path}.member", "an anonymous Group needs a list of members")
        if members is not None:
            if not isinstance(members, list):
                raise _fail(f"{path}.member", "must be a list of Agents")
            for i, member in enumerate(members):
                _agent(member, f"{path}.member[{i}]", group_allowed=False)
    if "mbox" in obj:
        mbox = _string(obj["mbox"], f"{path}.mbox")
        if not mbox.startswith("mailto:") or "@" not in mbox:
            raise _fail(f"{path}.mbox", "must be a mailto: IRI, as in mailto:ann@example.com")
    if "mbox_sha1sum" in obj and not _SHA1.match(
        _string(obj["mbox_sha1sum"], f"{path}.mbox_sha1sum")
    ):
        raise _fail(f"{path}.mbox_sha1sum", "must be 40 hexadecimal digits")
    if "openid" in obj:
        _iri(obj["openid"], f"{path}.openid")
    if "account" in obj:
        account = _object(obj["account"], f"{path}.account", {"homePage", "name"})
        for key in ("homePage", "name"):
            if key not in account:
                raise _fail(f"{path}.account.{key}", "is required")
        _iri(account["homePage"], f"{path}.account.homePage")
        _string(account["name"], f"{path}.account.name")


def _verb(value: Any, path: str) -> str:
    obj = _object(value, path, {"id", "display"})
    if "id" not in obj:
        raise _fail(f"{path}.id", "is required")
    if "display" in obj:
        _language_map(obj["display"], f"{path}.display")
    return _iri(obj["id"], f"{path}.id")


_DEFINITION_KEYS = {
    "name", "description", "type", "moreInfo", "extensions", "interactionType",
    "correctResponsesPattern", "choices", "scale", "source", "target", "steps",
}  # fmt: skip
_INTERACTIONS = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
    "likert", "numeric", "other",
}  # fmt: skip


def _activity(value: Any, path: str) -> None:
    obj = _object(value, path, {"objectType", "id", "definition"})
    if obj.get("objectType", "Activity") != "Activity":
        raise _fail(f"{path}.objectType", "must be Activity")
    if "id" not in obj:
        raise _fail(f"{path}.id", "is required")
    _iri(obj["id"], f"{path}.id")
    if "definition" not in obj:
        return
    d = _object(obj["definition"], f"{path}.definition", _DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in d:
            _language_map(d[key], f"{path}.definition.{key}")
    for key in ("type", "moreInfo"):
        if key in d:
            _iri(d[key], f"{path}.definition.{key}")
    if "extensions" in d:
        _extensions(d["extensions"], f"{path}.definition.extensions")
    if (
        "interactionType" in d
        and _string(d["interactionType"], f"{path}.definition.interactionType") not in _INTERACTIONS
    ):
        raise _fail(f"{path}.definition.interactionType", f"{d['interactionType']!r} is not known")
    if "correctResponsesPattern" in d and "interactionType" not in d:
        raise _fail(f"{path}.definition.correctResponsesPattern", "needs an interactionType")
    if "correctResponsesPattern" in d and not (
        isinstance(d["correctResponsesPattern"], list)
        and all(isinstance(x, str) for x in d["correctResponsesPattern"])
    ):
        raise _fail(f"{path}.definition.correctResponsesPattern", "must be a list of strings")
    for key in ("choices", "scale", "source", "target", "steps"):
        if key in d:
            if "interactionType" not in d:
                raise _fail(f"{path}.definition.{key}", "needs an interactionType")
            if not isinstance(d[key], list):
                raise _fail(f"{path}.definition.{key}", "must be a list of components")
            for i, comp in enumerate(d[key]):
                c = _object(comp, f"{path}.definition.{key}[{i}]", {"id", "description"})
                _string(c.get("id"), f"{path}.definition.{key}[{i}].id")
                if "description" in c:
                    _language_map(c["description"], f"{path}.definition.{key}[{i}].description")


def _statement_object(value: Any, path: str, *, in_substatement: bool) -> str:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _activity(value, path)
    elif kind in ("Agent", "Group"):
        if "objectType" not in value:
            raise _fail(f"{path}.objectType", "is required for an Agent or Group object")
        _agent(value, path)
    elif kind == "StatementRef":
        obj = _object(value, path, {"objectType", "id"})
        _uuid(obj.get("id"), f"{path}.id")
    elif kind == "SubStatement":
        if in_substatement:
            raise _fail(f"{path}.objectType", "a SubStatement cannot contain a SubStatement")
        _object(value, path, _SUB_KEYS)
        _parts(value, path, sub=True)
    else:
        raise _fail(f"{path}.objectType", f"{kind!r} is not an object type")
    return str(kind)


def _result(value: Any, path: str) -> None:
    obj = _object(
        value, path, {"score", "success", "completion", "response", "duration", "extensions"}
    )
    if "score" in obj:
        score = _object(obj["score"], f"{path}.score", {"scaled", "raw", "min", "max"})
        for key, number in score.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise _fail(f"{path}.score.{key}", "must be a number")
        if "scaled" in score and not -1 <= score["scaled"] <= 1:
            raise _fail(f"{path}.score.scaled", "must be between -1 and 1")
        low, high = score.get("min"), score.get("max")
        if low is not None and high is not None and low >= high:
            raise _fail(f"{path}.score.min", "must be below max")
        raw = score.get("raw")
        if raw is not None and (
            (low is not None and raw < low) or (high is not None and raw > high)
        ):
            raise _fail(f"{path}.score.raw", "must be between min and max")
    for key in ("success", "completion"):
        if key in obj and not isinstance(obj[key], bool):
            raise _fail(f"{path}.{key}", "must be true or false")
    if "response" in obj:
        _string(obj["response"], f"{path}.response")
    if "duration" in obj and not _DURATION.match(_string(obj["duration"], f"{path}.duration")):
        raise _fail(f"{path}.duration", "must be an ISO 8601 duration, as in PT1M30S")
    if "extensions" in obj:
        _extensions(obj["extensions"], f"{path}.extensions")


def _context(value: Any, path: str, object_kind: str) -> None:
    keys = {
        "registration", "instructor", "team", "contextActivities", "revision", "platform",
        "language", "statement", "extensions", "contextAgents", "contextGroups",
    }  # fmt: skip
    obj = _object(value, path, keys)
    if "registration" in obj:
        _uuid(obj["registration"], f"{path}.registration")
    if "instructor" in obj:
        _agent(obj["instructor"], f"{path}.instructor")
    if "team" in obj:
        team = obj["team"]
        if not isinstance(team, dict) or team.get("objectType") != "Group":
            raise _fail(f"{path}.team", "must be a Group")
        _agent(team, f"{path}.team")
    for key in ("revision", "platform"):
        if key in obj:
            _string(obj[key], f"{path}.{key}")
            if object_kind != "Activity":
                raise _fail(f"{path}.{key}", "is only for statements about an Activity")
    if "language" in obj and not _LANG.match(_string(obj["language"], f"{path}.language")):
        raise _fail(f"{path}.language", "is not an RFC 5646 language tag")
    if "statement" in obj:
        ref = obj["statement"]
        if not isinstance(ref, dict) or ref.get("objectType") != "StatementRef":
            raise _fail(f"{path}.statement", "must be a StatementRef")
        _statement_object(ref, f"{path}.statement", in_substatement=False)
    if "contextActivities" in obj:
        ca = _object(
            obj["contextActivities"], f"{path}.contextActivities",
            {"parent", "grouping", "category", "other"},
        )  # fmt: skip
        for key, acts in ca.items():
            for i, act in enumerate(acts if isinstance(acts, list) else [acts]):
                _activity(act, f"{path}.contextActivities.{key}[{i}]")
    for key, kind, member in (
        ("contextAgents", "contextAgent", "agent"),
        ("contextGroups", "contextGroup", "group"),
    ):
        if key in obj:
            _context_actors(obj[key], f"{path}.{key}", kind, member)
    if "extensions" in obj:
        _extensions(obj["extensions"], f"{path}.extensions")


def _context_actors(value: Any, path: str, kind: str, member: str) -> None:
    """xAPI 2.0: contextAgents / contextGroups, each {objectType, agent|group, relevantTypes}."""
    if not isinstance(value, list):
        raise _fail(path, "must be a list")
    for i, entry in enumerate(value):
        here = f"{path}[{i}]"
        obj = _object(entry, here, {"objectType", member, "relevantTypes"})
        if obj.get("objectType") != kind:
            raise _fail(f"{here}.objectType", f"must be {kind!r}")
        if member not in obj:
            raise _fail(f"{here}.{member}", "is required")
        if member == "group" and (
            not isinstance(obj[member], dict) or obj[member].get("objectType") != "Group"
        ):
            raise _fail(f"{here}.group", "must be a Group")
        _agent(obj[member], f"{here}.{member}", group_allowed=member == "group")
        if "relevantTypes" in obj:
            types = obj["relevantTypes"]
            if not isinstance(types, list) or not types:
                raise _fail(f"{here}.relevantTypes", "must be a non-empty list of IRIs")
            for j, iri in enumerate(types):
                _iri(iri, f"{here}.relevantTypes[{j}]")


def _attachments(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise _fail(path, "must be a list")
    keys = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
    for i, att in enumerate(value):
        a = _object(att, f"{path}[{i}]", keys)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in a:
                raise _fail(f"{path}[{i}].{key}", "is required")
        _iri(a["usageType"], f"{path}[{i}].usageType")
        _language_map(a["display"], f"{path}[{i}].display")
        if "description" in a:
            _language_map(a["description"], f"{path}[{i}].description")
        _string(a["contentType"], f"{path}[{i}].contentType")
        if isinstance(a["length"], bool) or not isinstance(a["length"], int) or a["length"] < 0:
            raise _fail(f"{path}[{i}].length", "must be a whole number of bytes")
        _string(a["sha2"], f"{path}[{i}].sha2")
        if "fileUrl" in a:
            _iri(a["fileUrl"], f"{path}[{i}].fileUrl")


def _authority(value: Any, path: str) -> None:
    """An Agent, or (OAuth) an anonymous Group of exactly two Agents: the application and user."""
    _agent(value, path)
    if value.get("objectType") == "Group":
        if any(k in value for k in _IFIS):
            raise _fail(path, "an authority Group must be anonymous (OAuth: application and user)")
        if len(value.get("member", [])) != 2:
            raise _fail(f"{path}.member", "an authority Group has exactly two members")


def _parts(statement: Mapping[str, Any], path: str, *, sub: bool) -> None:
    for key in ("actor", "verb", "object"):
        if key not in statement:
            raise _fail(f"{path}.{key}", "is required")
    _agent(statement["actor"], f"{path}.actor")
    verb = _verb(statement["verb"], f"{path}.verb")
    kind = _statement_object(statement["object"], f"{path}.object", in_substatement=sub)
    if verb == "http://adlnet.gov/expapi/verbs/voided" and kind != "StatementRef":
        raise _fail(f"{path}.object", "a voiding statement's object must be a StatementRef")
    if "result" in statement:
        _result(statement["result"], f"{path}.result")
    if "context" in statement:
        _context(statement["context"], f"{path}.context", kind)
    if "timestamp" in statement:
        _timestamp(statement["timestamp"], f"{path}.timestamp")
    if "attachments" in statement:
        _attachments(statement["attachments"], f"{path}.attachments")


def validate_statement(statement: Any, path: str = "statement") -> None:
    """Raise ``InvalidStatement`` naming the first field that breaks the specification."""
    obj = _object(statement, path, _STATEMENT_KEYS)
    if "id" in obj:
        _uuid(obj["id"], f"{path}.id")
    if "version" in obj and not _VERSION.match(_string(obj["version"], f"{path}.version")):
        raise _fail(f"{path}.version", "must be 1.0.x or 2.0.x")
    if "stored" in obj:
        _timestamp(obj["stored"], f"{path}.stored")
    if "authority" in obj:
        _authority(obj["authority"], f"{path}.authority")
    _parts(obj, path, sub=False)


def validate_agent(agent: Any, path: str = "agent") -> None:
    """Raise ``InvalidStatement`` unless ``agent`` is a valid Agent or Group."""
    _agent(agent, path)


def _listed(part: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(part)
    context = out.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    if isinstance(activities, dict) and not all(isinstance(v, list) for v in activities.values()):
        listed = {k: v if isinstance(v, list) else [v] for k, v in activities.items()}
        out["context"] = {**context, "contextActivities": listed}  # type: ignore[dict-item]
    return out


def normalised(statement: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with every contextActivities value as a list, a SubStatement's too (the LRS
    returns arrays even for one activity, and a single activity equals a list of it). Only what
    changes is copied: the statement given is left as it was."""
    out = _listed(statement)
    sub = out.get("object")
    if isinstance(sub, dict) and sub.get("objectType") == "SubStatement":
        out["object"] = _listed(sub)
    return out


_SECOND_FRACTION = re.compile(r"(\.\d{2})\d+S$")


def compared_durations(statement: Mapping[str, Any]) -> dict[str, Any]:
    """A copy whose result durations (the statement's and a SubStatement's) keep at most two
    decimals of seconds: xAPI compares durations, and statements holding them, to 0.01 s."""

    def truncated(part: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(part)
        result = out.get("result")
        if isinstance(result, dict) and isinstance(result.get("duration"), str):
            out["result"] = {**result, "duration": _SECOND_FRACTION.sub(r"\1S", result["duration"])}
        return out

    out = truncated(statement)
    if isinstance(out.get("object"), dict):
        out["object"] = truncated(out["object"])
    return out


def identifier_kind(agent: Mapping[str, Any]) -> str:
    """Which inverse functional identifier an Agent has (mbox, mbox_sha1sum, openid or account),
    the first in that order when it has several, as ``agent_key`` reads it."""
    return next(kind for kind in _IFIS if kind in agent)


def agent_key(agent: Mapping[str, Any]) -> str:
    """The canonical key of an Agent or identified Group (its inverse functional identifier)."""
    if "mbox" in agent:
        return f"mbox:{agent['mbox'].lower()}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent:
        return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
    raise ValueError("an anonymous Group has no key")
