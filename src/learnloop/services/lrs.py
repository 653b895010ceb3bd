"""The Learning Record Store's state changes: client credentials, and storing statements.

A batch is all or nothing: every statement is validated before anything is written, and one
invalid statement rejects the batch with the path of the field at fault. Batches are written in
groups (``write_group``; ``statement_writer`` commits concurrent requests together), and nothing
is acknowledged before the transaction commits (SQLite runs with synchronous=FULL).
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from learnloop.adapters.xapi import (
    InvalidStatement,
    index_pairs,
    statement_keys,
    validate_statement,
)
from learnloop.adapters.xapi.attachments import AttachmentContent, match_attachments
from learnloop.adapters.xapi.learnloop_ids import VOIDED
from learnloop.adapters.xapi.statements import compared_durations, normalised
from learnloop.exceptions import (
    AuthenticationFailed,
    Conflict,
    DuplicateName,
    InvalidInput,
    LearnloopError,
    NotFound,
    PermissionDenied,
)
from learnloop.services.answer_withdrawal import withdraw_voided
from learnloop.services.audit import OPERATOR, record_event
from learnloop.services.statement_store import insert_attachments, insert_statements
from learnloop.services.xapi_feed import feed_learner_model
from learnloop.storage import Database
from learnloop.storage.statement_lookup import statements_by_id
from learnloop.storage.tables import LrsClient, XapiStatement

__all__ = [
    "VOIDED",
    "ClientCredentials",
    "LrsCaller",
    "PreparedBatch",
    "authenticate_client",
    "create_client",
    "prepare_statements",
    "revoke_client",
    "store_statements",
    "stored_instant",
    "write_group",
]

# Properties that do not make two statements with the same id different (xAPI 1.0.3, Statement
# comparison): what the LRS itself sets or may normalise.
_IGNORED_IN_COMPARISON = ("authority", "stored", "version", "id", "timestamp")


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    name: str
    key: str
    secret: str  # shown once; only its hash is stored
    can_write: bool


@dataclass(frozen=True, slots=True)
class LrsCaller:
    client_id: int
    name: str
    can_write: bool


def create_client(
    db: Database,
    hasher: PasswordHasher,
    *,
    name: str,
    can_write: bool,
    now: datetime | None = None,
    actor: str = OPERATOR,
) -> ClientCredentials:
    if not name.strip() or len(name) > 120:
        raise InvalidInput("name", "give a name of 1 to 120 characters")
    key, secret = secrets.token_hex(10), secrets.token_urlsafe(24)
    with db.transaction() as s:
        if s.scalar(select(LrsClient.id).where(LrsClient.name == name)) is not None:
            raise DuplicateName("name", f"an LRS client named {name!r} exists")
        now = now or datetime.now(UTC)
        s.add(
            LrsClient(
                name=name, key=key, secret_hash=hasher.hash(secret), can_write=can_write,
                created_at=now, revoked_at=None,
            )
        )  # fmt: skip
        record_event(
            s, actor=actor, action="lrs_client.created", subject=name, now=now,
            details={"can_write": can_write},
        )  # fmt: skip
    return ClientCredentials(name, key, secret, can_write)


def revoke_client(
    db: Database, *, name: str, now: datetime | None = None, actor: str = OPERATOR
) -> None:
    with db.transaction() as s:
        client = s.scalar(select(LrsClient).where(LrsClient.name == name))
        if client is None:
            raise NotFound(f"no LRS client named {name!r}")
        if client.revoked_at is None:
            client.revoked_at = now or datetime.now(UTC)
            record_event(
                s, actor=actor, action="lrs_client.revoked", subject=name, now=client.revoked_at
            )


def authenticate_client(db: Database, hasher: PasswordHasher, key: str, secret: str) -> LrsCaller:
    with db.reading() as s:
        client = s.scalar(select(LrsClient).where(LrsClient.key == key))
        if client is None or client.revoked_at is not None:
            raise AuthenticationFailed("unknown or revoked LRS credentials")
        try:
            hasher.verify(client.secret_hash, secret)
        except VerificationError:
            raise AuthenticationFailed("unknown or revoked LRS credentials") from None
        return LrsCaller(client.id, client.name, client.can_write)


def _comparable(statement: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in compared_durations(statement).items() if k not in _IGNORED_IN_COMPARISON},
        sort_keys=True,
    )


def _authority(caller: LrsCaller, base_url: str) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": caller.name,
        "account": {"homePage": base_url, "name": f"lrs-client:{caller.name}"},
    }


def _drawn_ids(n: int) -> Iterator[str]:
    """``n`` random (version 4) UUIDs from one read of the system's random source: one system
    call a batch, not one a statement (each call releases the GIL, and the request thread then
    queued behind the writer thread for it: 23% of its time with batches of 100, profiled)."""
    pool = os.urandom(16 * n)
    for i in range(n):
        yield str(uuid.UUID(bytes=pool[16 * i : 16 * i + 16], version=4))


def _prepare(
    raw: Any, path: str, caller: LrsCaller, base_url: str, version: str, drawn: Iterator[str]
) -> dict[str, Any]:
    try:
        validate_statement(raw, path)
    except InvalidStatement as exc:
        raise InvalidInput(exc.path, exc.message) from None
    except (TypeError, AttributeError, KeyError) as exc:  # a shape no rule foresaw: still a 400
        raise InvalidInput(path, f"is malformed ({exc})") from None
    statement = normalised(raw)
    statement["id"] = str(uuid.UUID(statement["id"])) if "id" in statement else next(drawn)
    statement["authority"] = _authority(caller, base_url)
    statement.setdefault("version", version)
    return statement


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """A request's statements, validated and completed but for "stored": ready to write, with
    the attachment contents the request carried."""

    client_id: int
    statements: list[dict[str, Any]]
    attachments: list[AttachmentContent] = field(default_factory=list)
    # The ids the client chose (or PUT named); the others are random UUIDs the LRS drew, which
    # no stored statement can already hold, so the write looks up only these.
    chosen_ids: list[str] = field(default_factory=list)
    # Each statement's own index keys (``index_pairs``), worked out here rather than while the
    # writer holds the database's one write lock.
    keys: list[list[tuple[str, str]]] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [st["id"] for st in self.statements]


def prepare_statements(
    caller: LrsCaller,
    statements: list[Any],
    *,
    base_url: str,
    version: str = "1.0.0",
    put_id: str | None = None,
    contents: dict[str, AttachmentContent] | None = None,
) -> PreparedBatch:
    """Validate a batch (or, with ``put_id``, one statement to store under that id) and complete
    it (ids, authority, version). ``contents``: the attachment parts of a multipart request, by
    SHA-2; every attachment without a fileUrl must be among them and each of them must be an
    attachment of the batch. Nothing is read or written: an invalid batch costs no lock."""
    if not caller.can_write:
        raise PermissionDenied("these LRS credentials are read-only")
    if not statements:
        raise InvalidInput("statements", "send a statement or a non-empty list of statements")
    if put_id is not None:
        try:
            put_id = str(uuid.UUID(put_id))
        except ValueError:
            raise InvalidInput("statementId", "is not a UUID") from None
    single = put_id is not None or len(statements) == 1
    paths = ["statement" if single else f"statements[{i}]" for i in range(len(statements))]
    drawn = _drawn_ids(sum(1 for raw in statements if not (isinstance(raw, dict) and "id" in raw)))
    prepared = [
        _prepare(raw, path, caller, base_url, version, drawn)
        for raw, path in zip(statements, paths, strict=True)
    ]
    try:
        attachments = match_attachments(statements, paths, contents or {})
    except InvalidStatement as exc:
        raise InvalidInput(exc.path, exc.message) from None
    if put_id is not None:
        if prepared[0]["id"] != put_id and "id" in statements[0]:
            raise InvalidInput("statementId", "differs from the statement's own id")
        prepared[0]["id"] = put_id
    chosen = [
        st["id"] for raw, st in zip(statements, prepared, strict=True) if put_id or "id" in raw
    ]
    keys = [index_pairs(statement_keys(st)) for st in prepared]
    batch = PreparedBatch(caller.client_id, prepared, attachments, chosen, keys)
    if len(set(batch.ids)) != len(prepared):
        raise InvalidInput("statements", "the batch holds two statements with the same id")
    return batch


def stored_instant(now: datetime | None = None) -> datetime:
    """The "stored" time of what is written now, kept to the millisecond as the statement shows
    it, so that since/until given as a statement's own "stored" select it exactly."""
    now = now or datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def write_group(
    s: Session, batches: Sequence[PreparedBatch], *, base_url: str, now: datetime
) -> list[list[str] | LearnloopError]:
    """Write prepared batches in the caller's transaction: for each batch, its ids or the error
    that rejects it whole (409 for an id stored with other content, 400 for voiding a voiding
    statement), in which case nothing of that batch is written and the others are.

    The whole group costs a handful of queries (ids already stored and voided targets, the
    inserts, the voiding update) whatever its size: the checks run in Python on what they
    return. A statement already stored with the same content is not stored again. Only ids the
    clients chose are looked up (``storage.statement_lookup``): one the LRS drew (122 random
    bits) is new."""
    ids = [i for batch in batches for i in batch.chosen_ids]
    targets = [st["object"]["id"] for b in batches for st in b.statements if _refers(st)]
    stored_before = statements_by_id(s, ids + targets)
    known = {i: row.statement for i, row in stored_before.items()}
    results: list[list[str] | LearnloopError] = []
    fresh: list[dict[str, Any]] = []
    voided: dict[str, str] = {}  # target id -> the id of the statement voiding it
    stored = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    for batch in batches:
        try:
            mine = _check(batch, known)
        except LearnloopError as exc:
            results.append(exc)
            continue
        for st in mine:
            st["stored"] = stored
            st.setdefault("timestamp", stored)
            known[st["id"]] = st
            if _voids(st):
                voided[st["object"]["id"]] = st["id"]
        fresh.extend(mine)
        results.append(batch.ids)
    client_of = {st["id"]: b.client_id for b in batches for st in b.statements}
    keys_of = {st["id"]: k for b in batches for st, k in zip(b.statements, b.keys, strict=True)}
    seq_of = insert_statements(
        s, fresh, client_ids=[client_of[st["id"]] for st in fresh], now=now, targets=known,
        own_keys=[keys_of[st["id"]] for st in fresh],
    )  # fmt: skip
    written = [b for b, r in zip(batches, results, strict=True) if not isinstance(r, Exception)]
    insert_attachments(s, [a for b in written for a in b.attachments], now=now)
    if voided:
        # A voided target is stored, or written above; voiding an id never stored voids nothing.
        seqs = [stored_before[i].seq if i in stored_before else seq_of.get(i) for i in voided]
        s.execute(
            update(XapiStatement)
            .where(XapiStatement.seq.in_([q for q in seqs if q is not None]))
            .values(voided=True)
        )
    for st in fresh:
        feed_learner_model(s, st, public_url=base_url, now=now)
    # answers that came from the statements voided here stop counting (after the feed: a
    # statement and its voiding may come in one batch)
    withdraw_voided(s, voided, now=now)
    return results


