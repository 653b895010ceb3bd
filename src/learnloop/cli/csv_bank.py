"""``learnloop import-csv FILE --course PATH --objective KEY``: a spreadsheet's question bank
(CSV) into a course folder (content.csv_bank), checked by loading the course; ``learnloop
export-csv COURSE OUT.csv``: a course's items as such a sheet (content.csv_bank_export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from learnloop.cli.issues import bank_written, export_items, fail_with
from learnloop.content.csv_bank import add_csv_to_course
from learnloop.content.csv_bank_export import export_csv
from learnloop.exceptions import ContentError

console = Console()


def import_csv(
    path: Annotated[
        Path, typer.Argument(help="a CSV file, one question a row (docs/course-format.md)")
    ],
    course: Annotated[Path, typer.Option(help="the course folder to add the questions to")],
    objective: Annotated[str, typer.Option(help="the objective the questions test")],
) -> None:
    """Add a CSV question bank to a course folder as items and an activity; nothing is written
    if any row or the resulting course has a problem."""
    try:
        written = add_csv_to_course(course, path, objective)
    except ContentError as exc:
        fail_with(console, exc, after="Nothing was written.")
    bank_written(console, written, course, "questions")


def export_csv_command(
    course: Annotated[Path, typer.Argument(help="the course folder whose items to export")],
    out: Annotated[Path, typer.Argument(help="the CSV file to write")],
    objective: Annotated[str, typer.Option(help="only the items of this objective")] = "",
) -> None:
    """Write a course's items as a CSV question bank, and list what a sheet cannot hold."""
    export_items(console, course, out, objective, export_csv)
