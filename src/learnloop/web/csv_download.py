"""A report's table as a CSV download, streamed as it is read.

What spreadsheets need: UTF-8 with a byte-order mark (without it Excel reads the accents of
"Chloé" as two other letters), RFC 4180 quoting and line ends, decimals with a point and dates
in ISO 8601 whatever the reader's language (a script reads them the same way every time), true
and false as 1 and 0.

Text a learner or an author wrote is data, never a formula: a cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be run by Excel or LibreOffice as a formula when the
file is opened (CSV injection, OWASP), so it gets a leading apostrophe, which spreadsheets read as
"text follows". Numbers the platform writes itself are never touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

from fastapi.responses import StreamingResponse

from learnloop.reports.class_exports import Cell, ExportTable

__all__ = ["FORMULA_STARTS", "ROWS_PER_CHUNK", "csv_cell", "csv_download"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows written into each chunk sent: a few tens of kilobytes, so the network sees steady data
# and the server holds little.
ROWS_PER_CHUNK = 500
_BOM = "\ufeff"
_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def csv_cell(value: Cell) -> str | int | float:
    """One value as the CSV holds it (text, the most common, first)."""
    if isinstance(value, str):
        return "'" + value if value[:1] in _FORMULA_FIRST else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _chunks(table: ExportTable) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(_BOM)
    writer.writerow([csv_cell(name) for name in table.header])
    for n, row in enumerate(table.rows, start=1):
        writer.writerow([csv_cell(value) for value in row])
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_download(table: ExportTable, today: date) -> StreamingResponse:
    """The table as ``<name>-<date>.csv``, an attachment; nothing is cached on the way."""
    return StreamingResponse(
        _chunks(table),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{table.name}-{today.isoformat()}.csv"',
            "Cache-Control": "no-store",
        },
    )
