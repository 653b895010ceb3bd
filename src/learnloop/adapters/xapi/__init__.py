"""xAPI (the Experience API, 1.0.3 and 2.0.0): statement validation and indexing."""

from learnloop.adapters.xapi.index import (
    REF_KINDS,
    StatementKeys,
    index_pairs,
    statement_keys,
    target_keys,
)
from learnloop.adapters.xapi.statements import (
    InvalidStatement,
    agent_key,
    identifier_kind,
    validate_agent,
    validate_statement,
)

__all__ = [
    "REF_KINDS",
    "InvalidStatement",
    "StatementKeys",
    "agent_key",
    "identifier_kind",
    "index_pairs",
    "statement_keys",
    "target_keys",
    "validate_agent",
    "validate_statement",
]
