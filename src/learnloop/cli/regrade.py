"""``learnloop regrade SLUG``: grade a course's answers again after its items changed
(services.regrading), learner by learner with a progress bar, or count what would change."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from learnloop.cli.operator_database import operator_database
from learnloop.services.regrading import Regrade, regrade_course
from learnloop.storage.course_store import course_by_slug

__all__ = ["regrade", "regrade_summary"]

console = Console()


def regrade_summary(result: Regrade, *, dry_run: bool) -> Table:
    table = Table(title="Dry run: nothing changed" if dry_run else "Answers graded again")
    table.add_column("")
    table.add_column("count", justify="right")
    rows = [
        ("in-app answers checked", result.checked),
        ("outcome would change" if dry_run else "outcome changed", result.changed),
        ("  of which now right", result.now_right),
        ("unreadable by the item now (kept as graded)", result.unreadable),
        ("learners concerned", result.learners),
    ]
    if not dry_run:
        rows += [
            ("objectives newly mastered", result.mastery_gained),
            ("objectives no longer mastered", result.mastery_lost),
        ]
    for label, value in rows:
        table.add_row(label, str(value))
    return table


def regrade(
    slug: Annotated[str, typer.Argument(help="The course's slug")],
    item: Annotated[
        list[str] | None,
        typer.Option("--item", help="Only this item's answers (repeat for several)"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would change; change nothing")
    ] = False,
) -> None:
    """Grade a course's in-app answers again with its items as imported now (after fixing an
    answer key), and work the learners' estimates out again."""
    with operator_database() as (settings, db):
        with db.reading() as s:
            course_id, _ = course_by_slug(s, slug)
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("regrading learners", total=None)

            def step(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = regrade_course(
                db, course_id, items=item or (), public_url=settings.public_url,
                dry_run=dry_run, progress=step,
            )  # fmt: skip
    console.print(regrade_summary(result, dry_run=dry_run))
