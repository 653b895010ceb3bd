"""The Learning Record Store's tables: client credentials, statements with their ids, index keys
and queue, attachments, and documents (``storage.tables`` exports them with the others)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = [
    "LrsClient",
    "XapiAttachment",
    "XapiDocument",
    "XapiIdentity",
    "XapiIndexQueue",
    "XapiStatement",
    "XapiStatementId",
    "XapiStatementKey",
]


class LrsClient(Base):
    """Credentials a system uses to send or read xAPI statements (HTTP Basic)."""

    __tablename__ = "lrs_clients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # the Basic user name
    secret_hash: Mapped[str] = mapped_column(String(255))  # argon2id of the secret
    can_write: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class XapiStatement(Base):
    """One stored statement: its JSON as stored, when, and whether it is voided. Queries find it
    through its index keys (``XapiStatementKey``) and its id (``XapiStatementId``): the id
    column has no index of its own here (see ``XapiStatementId``)."""

    __tablename__ = "xapi_statements"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # storage order, for paging
    id: Mapped[str] = mapped_column(String(36))
    stored: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("lrs_clients.id"))
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)


class XapiStatementId(Base):
    """A stored statement's id, unique. Filed with the index keys: a random UUID puts each
    insert on a randomly placed page of an index that grows with the store (on SQLite, a unique
    index on ``xapi_statements.id`` was a third of a commit's write-ahead log at 100,000
    statements), so SQLite files ids from the queue in batches, where its one writer has
    checked them first (``storage.statement_lookup``); PostgreSQL, where two processes write
    side by side, files them with the statement, and this key refuses a second copy."""

    __tablename__ = "xapi_statement_ids"
    # No foreign key (its checks on delete would want an index on seq): erasure deletes its rows.
    __table_args__ = ({"sqlite_with_rowid": False},)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)


class XapiStatementKey(Base):
    """What queries find a statement by: its actor or agent object ("who"), verb, activity
    object ("object"), registration ("reg"), every agent and activity it mentions ("agent",
    "activity", for related_agents / related_activities), and its target's keys when it refers
    to another statement (``REF_KINDS``). Filed from ``XapiIndexQueue``."""

    __tablename__ = "xapi_statement_keys"
    # One B-tree, ordered as queries read it: on SQLite without a rowid, no second index and no
    # foreign key (whose checks on delete would want one on seq); erasure deletes its rows
    # itself. Filing a key so costs one B-tree insert, not three (about half the time).
    __table_args__ = ({"sqlite_with_rowid": False},)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # see the docstring
    key: Mapped[str] = mapped_column(String(600), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class XapiIndexQueue(Base):
    """A stored statement whose id and index keys are not filed yet: the id, and the keys as a
    JSON list of [kind, key] pairs (services/statement_index.py files them in batches). The
    queue stays short (it is filed every ``INDEX_BATCH_STATEMENTS``), so an id is looked up here
    by a scan, with no index to write."""

    __tablename__ = "xapi_index_queue"
    seq: Mapped[int] = mapped_column(
        ForeignKey("xapi_statements.seq", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(36))
    keys: Mapped[str] = mapped_column(Text)


class XapiAttachment(Base):
    """The content of a statement attachment sent in the request, stored once per SHA-2 (the
    statements keep the attachment's metadata and name it by that digest)."""

    __tablename__ = "xapi_attachments"
    sha2: Mapped[str] = mapped_column(String(128), primary_key=True)  # hex, lower case
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    stored: Mapped[datetime] = mapped_column(UTCDateTime())


class XapiDocument(Base):
    """A State, Activity Profile or Agent Profile document (empty strings for unused scopes, so
    that the unique constraint holds on every database)."""

    __tablename__ = "xapi_documents"
    __table_args__ = (
        UniqueConstraint("kind", "activity_id", "agent_key", "registration", "doc_id"),
        Index("ix_xapi_documents_scope", "kind", "activity_id", "agent_key", "registration"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # state | activity_profile | agent_profile
    activity_id: Mapped[str] = mapped_column(String(600))
    agent_key: Mapped[str] = mapped_column(String(600))
    registration: Mapped[str] = mapped_column(String(36))
    doc_id: Mapped[str] = mapped_column(String(600))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(200))
    etag: Mapped[str] = mapped_column(String(64))  # SHA-1 of the content, hex
    updated: Mapped[datetime] = mapped_column(UTCDateTime())


class XapiIdentity(Base):
    """Another name a learnloop account goes by in xAPI (an e-mail address, its SHA-1, an OpenID,
    an account on another system), linked by an administrator: statements that name the person
    so feed their learner model, are theirs in their export, go with their account, and
    ``GET /xapi/agents`` gathers every name into one Person (services.xapi_identities)."""

    __tablename__ = "xapi_identities"
    key: Mapped[str] = mapped_column(String(600), primary_key=True)  # adapters.xapi.agent_key
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    agent: Mapped[dict[str, Any]] = mapped_column(JSON)  # the one identifier, as an Agent
    # the key of the e-mail address this SHA-1 was worked out from (it goes when that goes)
    derived_from: Mapped[str | None] = mapped_column(String(600), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
