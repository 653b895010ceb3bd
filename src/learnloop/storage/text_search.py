"""Finding rows whose text contains what a person typed, whatever its case, on every database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func

__all__ = ["contains_text"]


def contains_text(column: Any, typed: str) -> ColumnElement[bool]:
    """``column`` contains ``typed``, in any case; ``%`` and ``_`` are plain characters."""
    escaped = typed.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    matched: ColumnElement[bool] = func.lower(column).like(f"%{escaped}%", escape="\\")
    return matched
