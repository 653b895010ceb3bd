"""The other names an account goes by in xAPI, linked by an administrator.

Content hosted elsewhere names learners its own way: H5P in a school's site by the e-mail address
or the site's own account, a simulation by an OpenID. Linking such an identifier to a learnloop
account (an admin on ``/admin/identities`` or the API, an operator with ``learnloop
xapi-identity``, a CSV of them, or a OneRoster export's addresses) makes the statements that name it
count as the account's: they feed the learner model (services.xapi_feed), they are in the
person's export and go with their account (services.erasure), and ``GET /xapi/agents`` gathers
every name into one Person. Without a link nothing is guessed: an e-mail address a learner
typed for reminders, say, is not an identity.

An identifier names one account at most. Linking an e-mail address links its SHA-1 as well
(``mbox_sha1sum``, which content sends to keep the address private), and unlinking the address
unlinks it. learnloop's own account form (its public URL and a username) is every account's
already, and is refused. The audit trail records each link and unlink with the kind of
identifier, never its value: the trail outlives the account, and the address would be data
about the person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.statements import (
    InvalidStatement,
    agent_key,
    identifier_kind,
    validate_agent,
)
from learnloop.content.identity_csv import IdentityRow
from learnloop.domain import Role, Viewer
from learnloop.exceptions import ContentError, ContentIssue, InvalidInput, NotFound
from learnloop.services.audit import OPERATOR, record_event
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import User, XapiIdentity

__all__ = [
    "IdentityImport",
    "identity_agent",
    "import_identities",
    "link_identity",
    "link_rows",
    "unlink_identity",
]

_SINGLE = ("mbox", "mbox_sha1sum", "openid")
_ONE_OF = "give one identifier: mbox, mbox_sha1sum, openid, or account_homePage with account_name"


def identity_agent(fields: Mapping[str, str]) -> dict[str, Any]:
    """The Agent that one identifier makes (xAPI's field names; ``account_homePage`` and
    ``account_name`` for an account); InvalidInput names the field at fault. An e-mail
    address may come without ``mailto:``, and addresses and SHA-1s are compared in lower case."""
    given = {k: v.strip() for k, v in fields.items() if v and v.strip()}
    kinds = [k for k in _SINGLE if k in given]
    if "account_homePage" in given or "account_name" in given:
        kinds.append("account")
    if len(kinds) != 1:
        raise InvalidInput("identifier", _ONE_OF)
    kind = kinds[0]
    agent: dict[str, Any] = {"objectType": "Agent"}
    if kind == "mbox":
        address = given["mbox"].lower()
        agent["mbox"] = address if address.startswith("mailto:") else f"mailto:{address}"
    elif kind == "mbox_sha1sum":
        agent["mbox_sha1sum"] = given["mbox_sha1sum"].lower()
    elif kind == "openid":
        agent["openid"] = given["openid"]
    else:
        for part in ("account_homePage", "account_name"):
            if part not in given:
                raise InvalidInput(part, "is required for an account")
        agent["account"] = {"homePage": given["account_homePage"], "name": given["account_name"]}
    try:
        validate_agent(agent, "identity")
    except InvalidStatement as exc:
        field = exc.path.removeprefix("identity.").replace("account.", "account_")
        raise InvalidInput(field, exc.message) from None
    return agent


def _sha1_of(agent: Mapping[str, Any]) -> dict[str, Any] | None:
    if "mbox" not in agent:
        return None
    # xAPI defines mbox_sha1sum as the SHA-1 of the mailto IRI: a name, not a security measure
    digest = hashlib.sha1(agent["mbox"].encode(), usedforsecurity=False).hexdigest()
    return {"objectType": "Agent", "mbox_sha1sum": digest}


def _link(s: Session, user: User, agent: dict[str, Any], *, public_url: str, now: datetime) -> bool:
    """Link in the caller's transaction; False when it was linked to ``user`` already."""
    home = (agent.get("account") or {}).get("homePage", "")
    if home and home.rstrip("/") == public_url.rstrip("/"):
        raise InvalidInput(
            "account_homePage",
            "is learnloop's own: every account already goes by its username there",
        )
    links: list[tuple[dict[str, Any], str | None]] = [(agent, None)]
    derived = _sha1_of(agent)
    if derived is not None:  # an address brings its SHA-1, which goes when the address goes
        links.append((derived, agent_key(agent)))
    added = False
    for one, derived_from in links:
        key = agent_key(one)
        owner = s.get(XapiIdentity, key)
        if owner is not None and owner.user_id != user.id:
            other = s.get(User, owner.user_id)
            raise InvalidInput(
                identifier_kind(one), "already names the account %(other)s",
                other=repr(other.username if other else "?"),
            )  # fmt: skip
        if owner is None:
            s.add(XapiIdentity(
                key=key, user_id=user.id, agent=one, derived_from=derived_from, created_at=now,
            ))  # fmt: skip
            s.flush()
            added = True
    return added


