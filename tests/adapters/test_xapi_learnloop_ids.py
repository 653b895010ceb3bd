"""The statements learnloop writes itself (an in-app answer, the voiding of a withdrawn answer,
the voiding of an erased statement's copy) are ones its own LRS, and so another conformant one,
takes: they skip the validation a client's statement goes through when stored here, and are
sent as they are to the LRSs that get a copy (services.xapi_forwarding)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from learnloop.adapters.xapi.learnloop_ids import (
    answer_statement,
    attempt_statement_id,
    erasure_voiding_statement,
    learner_agent,
    platform_agent,
    voiding_statement,
)
from learnloop.adapters.xapi.statements import InvalidStatement, validate_statement

BASE = "https://school.example/"
WHEN = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def _answer() -> dict[str, Any]:
    return answer_statement(
        BASE, attempt_id=41, username="ada", display_name="Ada L.", course="fractions",
        activity="parts-practice", item="pw-4", correct=True, response="3/4", when=WHEN,
    )  # fmt: skip


def _statements() -> dict[str, dict[str, Any]]:
    target = attempt_statement_id(BASE, 41)
    return {
        "answer": _answer(),
        "withdrawn": voiding_statement(
            BASE, target=target, actor=learner_agent(BASE, "ada"), when=WHEN
        ),
        "erased": erasure_voiding_statement(BASE, target=target, when=WHEN),
    }


@pytest.mark.parametrize("kind", ["answer", "withdrawn", "erased"])
def test_learnloops_own_statements_pass_its_validation(kind: str) -> None:
    validate_statement(_statements()[kind])


def test_the_validation_refuses_a_platform_on_a_statement_about_a_statement() -> None:
    voiding = _statements()["withdrawn"]
    with pytest.raises(InvalidStatement, match=r"statement\.context\.platform"):
        validate_statement({**voiding, "context": {"platform": "learnloop"}})


def test_an_erasures_voiding_names_learnloop_and_has_its_own_id() -> None:
    st = _statements()
    erased, withdrawn = st["erased"], st["withdrawn"]
    assert erased["object"] == withdrawn["object"]
    assert erased["id"] != withdrawn["id"]  # a withdrawn answer's voiding may be there already
    assert erased["actor"] == platform_agent(BASE)
    assert erasure_voiding_statement(BASE, target=withdrawn["object"]["id"], when=WHEN) == erased