def _refers(st: dict[str, Any]) -> bool:
    return bool(st["object"].get("objectType") == "StatementRef")


def _voids(st: dict[str, Any]) -> bool:
    return bool(st["verb"]["id"] == VOIDED)


def _check(batch: PreparedBatch, known: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The statements of ``batch`` to insert, or the error that rejects it."""
    mine: list[dict[str, Any]] = []
    for st in batch.statements:
        old = known.get(st["id"])
        if old is not None:
            if _comparable(old) != _comparable(st):
                raise Conflict(f"statement {st['id']} is already stored with other content")
            continue
        if _voids(st):
            target = known.get(st["object"]["id"]) or next(
                (m for m in mine if m["id"] == st["object"]["id"]), None
            )
            if target is not None and _voids(target):
                raise InvalidInput("statement.object.id", "a voiding statement cannot be voided")
        mine.append(st)
    return mine


def store_statements(
    db: Database,
    caller: LrsCaller,
    statements: list[Any],
    *,
    base_url: str,
    version: str = "1.0.0",
    put_id: str | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Validate and store one batch in a transaction of its own; the ids, in order. (The web
    LRS goes through ``StatementWriter``, which commits concurrent batches together.)"""
    batch = prepare_statements(caller, statements, base_url=base_url, version=version,
                               put_id=put_id)  # fmt: skip
    with db.transaction() as s:
        (result,) = write_group(s, [batch], base_url=base_url, now=stored_instant(now))
        if isinstance(result, LearnloopError):
            raise result
        return result
