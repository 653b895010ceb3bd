"""JSON text for stored documents: orjson's, and the standard library's for what orjson refuses,
so that every value JSON can hold is stored and reads back the same."""

from __future__ import annotations

import json

import pytest

from learnloop.storage.json_text import dumps


@pytest.mark.parametrize(
    "value",
    [
        {"name": 'Ünïcode "quoted" \t tab', "score": {"scaled": 0.1, "raw": -3}},
        {"extensions": {"http://example.org/big": 2**70}},  # past orjson's 64-bit integers
        {"n": -(2**64)},
        [1.5e300, None, True, "\u2028"],
    ],
)
def test_what_is_written_reads_back_equal(value: object) -> None:
    assert json.loads(dumps(value)) == value


def test_non_ascii_is_kept_as_it_is() -> None:
    assert dumps({"a": "é"}) == '{"a":"é"}'
    assert dumps({"big": 2**70, "b": "é"}) == '{"big":1180591620717411303424,"b":"é"}'
