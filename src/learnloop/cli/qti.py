"""``learnloop import-qti FILE --course PATH --objective KEY``: an IMS QTI package (or one item
file) into a course folder (content.qti), checked by loading the course; ``learnloop export-qti
COURSE OUT.zip``: a course's items as a QTI 2.1 package (content.qti_export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from learnloop.cli.issues import bank_written, export_items, fail_with
from learnloop.content.course_media import media_bytes
from learnloop.content.qti import add_qti_to_course
from learnloop.content.qti_export import QtiExport, export_qti
from learnloop.domain import Course
from learnloop.exceptions import ContentError

console = Console()


def import_qti(
    path: Annotated[Path, typer.Argument(help="a QTI 2.1, 2.2 or 3.0 package (.zip) or item file")],
    course: Annotated[Path, typer.Option(help="the course folder to add the items to")],
    objective: Annotated[str, typer.Option(help="the objective the items test")],
) -> None:
    """Add a QTI package's items to a course folder with an activity that lists them; nothing is
    written if any item or the resulting course has a problem."""
    try:
        written = add_qti_to_course(course, path, objective)
    except ContentError as exc:
        fail_with(console, exc, after="Nothing was written.")
    bank_written(console, written, course, "items")


def export_qti_command(
    course: Annotated[Path, typer.Argument(help="the course folder whose items to export")],
    out: Annotated[Path, typer.Argument(help="the QTI 2.1 package to write (.zip)")],
    objective: Annotated[str, typer.Option(help="only the items of this objective")] = "",
) -> None:
    """Write a course's items as an IMS QTI 2.1 content package, with the media they show, and
    list what QTI cannot hold."""

    def with_media(loaded: Course, target: Path, *, objective: str) -> QtiExport:
        return export_qti(loaded, target, objective=objective, media=media_bytes(course, loaded))

    export_items(console, course, out, objective, with_media)
