"""``learnloop import-qti FILE --course PATH --objective KEY``: an IMS QTI package (or one item
file) into a course folder (content.qti), checked by loading the course."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from learnloop.content.qti import add_qti_to_course
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
        items, activity, n = add_qti_to_course(course, path, objective)
    except ContentError as exc:
        for issue in exc.issues:
            console.print(f"[red]{issue}[/red]", soft_wrap=True)
        console.print("Nothing was written.")
        raise typer.Exit(1) from None
    console.print(f"{n} items written to {items} and listed by {activity}.")
    console.print(f"Review them, then `learnloop import-course {course}` to update the platform.")
