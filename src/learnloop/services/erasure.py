"""Deleting an account and everything learnloop keeps about the person, in one transaction.

What goes is what ``reports.learner_export`` gives the person to download, found the same way
(from the schema, so that a table added later is covered): their rows in every table with a
foreign key to ``users.id``, the xAPI statements that name their learner agent or an identity
linked to it (services.xapi_identities) anywhere (with the statements' index keys, and attachment
contents no remaining statement refers to), the xAPI documents stored for those agents, their failed logins, and the account itself. Aggregates stay:
a course's fitted learner-model parameters are not data about one person. A statement that
voided or referred to a deleted one keeps only that statement's id. Copies of the deleted
statements already sent to other LRSs are voided there by the next forwarding run
(services.xapi_forward_voids): xAPI has no deletion.

An administrator deletes any account but their own (another administrator can), the username
typed twice; a learner deletes their own, with their username typed again and their password
(``delete_own_account``). The deletion cannot be undone. The audit trail keeps who deleted which
username, and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Text, cast, delete, func, select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.learnloop_ids import learner_agent
from learnloop.adapters.xapi.statements import agent_key
from learnloop.domain import Role, Viewer
from learnloop.exceptions import AuthenticationFailed, InvalidInput, NotFound
from learnloop.services.accounts import authenticate
from learnloop.services.audit import record_event
from learnloop.services.login_limits import LoginLimits
from learnloop.services.statement_index import file_queued_keys
from learnloop.services.xapi_forward_voids import queue_voids
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.personal_data import person_keys, statements_naming, user_rows
from learnloop.storage.tables import (
    LoginFailure,
    User,
    XapiAttachment,
    XapiDocument,
    XapiStatement,
    XapiStatementId,
    XapiStatementKey,
)

__all__ = ["Erasure", "delete_account", "delete_own_account"]

_CHUNK = 500  # ids per IN (...): within every database's parameter limit


@dataclass(frozen=True)
class Erasure:
    username: str
    rows: dict[str, int]  # table -> rows deleted
    voids: int = 0  # copies in other LRSs to void (services.xapi_forward_voids)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _unreferenced(s: Session, digests: set[str]) -> list[str]:
    """The digests among ``digests`` that no stored statement mentions any more (a scan of the
    statements holding the digest's text: rare, and only when attachments were deleted)."""
    return [
        sha2
        for sha2 in sorted(digests)
        if not s.scalar(
            select(func.count())
            .select_from(XapiStatement)
            .where(cast(XapiStatement.statement, Text).contains(sha2))
        )
    ]


def _deleted(s: Session, table: Any, where: Any) -> int:
    """Delete the rows of ``table`` matching ``where``; how many went."""
    return int(s.execute(delete(table).where(where)).rowcount or 0)  # type: ignore[attr-defined]


def _delete_in(s: Session, table: Any, column: Any, values: list[Any]) -> int:
    return sum(
        _deleted(s, table, column.in_(values[start : start + _CHUNK]))
        for start in range(0, len(values), _CHUNK)
    )


def delete_account(
    db: Database,
    viewer: Viewer,
    *,
    username: str,
    confirm: str,
    public_url: str,
    now: datetime | None = None,
) -> Erasure:
    """Delete ``username``'s account and everything about them; the audit trail records who did
    it, when, and how many rows went (services.audit)."""
    require_role(viewer, Role.ADMIN)
    username = username.strip()
    if not username:
        raise InvalidInput("username", "name the account to delete")
    if confirm.strip() != username:
        raise InvalidInput("confirm", "type the username a second time to confirm")
    if username == viewer.username:
        raise InvalidInput("username", "you cannot delete your own account; another admin can")
    with db.transaction() as s:
        user_id = s.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            raise NotFound("no account named %(username)s", username=repr(username))
        when = now or datetime.now(UTC)
        rows, voids = _erase(s, user_id, username, public_url, when)
        record_event(
            s, actor=viewer.username, action="account.deleted", subject=username, now=when,
            details={"rows": rows, **({"copies_to_void": voids} if voids else {})},
        )  # fmt: skip
    return Erasure(username, rows, voids)


def delete_own_account(
    db: Database,
    hasher: PasswordHasher,
    viewer: Viewer,
    *,
    password: str,
    confirm: str,
    public_url: str,
    address: str = "",
    limits: LoginLimits | None = None,
    now: datetime | None = None,
) -> Erasure:
    """A learner deletes their own account and everything about them: their username typed again
    and their password, checked as a login is (it counts towards the login limits, so that a
    stolen session cannot guess it). Educators and administrators ask an administrator: their
    accounts carry classes and other people's records. The audit trail records that the person
    did it themselves."""
    require_role(viewer, Role.LEARNER)
    if confirm.strip() != viewer.username:
        raise InvalidInput("confirm", "type your username to confirm")
    if not password:
        raise InvalidInput("password", "type your password")
    try:
        authenticate(db, hasher, viewer.username, password, address=address, limits=limits)
    except AuthenticationFailed:
        raise InvalidInput("password", "that is not your password") from None
    with db.transaction() as s:
        if s.get(User, viewer.user_id) is None:
            raise NotFound("no account named %(username)s", username=repr(viewer.username))
        when = now or datetime.now(UTC)
        rows, voids = _erase(s, viewer.user_id, viewer.username, public_url, when)
        record_event(
            s, actor=viewer.username, action="account.deleted", subject=viewer.username, now=when,
            details={"rows": rows, "by": "the account's owner",
                     **({"copies_to_void": voids} if voids else {})},
        )  # fmt: skip
    return Erasure(viewer.username, rows, voids)


def _erase(
    s: Session, user_id: int, username: str, public_url: str, now: datetime
) -> tuple[dict[str, int], int]:
    """Delete the account and every row about the person, in the caller's transaction; the rows
    deleted, by table, and how many copies in other LRSs wait to be voided."""
    key = agent_key(learner_agent(public_url, username))
    rows: dict[str, int] = {}
    file_queued_keys(s)  # the statements naming them are found by their filed keys
    keys = person_keys(s, user_id, key)  # their learnloop account and any linked identity
    named = statements_naming(s, keys)
    seqs = [seq for seq, _ in named]
    digests = {
        a["sha2"] for _, st in named for a in st.get("attachments", []) if isinstance(a, dict)
    }
    voids = queue_voids(s, named, now, base=public_url)  # copies sent to other LRSs
    rows["xapi_statement_keys"] = _delete_in(s, XapiStatementKey, XapiStatementKey.seq, seqs)
    rows["xapi_statement_keys"] += _deleted(s, XapiStatementKey, XapiStatementKey.key.in_(keys))
    rows["xapi_statement_ids"] = _delete_in(s, XapiStatementId, XapiStatementId.seq, seqs)
    rows["xapi_statements"] = _delete_in(s, XapiStatement, XapiStatement.seq, seqs)
    rows["xapi_attachments"] = _delete_in(
        s, XapiAttachment, XapiAttachment.sha2, _unreferenced(s, digests)
    )
    rows["xapi_documents"] = _deleted(s, XapiDocument, XapiDocument.agent_key.in_(keys))
    rows["login_failures"] = _deleted(
        s,
        LoginFailure,
        LoginFailure.username.in_([username, f"#{user_id}"]),  # #: second step
    )
    # children before parents (mastery events before the attempts they refer to)
    for name, (table, where) in reversed(list(user_rows(user_id).items())):
        rows[name] = _deleted(s, table, where)
    rows["users"] = _deleted(s, User, User.id == user_id)
    return rows, voids
