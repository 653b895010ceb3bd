"""xAPI documents: State, Activity Profile and Agent Profile, with ETag concurrency.

- PUT stores (replaces) a document; POST merges JSON objects one level deep (and stores when
  there is nothing to merge with); both need a JSON body for a merge, or the request is a 400.
- ``If-Match`` must name the stored document's ETag and ``If-None-Match: *`` says none may
  exist; otherwise 412 Precondition Failed. A profile PUT with neither header onto an existing
  document is a 409 Conflict, and onto no document a 400 (xAPI 1.0.3, Communication 3.1, as
  ADL's conformance suite checks it): the client must say what it saw.
- Every change is one transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from learnloop.exceptions import Conflict, InvalidInput, LearnloopError, NotFound, PermissionDenied
from learnloop.services.lrs import LrsCaller
from learnloop.storage import Database
from learnloop.storage.tables import XapiDocument

__all__ = [
    "DocumentScope",
    "PreconditionFailed",
    "StoredDocument",
    "delete_documents",
    "get_document",
    "list_document_ids",
    "write_document",
]


class PreconditionFailed(LearnloopError):
    """If-Match or If-None-Match did not hold (412)."""


@dataclass(frozen=True, slots=True)
class DocumentScope:
    kind: str  # state | activity_profile | agent_profile
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""


@dataclass(frozen=True, slots=True)
class StoredDocument:
    content: bytes
    content_type: str
    etag: str
    updated: datetime


def _where(scope: DocumentScope) -> list[Any]:
    return [
        XapiDocument.kind == scope.kind,
        XapiDocument.activity_id == scope.activity_id,
        XapiDocument.agent_key == scope.agent_key,
        XapiDocument.registration == scope.registration,
    ]


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _check(row: XapiDocument | None, if_match: str | None, if_none_match: str | None) -> None:
    if if_match is not None:
        tags = {t.strip().strip('"') for t in if_match.split(",")}
        if row is None or ("*" not in tags and row.etag not in tags):
            raise PreconditionFailed("If-Match does not name the stored document")
    if if_none_match is not None and row is not None:
        tags = {t.strip().strip('"') for t in if_none_match.split(",")}
        if "*" in tags or row.etag in tags:
            raise PreconditionFailed("If-None-Match: the document exists")


def write_document(
    db: Database,
    caller: LrsCaller,
    scope: DocumentScope,
    doc_id: str,
    content: bytes,
    content_type: str,
    *,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    now: datetime | None = None,
    blind_state_put_conflicts: bool = False,
) -> None:
    """Store a document (PUT replaces, POST merges JSON objects). ``blind_state_put_conflicts``:
    xAPI 2.0 extends to State what 1.0.3 asked of profiles only: a PUT that sends neither
    If-Match nor If-None-Match onto an existing document is a 409."""
    if not caller.can_write:
        raise PermissionDenied("these LRS credentials are read-only")
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        row = s.scalar(select(XapiDocument).where(*_where(scope), XapiDocument.doc_id == doc_id))
        _check(row, if_match, if_none_match)
        if not merge and scope.kind != "state" and if_match is None and if_none_match is None:
            # A profile PUT must say what the client saw (ADL's suite reads 1.0.3 this way).
            if row is not None:
                raise Conflict("the document exists: send If-Match with its ETag")
            raise InvalidInput("If-Match", "a profile PUT needs If-Match or If-None-Match: *")
        if (
            blind_state_put_conflicts and not merge and row is not None
            and if_match is None and if_none_match is None
        ):  # fmt: skip
            raise Conflict("the document exists: send If-Match with its ETag (xAPI 2.0)")
        if merge and row is not None:
            if not (_is_json(content_type) and _is_json(row.content_type)):
                raise InvalidInput("Content-Type", "POST merges JSON documents only")
            try:
                old, new = json.loads(row.content), json.loads(content)
            except ValueError:
                raise InvalidInput("body", "is not valid JSON") from None
            if not (isinstance(old, dict) and isinstance(new, dict)):
                raise InvalidInput("body", "POST merges JSON objects only")
            content = json.dumps({**old, **new}).encode()
        elif merge and _is_json(content_type):
            try:
                if not isinstance(json.loads(content), dict):
                    raise InvalidInput("body", "POST merges JSON objects only")
            except ValueError:
                raise InvalidInput("body", "is not valid JSON") from None
        if row is None:
            row = XapiDocument(doc_id=doc_id, **asdict(scope))
            s.add(row)
        row.content, row.content_type = content, content_type or "application/octet-stream"
        row.etag, row.updated = hashlib.sha1(content).hexdigest(), now  # noqa: S324 -- an ETag, not security


def get_document(db: Database, scope: DocumentScope, doc_id: str) -> StoredDocument:
    with db.reading() as s:
        row = s.scalar(select(XapiDocument).where(*_where(scope), XapiDocument.doc_id == doc_id))
        if row is None:
            raise NotFound(f"no document {doc_id!r}")
        return StoredDocument(row.content, row.content_type, row.etag, row.updated)


def list_document_ids(db: Database, scope: DocumentScope, since: datetime | None) -> list[str]:
    with db.reading() as s:
        query = select(XapiDocument.doc_id).where(*_where(scope))
        if since is not None:
            query = query.where(XapiDocument.updated > since)
        return list(s.scalars(query.order_by(XapiDocument.doc_id)))


def delete_documents(
    db: Database,
    caller: LrsCaller,
    scope: DocumentScope,
    doc_id: str | None,
    *,
    if_match: str | None = None,
) -> None:
    """Delete one document, or (State only, without an id) every one in the scope."""
    if not caller.can_write:
        raise PermissionDenied("these LRS credentials are read-only")
    with db.transaction() as s:
        if doc_id is None:
            s.execute(delete(XapiDocument).where(*_where(scope)))
            return
        row = s.scalar(select(XapiDocument).where(*_where(scope), XapiDocument.doc_id == doc_id))
        _check(row, if_match, None)
        if row is not None:
            s.delete(row)
