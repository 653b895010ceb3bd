"""``learnloop import-gift FILE --course PATH --objective KEY``: a Moodle GIFT question bank
into a course folder (content.gift), checked by loading the course."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from learnloop.content.gift import add_gift_to_course
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
        items, activity, n = add_gift_to_course(course, path, objective)
    except ContentError as exc:
        for issue in exc.issues:
            console.print(f"[red]{issue}[/red]", soft_wrap=True)
        console.print("Nothing was written.")
        raise typer.Exit(1) from None
    console.print(f"{n} questions written to {items} and listed by {activity}.")
    console.print(f"Review them, then `learnloop import-course {course}` to update the platform.")
