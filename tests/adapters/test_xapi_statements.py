"""Statement validation against golden statements written here: the valid ones pass, each invalid
one is rejected naming the field at fault; index keys cover every agent and activity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from learnloop.adapters.xapi import InvalidStatement, statement_keys, validate_statement

FIXTURES = Path(__file__).parents[1] / "fixtures" / "xapi"
VALID: list[Any] = json.loads((FIXTURES / "valid.json").read_text())
INVALID: dict[str, Any] = json.loads((FIXTURES / "invalid.json").read_text())


@pytest.mark.parametrize("statement", VALID)
def test_valid_statements_pass(statement: Any) -> None:
    validate_statement(statement)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_statements_name_the_field(name: str) -> None:
    case = INVALID[name]
    with pytest.raises(InvalidStatement) as err:
        validate_statement(case["statement"])
    assert err.value.path == case["field"], err.value.message


def test_keys_cover_every_agent_and_activity() -> None:
    keys = statement_keys(VALID[0])
    assert keys.actor == "mbox:mailto:ann@example.com"
    assert keys.object_id == "https://example.com/quiz/1"
    assert keys.object_kind == "Activity"
    assert keys.registration == "6fbd600f-d17c-4c74-801a-2ec2e53231c5"
    assert keys.activities == {
        "https://example.com/quiz/1", "https://example.com/course", "https://example.com/program",
    }  # fmt: skip
    group = statement_keys(VALID[1])
    assert group.actor is None  # an anonymous group has no key of its own
    assert "account:https://example.com|bob" in group.agents
    assert group.object_id == "sha1:ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
    sub = statement_keys(VALID[2])
    assert {"mbox:mailto:dan@example.com", "mbox:mailto:teacher@example.com"} <= sub.agents
    assert sub.activities == {"https://example.com/sim"}
