"""The other LRSs that get a copy of the statements (services.xapi_forwarding), as the
administrator's connections page and the API show them, and as "My data" names them to everyone
whose records go there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select

from learnloop.domain import Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import XapiForward, XapiForwardVoid, XapiStatement
from learnloop.storage.xapi_forward_tables import still_to_send

__all__ = ["ForwardRow", "forward_hosts", "forwards"]


@dataclass(frozen=True)
class ForwardRow:
    name: str
    endpoint: str
    version: str
    scope: str  # own | all
    sent: int  # statements it accepted
    waiting: int  # statements stored here it has not got yet
    last_success_at: datetime | None
    last_failure_at: datetime | None
    error: str  # what went wrong last, "" once a batch went again
    refused_statement: str | None  # the id it refused, which waits for an administrator
    voids_waiting: int = 0  # its copies of erased statements still to void there


def forwards(db: Database, viewer: Viewer | None) -> list[ForwardRow]:
    """Every LRS that gets the statements; ``viewer`` None: the operator, on the command line."""
    if viewer is not None:
        require_role(viewer, Role.ADMIN)
    rows: list[ForwardRow] = []
    with db.reading() as s:
        for f in s.scalars(select(XapiForward).order_by(XapiForward.name)):
            waiting = select(func.count()).select_from(XapiStatement)
            waiting = waiting.where(still_to_send(f.scope, f.sent_through))
            refused = None
            if f.refused_seq is not None:  # "" when the statement is gone since (an erasure)
                refused = (
                    s.scalar(select(XapiStatement.id).where(XapiStatement.seq == f.refused_seq))
                    or ""
                )
            voids = (
                select(func.count())
                .select_from(XapiForwardVoid)
                .where(XapiForwardVoid.forward_id == f.id, XapiForwardVoid.seq <= f.sent_through)
            )  # those it never got are not voided: they are not sent either
            rows.append(ForwardRow(
                f.name, f.endpoint, f.xapi_version, f.scope, f.sent_count,
                int(s.scalar(waiting) or 0), f.last_success_at, f.last_failure_at, f.last_error,
                refused, int(s.scalar(voids) or 0),
            ))  # fmt: skip
    return rows


def forward_hosts(db: Database) -> list[str]:
    """The hosts of the LRSs that get a copy of the statements, for everyone's "My data" page:
    their learning records go there too."""
    with db.reading() as s:
        endpoints = s.scalars(select(XapiForward.endpoint).order_by(XapiForward.endpoint))
        return sorted({urlsplit(e).hostname or e for e in endpoints})
