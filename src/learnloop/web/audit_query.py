"""The audit trail's search, as the admin page, its download and the API read it from the query
string (reports.audit_trail)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import Depends, Query

from learnloop.reports.audit_trail import AuditSearch

__all__ = ["AuditQuery", "AuditQueryDep"]

Text = Annotated[str, Query(max_length=400)]


@dataclass(frozen=True)
class AuditQuery:
    """What was typed, as typed: the page shows it again beside its error."""

    actor: str = ""
    action: str = ""
    subject: str = ""
    since: str = ""
    until: str = ""

    def typed(self) -> dict[str, str]:
        return asdict(self)

    def search(self) -> AuditSearch:
        """The search it asks for (InvalidInput names a day that is not one)."""
        return AuditSearch.typed(self.actor, self.action, self.subject, self.since, self.until)


def _audit_query(
    actor: Text = "", action: Text = "", subject: Text = "", since: Text = "", until: Text = ""
) -> AuditQuery:
    return AuditQuery(actor, action, subject, since, until)


AuditQueryDep = Annotated[AuditQuery, Depends(_audit_query)]
