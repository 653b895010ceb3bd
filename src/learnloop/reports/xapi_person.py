"""The Agents resource's Person: every name the LRS knows for the person an Agent names.

An Agent that names a learnloop account (its learnloop account, or an identity an administrator
linked to it: services.xapi_identities) gives the account's Person: its display name and, under
each identifier kind, every identifier linked, the learnloop account first. Any other Agent
gives a Person of its own identifiers and name, which is all the LRS can know of it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from learnloop.adapters.xapi.learnloop_ids import learner_agent, lookup_names
from learnloop.adapters.xapi.statements import identifier_kind
from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.personal_data import account_named, identities_of
from learnloop.storage.tables import User

__all__ = ["linked_identities", "person_object"]

_KINDS = ("name", "mbox", "mbox_sha1sum", "openid", "account")


def _gathered(agents: list[dict[str, Any]]) -> dict[str, Any]:
    person: dict[str, Any] = {"objectType": "Person"}
    for kind in _KINDS:
        values: list[Any] = []
        for agent in agents:
            if kind in agent and agent[kind] not in values:
                values.append(agent[kind])
        if values:
            person[kind] = values
    return person


def person_object(db: Database, agent: dict[str, Any], *, public_url: str) -> dict[str, Any]:
    """The Person for a valid Agent (``GET /xapi/agents``)."""
    with db.reading() as s:
        user = account_named(s, *lookup_names(public_url, agent))
        if user is None:
            return _gathered([agent])
        own = learner_agent(public_url, user.username, user.display_name)
        linked = [identity.agent for identity in identities_of(s, user.id)]
        return _gathered([own, *linked, agent])


def linked_identities(
    db: Database, username: str, viewer: Viewer | None = None
) -> list[dict[str, Any]]:
    """The identities linked to ``username``'s account, oldest first: each one's agent, its
    kind (``adapters.xapi.identifier_kind``), and the key of the address it was worked out from
    (or None). ``viewer``: the admin asking on a
    page or the API (None: the operator, on the command line)."""
    if viewer is not None:
        require_role(viewer, Role.ADMIN)
    if not username.strip():
        raise InvalidInput("username", "name the account")
    with db.reading() as s:
        user_id = s.scalar(select(User.id).where(User.username == username.strip()))
        if user_id is None:
            raise NotFound("no account named %(username)s", username=repr(username))
        return [
            {
                "agent": identity.agent,
                "kind": identifier_kind(identity.agent),
                "derived_from": identity.derived_from,
            }
            for identity in identities_of(s, user_id)
        ]
