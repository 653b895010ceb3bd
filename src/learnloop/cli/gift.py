"""``learnloop import-gift FILE --course PATH --objective KEY``: a Moodle GIFT question bank
into a course folder (content.gift), checked by loading the course; ``learnloop export-gift
COURSE OUT.gift``: a course's items as GIFT (content.gift_export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from learnloop.cli.issues import bank_written, export_items, fail_with
from learnloop.content.gift import add_gift_to_course
from learnloop.content.gift_export import export_gift
from learnloop.exceptions import ContentError

console = Console()


def import_gift(
    path: Annotated[Path, typer.Argument(help="a GIFT file (Moodle's question export)")],
    course: Annotated[Path, typer.Option(help="the course folder to add the questions to")],
    objective: Annotated[str, typer.Option(help="the objective the questions test")],
) -> None:
    """Add a GIFT file's questions to a course folder as items and an activity; nothing is
    written if any question or the resulting course has a problem."""
    try:
        written = add_gift_to_course(course, path, objective)
    except ContentError as exc:
        fail_with(console, exc, after="Nothing was written.")
    bank_written(console, written, course, "questions")


def export_gift_command(
    course: Annotated[Path, typer.Argument(help="the course folder whose items to export")],
    out: Annotated[Path, typer.Argument(help="the GIFT file to write")],
    objective: Annotated[str, typer.Option(help="only the items of this objective")] = "",
) -> None:
    """Write a course's items as a Moodle GIFT file, and list what GIFT cannot hold."""
    export_items(console, course, out, objective, export_gift)
