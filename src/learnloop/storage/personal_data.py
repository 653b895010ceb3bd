"""Where the data about one person lives, found from the schema: read by the export
(``reports.learner_export``) and by the erasure (``services.erasure``), so that the two always
cover the same rows, and a table added later is covered by both without a list kept by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, or_, select
from sqlalchemy.orm import Session

from learnloop.storage.tables import Base, User, XapiIdentity, XapiStatement, XapiStatementKey

__all__ = [
    "account_named",
    "identities_of",
    "identity_owner",
    "person_keys",
    "statements_naming",
    "user_rows",
    "user_tables",
]


def user_tables() -> dict[str, list[Column[Any]]]:
    """Every table with a foreign key to users.id, with the columns that hold it, parents before
    children (the schema's dependency order)."""
    users = User.__table__.c.id
    out: dict[str, list[Column[Any]]] = {}
    for table in Base.metadata.sorted_tables:
        columns = [
            fk.parent for fk in table.foreign_keys if fk.column is users and table.name != "users"
        ]
        if columns:
            out[table.name] = columns
    return out


def user_rows(user_id: int) -> dict[str, tuple[Table, ColumnElement[bool]]]:
    """Per table of ``user_tables``, in the same order: the table and the condition that selects
    its rows naming ``user_id`` in any of its user columns."""
    return {
        name: (Base.metadata.tables[name], or_(*(column == user_id for column in columns)))
        for name, columns in user_tables().items()
    }


def statements_naming(s: Session, keys: Sequence[str]) -> list[tuple[int, dict[str, Any]]]:
    """(storage number, statement) of every stored xAPI statement that names any of the agents
    ``keys`` anywhere: its "agent" index keys are every agent it names, the actor included."""
    rows = s.execute(
        select(XapiStatement.seq, XapiStatement.statement)
        .where(
            XapiStatement.seq.in_(
                select(XapiStatementKey.seq).where(
                    XapiStatementKey.kind == "agent", XapiStatementKey.key.in_(list(keys))
                )
            )
        )
        .order_by(XapiStatement.seq)
    )
    return [(row.seq, row.statement) for row in rows]


def person_keys(s: Session, user_id: int, own_key: str) -> list[str]:
    """Every xAPI agent key that names the account: its own (``own_key``, the learnloop
    account) and those an administrator linked to it."""
    return [own_key, *(identity.key for identity in identities_of(s, user_id))]


def identity_owner(s: Session, key: str) -> int | None:
    """The id of the account an administrator linked the xAPI agent ``key`` to, if any."""
    return s.scalar(select(XapiIdentity.user_id).where(XapiIdentity.key == key))


def account_named(s: Session, username: str | None, key: str | None) -> User | None:
    """The account an xAPI agent names: by ``username`` when the agent is a learnloop account,
    else by an identity linked under its agent ``key`` (None for a Group, which is nobody)."""
    if username is not None:
        return s.scalar(select(User).where(User.username == username))
    owner = identity_owner(s, key) if key is not None else None
    return s.get(User, owner) if owner is not None else None


def identities_of(s: Session, user_id: int) -> list[XapiIdentity]:
    """The xAPI identities linked to an account, oldest first."""
    return list(
        s.scalars(
            select(XapiIdentity)
            .where(XapiIdentity.user_id == user_id)
            .order_by(XapiIdentity.created_at, XapiIdentity.key)
        )
    )
