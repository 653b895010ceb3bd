"""``learnloop``: init, run, serve, validate, import-course, create-user (and, from their own
modules, evaluate, simulate, backup, import-roster, import-gift, export-gift, import-qti,
export-qti, import-case, remind, fit-score-bank, import-calibration, regrade and xapi-identity)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from argon2 import PasswordHasher
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from learnloop.cli.backup import backup
from learnloop.cli.csv_bank import export_csv_command, import_csv
from learnloop.cli.evaluate import evaluate
from learnloop.cli.fit_workers import DaskOption, WorkersOption, fit_executor
from learnloop.cli.frameworks import export_case, import_case
from learnloop.cli.gift import export_gift_command, import_gift
from learnloop.cli.lti import lti_platform, lti_sync
from learnloop.cli.qti import export_qti_command, import_qti
from learnloop.cli.regrade import regrade
from learnloop.cli.reminders import remind
from learnloop.cli.rosters import import_roster_command
from learnloop.cli.score_bank import fit_score_bank, import_calibration
from learnloop.cli.serving import serve_app
from learnloop.cli.simulate import simulate
from learnloop.cli.xapi_forward import xapi_forward
from learnloop.cli.xapi_identities import xapi_identity
from learnloop.config import Settings
from learnloop.content import load_course
from learnloop.content.course_media import media_bytes
from learnloop.content.course_sources import source_texts
from learnloop.domain import Role
from learnloop.domain.reviews import MIN_REVIEWS_TO_FIT
from learnloop.engine import MasteryCriterion
from learnloop.exceptions import ContentError, LearnloopError
from learnloop.services.accounts import register_user
from learnloop.services.courses import import_course
from learnloop.services.demo import DemoLogins, setup_demo
from learnloop.services.lrs import create_client, revoke_client
from learnloop.services.models import (
    MIN_ANSWERS_TO_FIT,
    MIN_LEARNERS_TO_FIT_OBJECTIVE,
    fit_course_model,
)
from learnloop.services.regrading import regrade_course
from learnloop.services.reviews import fit_course_memory
from learnloop.storage import Database, upgrade_database
from learnloop.storage.tables import Course as CourseRow

app = typer.Typer(
    help="learnloop: a self-hostable personalized-learning platform.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)
app.command()(evaluate)
app.command()(simulate)
app.command()(backup)
app.command()(remind)
app.command()(regrade)
app.command("import-roster")(import_roster_command)
app.command("fit-score-bank")(fit_score_bank)
app.command("import-calibration")(import_calibration)
app.command("import-gift")(import_gift)
app.command("export-gift")(export_gift_command)
app.command("import-csv")(import_csv)
app.command("export-csv")(export_csv_command)
app.command("import-qti")(import_qti)
app.command("export-qti")(export_qti_command)
app.command("import-case")(import_case)
app.command("export-case")(export_case)

DEMO_COURSE = Path(str(files("learnloop") / "demo" / "fractions"))


def _settings() -> Settings:
    return Settings()


def _demo_password(settings: Settings) -> str:
    """LEARNLOOP_DEMO_PASSWORD, or one generated per install and kept in the instance folder."""
    if settings.demo_password:
        return settings.demo_password
    path = settings.instance_dir / "demo-password"
    if path.exists():
        return path.read_text().strip()
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(9)
    path.write_text(password)
    path.chmod(0o600)
    return password


def _print_logins(logins: DemoLogins, password: str, url: str) -> None:
    table = Table(title=f"Demo logins at {url} (password for all: {password})")
    table.add_column("role")
    table.add_column("username")
    table.add_column("what to try")
    table.add_row("learner", logins.learners[0], "home, next steps, an activity, progress map")
    table.add_row("learner (new)", logins.newcomer, "onboarding, then the first steps")
    table.add_row(
        "educator",
        logins.educator,
        "class heatmap, who is stuck, suggested groups, items and misconceptions, messages and "
        "a learner's reply, a join code for the class",
    )
    table.add_row(
        "admin",
        logins.admin,
        "classes and their members, password resets, recent changes, deleting an account",
    )
    console.print(table)
    console.print(f"Other demo learners: {', '.join(logins.learners[1:])}")


def _init(settings: Settings, demo: bool) -> DemoLogins | None:
    db = Database.from_url(settings.database_url)
    try:
        with console.status("Applying database migrations"):
            upgrade_database(db.engine)
        if not demo:
            return None
        course = load_course(DEMO_COURSE, default_mastery=_mastery(settings))
        with console.status("Loading the demo course and class") as status:
            logins = setup_demo(
                db,
                PasswordHasher(),
                course,
                password=_demo_password(settings),
                media=media_bytes(DEMO_COURSE, course),
                sources=source_texts(DEMO_COURSE),
                progress=lambda msg: status.update(f"Demo class: {msg}"),
            )
        console.print(
            "Demo class created."
            if logins.created
            else "Demo class already there: nothing changed."
        )
        return logins
    finally:
        db.dispose()


def _mastery(settings: Settings) -> MasteryCriterion:
    return MasteryCriterion(
        settings.pedagogy.mastery_threshold, settings.pedagogy.mastery_min_attempts
    )


@app.command()
def init(demo: Annotated[bool, typer.Option(help="Load the demo course and class")] = True) -> None:
    """Create or upgrade the database; load the demo (safe to run again)."""
    settings = _settings()
    logins = _init(settings, demo)
    if logins:
        _print_logins(logins, _demo_password(settings), f"http://{settings.host}:{settings.port}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request")] = True,
) -> None:
    """Serve the platform (the database must be initialised)."""
    settings = _settings()
    serve_app(
        host or settings.host, port or settings.port, workers=workers, access_log=access_log,
        forwarded_allow_ips=settings.forwarded_allow_ips, log_format=settings.log_format,
        metrics_dir=settings.instance_dir / "metrics",
    )  # fmt: skip


@app.command()
def run() -> None:
    """What `make run` does: init with the demo, print the logins, serve."""
    settings = _settings()
    logins = _init(settings, True)
    assert logins is not None
    _print_logins(logins, _demo_password(settings), f"http://{settings.host}:{settings.port}")
    serve(None, None, 1, True)


@app.command()
def validate(path: Annotated[Path, typer.Argument(help="A course folder")]) -> None:
    """Check a course folder; list every problem with its file and line."""
    try:
        course = load_course(path)
    except ContentError as exc:
        for issue in exc.issues:
            err.print(
                f"[red]{path / issue.file}:{issue.line}[/red]: {issue.message}",
                highlight=False,
                soft_wrap=True,
            )
        err.print(f"{len(exc.issues)} problem(s) in {path}")
        raise typer.Exit(1) from None
    console.print(
        f"{path}: OK — {len(course.objectives)} objectives, {len(course.activities)} activities, {len(course.items)} items",
        soft_wrap=True,
    )


@app.command("import-course")
def import_course_command(path: Annotated[Path, typer.Argument(help="A course folder")]) -> None:
    """Validate a course folder and store it (a new version replaces the old under the same slug)."""
    settings = _settings()
    try:
        course = load_course(path, default_mastery=_mastery(settings))
    except ContentError as exc:
        for issue in exc.issues:
            err.print(
                f"{path / issue.file}:{issue.line}: {issue.message}",
                highlight=False,
                soft_wrap=True,
            )
        raise typer.Exit(1) from None
    db = Database.from_url(settings.database_url)
    try:
        upgrade_database(db.engine)
        course_id, status = import_course(
            db, course, media=media_bytes(path, course), sources=source_texts(path)
        )
        # answers graded by the old items that the new ones grade differently: say so, and how
        # to regrade them (an author decides; nobody's estimates change behind their back)
        stale = (
            regrade_course(db, course_id, public_url=settings.public_url, dry_run=True)
            if status == "updated"
            else None
        )
    finally:
        db.dispose()
    console.print(f"course {course.slug!r} (id {course_id}): {status}")
    if stale is not None and stale.changed:
        console.print(
            f"{stale.changed} answers of {stale.learners} learners grade differently with the "
            f"new items: run `learnloop regrade {course.slug}` to grade them again and update "
            "the learners' estimates",
            soft_wrap=True,
        )


def _each_course(slug: str | None, fit: Callable[[Database, int, str], None]) -> None:
    """Run ``fit`` on one course (by slug) or on every course, in slug order."""
    settings = _settings()
    db = Database.from_url(settings.database_url)
    try:
        upgrade_database(db.engine)
        with db.reading() as s:
            rows = s.execute(select(CourseRow.id, CourseRow.slug).order_by(CourseRow.slug)).all()
        chosen = [(cid, cslug) for cid, cslug in rows if slug in (None, cslug)]
        if not chosen:
            err.print(f"no course with slug {slug!r}")
            raise typer.Exit(1)
        for course_id, course_slug in chosen:
            with console.status(f"fitting {course_slug}"):
                fit(db, course_id, course_slug)
    finally:
        db.dispose()


@app.command("fit-memory")
def fit_memory_command(
    slug: Annotated[
        str | None, typer.Argument(help="a course's slug; all courses if omitted")
    ] = None,
) -> None:
    """Fit each course's spaced-review (FSRS) parameters on its own review history, once it has
    enough reviews; run it nightly (docs/operations.md)."""

    def fit(db: Database, course_id: int, course_slug: str) -> None:
        outcome = fit_course_memory(db, course_id, datetime.now(UTC))
        if outcome.fitted:
            against = (
                f" on held-out memories (FSRS's defaults: {outcome.baseline_log_loss:.3f})"
                if outcome.baseline_log_loss is not None
                else ""
            )
            console.print(
                f"{course_slug}: fitted on {outcome.reviews} reviews, log loss "
                f"{outcome.log_loss:.3f}{against}"
            )
            if not outcome.adopted:
                console.print(
                    f"{course_slug}: not used: FSRS's defaults predicted the held-out memories "
                    "better, so they stay"
                )
        else:
            console.print(
                f"{course_slug}: {outcome.reviews} reviews, fewer than {MIN_REVIEWS_TO_FIT}: "
                "FSRS's default parameters stay"
            )

    _each_course(slug, fit)


@app.command("fit-model")
def fit_model_command(
    slug: Annotated[
        str | None, typer.Argument(help="a course's slug; all courses if omitted")
    ] = None,
    workers: WorkersOption = 1,
    dask: DaskOption = None,
) -> None:
    """Fit each course's learner model (the kind its course.yaml chose) on its own answers, once
    it has enough; until then the course runs BKT with its authors' parameters."""
    with fit_executor(workers, dask) as (executor, parts):

        def fit(db: Database, course_id: int, course_slug: str) -> None:
            result = fit_course_model(
                db, course_id, datetime.now(UTC), executor=executor, parts=parts
            )
            if result.fitted:
                held = (
                    f", AUC {result.auc:.3f} on held-out learners" if result.auc is not None else ""
                )
                if result.baseline_auc is not None:
                    held += f" (the authors' BKT: {result.baseline_auc:.3f})"
                thin = ""
                if result.objectives_fitted is not None:
                    fitted, total = result.objectives_fitted
                    if fitted < total:
                        thin = (
                            f"; {total - fitted} of {total} objectives keep the authors' "
                            f"parameters (answered by fewer than {MIN_LEARNERS_TO_FIT_OBJECTIVE} "
                            "learners)"
                        )
                console.print(
                    f"{course_slug}: {result.kind} fitted on {result.answers} answers{held}{thin}"
                )
                if not result.adopted:
                    console.print(
                        f"{course_slug}: not used: the authors' BKT predicted the held-out "
                        "learners better, so its parameters stay"
                    )
            else:
                console.print(
                    f"{course_slug}: {result.answers} answers, fewer than {MIN_ANSWERS_TO_FIT}: "
                    "the authors' BKT parameters stay"
                )

        _each_course(slug, fit)


