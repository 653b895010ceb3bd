"""``learnloop import-case FILE --out DIR [--slug SLUG]``: a CASE competency framework as the start
of a new course folder (content.case_framework); ``learnloop export-case COURSE OUT.json``: a
course's objectives as a CASE framework (content.case_export)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from learnloop.cli.issues import fail_with
from learnloop.config import Settings
from learnloop.content import load_course
from learnloop.content.case_export import course_framework
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


def export_case(
    course: Annotated[Path, typer.Argument(help="the course folder whose objectives to export")],
    out: Annotated[Path, typer.Argument(help="the CASE JSON file to write")],
    creator: Annotated[
        str, typer.Option(help="who publishes the framework (CASE's creator)")
    ] = "learnloop",
) -> None:
    """Write a course's objectives and prerequisites as a CASE competency framework (JSON), which
    import-case reads back the same."""
    try:
        loaded = load_course(course)
    except ContentError as exc:
        fail_with(console, exc, after="Nothing was written.")
    package = course_framework(loaded, public_url=Settings().public_url, creator=creator)
    out.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(
        f"{len(package['CFItems'])} objectives and "
        f"{sum(len(o.prerequisites) for o in loaded.objectives.values())} prerequisites "
        f"written to {out}.",
        soft_wrap=True,
    )
