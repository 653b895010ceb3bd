"""learnloop's own voiding statements without context.platform

Until now, the statement by which learnloop voided its record of a withdrawn or regraded answer
carried context.platform, which xAPI allows only in a statement about an Activity: this LRS
refuses it from a client, and another one refused it when it was sent a copy
(services.xapi_forwarding), which stopped the copy there. The stored ones lose it; nothing else
in them changes (their id, actor, object, timestamp and stored stay).

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

_VOIDED = "http://adlnet.gov/expapi/verbs/voided"
_statements = sa.table(
    "xapi_statements",
    sa.column("seq", sa.Integer()),
    sa.column("client_id", sa.Integer()),
    sa.column("statement", sa.JSON()),
)


def _fixed(statement: dict[str, Any]) -> dict[str, Any] | None:
    """The statement without its platform, when it is one of learnloop's voiding statements that
    has one; else None."""
    if statement.get("verb", {}).get("id") != _VOIDED:
        return None
    if statement.get("context") != {"platform": "learnloop"}:
        return None
    return {key: value for key, value in statement.items() if key != "context"}


def upgrade() -> None:
    bind = op.get_bind()
    found = bind.execute(
        sa.select(_statements.c.seq, _statements.c.statement).where(
            _statements.c.client_id.is_(None),
            sa.cast(_statements.c.statement, sa.Text()).like("%verbs/voided%"),
        )
    ).all()
    for seq, statement in found:
        fixed = _fixed(statement)
        if fixed is not None:
            bind.execute(
                sa.update(_statements).where(_statements.c.seq == seq).values(statement=fixed)
            )


def downgrade() -> None:
    """Nothing to undo: the platform was never allowed there."""
