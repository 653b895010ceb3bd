"""``learnloop import-case FILE --out DIR [--slug SLUG]``: a CASE competency framework as the start
of a new course folder (content.case_framework)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from learnloop.cli.issues import fail_with
from learnloop.content.case_framework import write_framework_course
from learnloop.exceptions import ContentError

console = Console()


def import_case(
    path: Annotated[Path, typer.Argument(help="a CASE JSON file (a CFPackage)")],
    out: Annotated[Path, typer.Option(help="the new course folder to write")],
    slug: Annotated[str, typer.Option(help="the course's slug (default: from its title)")] = "",
) -> None:
    """Make a course folder whose objectives are the framework's standards and whose
    prerequisites are its "precedes" associations, with a placeholder activity each."""
    try:
        objectives, prerequisites = write_framework_course(path, out, slug=slug)
    except ContentError as exc:
        fail_with(console, exc, after="Nothing was written.")
    console.print(
        f"{objectives} objectives and {prerequisites} prerequisites written to {out}.",
        soft_wrap=True,
    )
    console.print("Write the activities and items, then `learnloop validate` and `import-course`.")