def _user(s: Session, username: str) -> User:
    if not username.strip():
        raise InvalidInput("username", "name the account")
    user = s.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFound("no account named %(username)s", username=repr(username))
    return user


def _actor(viewer: Viewer | None) -> str:
    """Who acts: an admin on the pages or the API (refused for anyone else), else the operator."""
    if viewer is None:
        return OPERATOR
    require_role(viewer, Role.ADMIN)
    return viewer.username


def link_identity(
    db: Database,
    *,
    username: str,
    fields: Mapping[str, str],
    public_url: str,
    viewer: Viewer | None = None,
    now: datetime | None = None,
) -> bool:
    """Link one identifier to ``username``'s account; False if it was linked already.
    ``viewer``: the admin doing it on a page or the API (None: the operator, on the command line)."""
    actor = _actor(viewer)
    agent = identity_agent(fields)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        user = _user(s, username)
        added = _link(s, user, agent, public_url=public_url, now=now)
        if added:
            record_event(
                s, actor=actor, action="xapi_identity.linked", subject=user.username, now=now,
                details={"kind": identifier_kind(agent)},
            )  # fmt: skip
    return added


@dataclass(frozen=True, slots=True)
class IdentityImport:
    linked: int  # identifiers newly linked
    kept: int  # lines whose identifier was linked to that account already


def link_rows(
    s: Session, rows: list[IdentityRow], *, source: str, public_url: str, now: datetime
) -> tuple[IdentityImport, list[ContentIssue]]:
    """Link every line's identifier in the caller's transaction; the lines that cannot be
    linked come back as issues (``source`` and line), each leaving nothing of itself behind.
    The caller rolls back when there are any."""
    issues: list[ContentIssue] = []
    linked = kept = 0
    for row in rows:
        try:
            agent = identity_agent(row.fields)
            user = _user(s, row.username)
            with s.begin_nested():  # a refused line leaves nothing of itself behind
                added = _link(s, user, agent, public_url=public_url, now=now)
        except (InvalidInput, NotFound) as exc:
            issues.append(ContentIssue(source, row.line, str(exc)))
            continue
        linked, kept = linked + added, kept + (not added)
    return IdentityImport(linked, kept), issues


def import_identities(
    db: Database,
    rows: list[IdentityRow],
    *,
    source: str,
    public_url: str,
    actor: str = OPERATOR,
    now: datetime | None = None,
) -> IdentityImport:
    """Link every line's identifier in one transaction; ContentError lists every line that
    cannot be linked (file and line), and then nothing changes."""
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        result, issues = link_rows(s, rows, source=source, public_url=public_url, now=now)
        if issues:
            raise ContentError(issues)
        record_event(
            s, actor=actor, action="xapi_identity.imported", subject=source[:200], now=now,
            details={"linked": result.linked, "kept": result.kept},
        )  # fmt: skip
    return result


def unlink_identity(
    db: Database,
    *,
    username: str,
    fields: Mapping[str, str],
    viewer: Viewer | None = None,
    now: datetime | None = None,
) -> None:
    """Unlink one identifier from ``username``'s account (with the SHA-1 its address brought).
    The statements already counted stay counted: they were the person's when they came."""
    actor = _actor(viewer)
    agent = identity_agent(fields)
    key = agent_key(agent)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        user = _user(s, username)
        found = s.get(XapiIdentity, key)
        if found is None or found.user_id != user.id:
            raise InvalidInput(
                identifier_kind(agent), "is not linked to %(u)s", u=repr(user.username)
            )
        if found.derived_from is not None:
            raise InvalidInput(identifier_kind(agent), (
                "came with the e-mail address linked to this account: unlink the address"
            ))  # fmt: skip
        s.execute(delete(XapiIdentity).where(XapiIdentity.derived_from == key))
        s.delete(found)
        record_event(
            s, actor=actor, action="xapi_identity.unlinked", subject=user.username, now=now,
            details={"kind": identifier_kind(agent)},
        )  # fmt: skip
