"""How the commands report content problems and imported banks, one way for all of them."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from learnloop.exceptions import ContentError

__all__ = ["bank_written", "fail_with"]


def fail_with(console: Console, exc: ContentError, *, after: str = "") -> NoReturn:
    """Print every problem (file:line: message), then ``after``, and exit with status 1."""
    for issue in exc.issues:
        console.print(f"[red]{issue}[/red]", soft_wrap=True)
    if after:
        console.print(after)
    raise typer.Exit(1)


def bank_written(
    console: Console, written: tuple[Path, Path, int], course: Path, noun: str
) -> None:
    """What an import of a question bank into a course folder wrote, and what to do next."""
    items, activity, n = written
    console.print(f"{n} {noun} written to {items} and listed by {activity}.")
    console.print(f"Review them, then `learnloop import-course {course}` to update the platform.")