app.add_typer(lti_platform, name="lti-platform")
app.command("lti-sync")(lti_sync)
lrs_client = typer.Typer(help="Credentials for systems that send or read xAPI statements.")
app.add_typer(lrs_client, name="lrs-client")
app.add_typer(xapi_identity, name="xapi-identity")
app.add_typer(xapi_forward, name="xapi-forward")


@lrs_client.command("create")
def lrs_client_create(
    name: str,
    read_only: Annotated[bool, typer.Option(help="may read statements but not send them")] = False,
) -> None:
    """Create credentials and print them once (only a hash of the secret is kept)."""
    settings = _settings()
    db = Database.from_url(settings.database_url)
    try:
        upgrade_database(db.engine)
        creds = create_client(db, PasswordHasher(), name=name, can_write=not read_only)
    except LearnloopError as exc:
        err.print(str(exc))
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    console.print(f"LRS client {creds.name!r} ({'read-write' if creds.can_write else 'read-only'})")
    console.print("endpoint: /xapi/", highlight=False)
    console.print(f"key: {creds.key}", highlight=False, soft_wrap=True)
    console.print(f"secret: {creds.secret}", highlight=False, soft_wrap=True)
    console.print("Send them as HTTP Basic credentials; the secret is not shown again.")


@lrs_client.command("revoke")
def lrs_client_revoke(name: str) -> None:
    """Revoke a client's credentials (refused within a minute)."""
    settings = _settings()
    db = Database.from_url(settings.database_url)
    try:
        upgrade_database(db.engine)
        revoke_client(db, name=name)
    except LearnloopError as exc:
        err.print(str(exc))
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    console.print(f"LRS client {name!r} revoked")


@app.command("create-user")
def create_user(
    username: str,
    role: Annotated[Role, typer.Option(help="learner, educator or admin")] = Role.LEARNER,
    display_name: Annotated[str, typer.Option(help="Name shown to others")] = "",
) -> None:
    """Create an account; the password is asked for, never passed on the command line."""
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = _settings()
    db = Database.from_url(settings.database_url)
    try:
        viewer = register_user(
            db,
            PasswordHasher(),
            username=username,
            password=password,
            display_name=display_name or username,
            role=role,
        )
    except LearnloopError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    console.print(f"created {viewer.role.value} {viewer.username!r} (id {viewer.user_id})")
