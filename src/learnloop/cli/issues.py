"""How the commands report content problems, imported banks and exported items, one way for all
of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, Protocol

import typer
from rich.console import Console

from learnloop.content import load_course
from learnloop.domain import Course
from learnloop.exceptions import ContentError

__all__ = ["bank_written", "export_items", "fail_with"]


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


class _Exported(Protocol):
    @property
    def items(self) -> int: ...

    @property
    def left_out(self) -> list[str]: ...


def export_items(
    console: Console,
    course: Path,
    out: Path,
    objective: str,
    exporter: Callable[..., _Exported],
) -> None:
    """Load ``course``, write its items (or ``objective``'s) to the new file ``out`` with
    ``exporter``, and list what the format could not hold."""
    try:
        loaded: Course = load_course(course)
    except ContentError as exc:
        fail_with(console, exc)
    if objective and objective not in loaded.objectives:
        console.print(f"[red]the course has no objective {objective!r}[/red]")
        raise typer.Exit(1)
    if out.exists():
        console.print(f"[red]{out} exists already: choose a new file[/red]", soft_wrap=True)
        raise typer.Exit(1)
    done = exporter(loaded, out, objective=objective)
    console.print(f"{done.items} items written to {out}.", soft_wrap=True)
    for line in done.left_out:
        console.print(f"  left out: {line}", soft_wrap=True)
