"""JSON text for the database's JSON columns, written with orjson.

Storing a statement is the LRS's most frequent serialisation: the standard library's encoder
took 7.9 µs for one of the benchmark's statements, orjson 0.6 µs (benchmarks/lrs_speed.py's
statements, measured on the benchmark machine). orjson refuses what JSON allows and Python's
encoder accepts (integers past 64 bits, keys that are not strings): those few values are written
by the standard library instead, so that nothing valid is refused. Reading stays with the
standard library's decoder, which is as fast for these documents and takes every number.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["dumps"]


def dumps(value: Any) -> str:
    """``value`` as compact JSON text (UTF-8 kept as it is, not escaped)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError: a value orjson does not take
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
