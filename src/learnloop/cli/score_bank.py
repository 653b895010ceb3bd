"""``learnloop fit-score-bank [SLUG]``: calibrate each score test's bank on its course's answers
(services.score_bank); ``learnloop import-calibration SLUG FILE``: add answers from outside the
platform to calibrate it on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import select

from learnloop.config import Settings
from learnloop.content.calibration_csv import read_calibration_csv
from learnloop.exceptions import ContentError, LearnloopError
from learnloop.services.score_bank import (
    MIN_ITEM_ANSWERS,
    calibrate_score_bank,
    import_calibration_answers,
)
from learnloop.storage import Database, upgrade_database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Course as CourseRow

__all__ = ["fit_score_bank", "import_calibration"]

console = Console()
err = Console(stderr=True)


def _courses(db: Database, slug: str | None) -> list[tuple[int, str]]:
    """(id, slug) of the courses with a score test: the one named, or every one."""
    with db.reading() as s:
        rows = s.execute(select(CourseRow.id, CourseRow.slug).order_by(CourseRow.slug)).all()
        found = [(cid, cslug) for cid, cslug in rows if slug in (None, cslug)]
        if slug is not None and not found:
            err.print(f"no course with slug {slug!r}")
            raise typer.Exit(1)
        chosen = [(cid, cslug) for cid, cslug in found if course_by_id(s, cid).score_test]
    if slug is not None and not chosen:
        err.print(f"course {slug!r} has no score_test in its course.yaml")
        raise typer.Exit(1)
    return chosen


def fit_score_bank(
    slug: Annotated[
        str | None,
        typer.Argument(help="a course's slug; every course with a score test if omitted"),
    ] = None,
) -> None:
    """Calibrate each score test's items on its course's answers; run it nightly with fit-model
    (docs/operations.md). The test opens once it has as many calibrated items as it asks."""
    db = Database.from_url(Settings().database_url)
    try:
        upgrade_database(db.engine)
        for course_id, course_slug in _courses(db, slug):
            with console.status(f"calibrating {course_slug}"):
                fit = calibrate_score_bank(db, course_id, datetime.now(UTC))
            state = "open" if fit.ready else f"not open yet: it asks up to {fit.needed}"
            console.print(
                f"{course_slug}: {fit.calibrated} items calibrated (each on at least "
                f"{MIN_ITEM_ANSWERS} answers) from {fit.answers} answers of {fit.learners} "
                f"learners and tests; the score test is {state}",
                soft_wrap=True,
            )
    finally:
        db.dispose()


def import_calibration(
    slug: Annotated[str, typer.Argument(help="the course's slug")],
    path: Annotated[Path, typer.Argument(help="a CSV with user_id,item_id,correct", exists=True)],
) -> None:
    """Add answers from outside the platform (another platform's records, a field trial) to
    calibrate the course's score test on; respondents' names are not kept. Then run
    fit-score-bank."""
    try:
        rows = read_calibration_csv(path)
    except ContentError as exc:
        for issue in exc.issues:
            err.print(str(issue), highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    db = Database.from_url(Settings().database_url)
    try:
        upgrade_database(db.engine)
        [(course_id, _)] = _courses(db, slug)
        try:
            respondents = import_calibration_answers(
                db, course_id, [(r.respondent, r.item, r.correct) for r in rows]
            )
        except LearnloopError as exc:
            err.print(f"{path}: {exc} (nothing was imported)", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    finally:
        db.dispose()
    console.print(
        f"{slug}: {len(rows)} answers of {respondents} respondents imported", soft_wrap=True
    )
