"""``learnloop xapi-forward run|list|add|credentials|remove|skip``: a copy of the statements sent
to another Learning Record Store (services.xapi_forwarding). ``run`` is the cron job: every
minute, it sends what waits and stops before the next one starts."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from learnloop.cli.operator_database import operator_database
from learnloop.reports.xapi_forwarding import forwards
from learnloop.services.statement_index import catch_up
from learnloop.services.xapi_forwarding import (
    add_forward,
    change_credentials,
    forward_statements,
    remove_forward,
    skip_refused,
)

__all__ = ["xapi_forward"]

console = Console()
xapi_forward = typer.Typer(
    help="Send a copy of the statements to another LRS (the district's, the university's).",
    no_args_is_help=True,
)


@contextmanager
def _one_run(instance_dir: Path) -> Iterator[bool]:
    """Whether this is the only run on the machine (a lock file in the instance folder): a run
    whose last batch waits on a slow LRS may outlast the minute, and the next one from cron then
    leaves it alone rather than send the same batches again."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    with (instance_dir / "xapi-forward.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@xapi_forward.command("run")
def run(
    seconds: Annotated[
        int, typer.Option("--seconds", min=1, help="stop starting batches after this long")
    ] = 50,
) -> None:
    """Send each LRS what waits for it; exit 1 when one failed or refused a statement."""
    with operator_database() as (settings, db), _one_run(settings.instance_dir) as alone:
        if not alone:
            console.print("Another run is still sending: this one leaves it to finish.")
            return
        now = datetime.now(UTC)
        with console.status("Sending statements"):
            runs = forward_statements(
                db, key=settings.resolved_secret_key(), base=settings.public_url, now=now,
                until=now + timedelta(seconds=seconds), clock=lambda: datetime.now(UTC),
            )  # fmt: skip
    table = Table(Column("LRS", no_wrap=True), "sent", "waiting", "voided", "to void", "problem")
    for r in runs:
        problem = (
            "refused (skip it: learnloop xapi-forward skip NAME) " if r.refused else ""
        ) + r.error
        table.add_row(r.name, str(r.sent), str(r.waiting), str(r.voided), str(r.voids_waiting),
                      problem or "-")  # fmt: skip
    console.print(table if runs else "No LRS gets the statements (learnloop xapi-forward add).")
    if any(r.error for r in runs):
        raise typer.Exit(1)


@xapi_forward.command("list")
def list_forwards() -> None:
    """Each LRS, what it gets and where its copy stands."""
    with operator_database() as (settings, db):
        catch_up(db)  # an LRS of one course counts its statements by their filed keys
        rows = forwards(db, None, base=settings.public_url)
    table = Table(Column("name", no_wrap=True), Column("endpoint", overflow="fold"), "xAPI",
                  "gets", Column("course", no_wrap=True, min_width=9), "sent", "waiting",
                  "to void", "last sent", "problem")  # fmt: skip
    for f in rows:
        last = f.last_success_at.isoformat(timespec="seconds") if f.last_success_at else "-"
        table.add_row(f.name, f.endpoint, f.version, f.scope, f.course or "all", str(f.sent),
                      str(f.waiting), str(f.voids_waiting), last, f.error or "-")  # fmt: skip
    console.print(table)


@xapi_forward.command("add")
def add(
    name: str,
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="the LRS's address, https://.../xapi/")
    ],
    username: Annotated[str, typer.Option("--username", help="the key it gave learnloop")],
    password: Annotated[
        str, typer.Option("--password", prompt=True, hide_input=True, help="its secret")
    ],
    version: Annotated[str, typer.Option("--version", help="1.0.3 or 2.0.0")] = "1.0.3",
    everything: Annotated[
        bool, typer.Option("--all", help="every statement, not only learnloop's own answers")
    ] = False,
    from_start: Annotated[
        bool, typer.Option("--from-start", help="what is stored already too, not only what comes")
    ] = False,
    course: Annotated[
        str, typer.Option("--course", help="only the statements about this course (its slug)")
    ] = "",
) -> None:
    """Send a copy of the statements to another LRS from now on (or from the start)."""
    with operator_database() as (settings, db):
        add_forward(
            db, None, name=name, endpoint=endpoint, username=username, password=password,
            version=version, scope="all" if everything else "own", from_start=from_start,
            key=settings.resolved_secret_key(), now=datetime.now(UTC), course=course,
        )  # fmt: skip
    console.print(f"{name} gets the statements from the next `learnloop xapi-forward run`.")


@xapi_forward.command("credentials")
def credentials(
    name: str,
    username: Annotated[str, typer.Option("--username", help="the new key it gave learnloop")],
    password: Annotated[
        str, typer.Option("--password", prompt=True, hide_input=True, help="its new secret")
    ],
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="its new address, when it moved")
    ] = "",
) -> None:
    """Give an LRS new credentials (or a new address), keeping its place in the copy."""
    with operator_database() as (settings, db):
        change_credentials(
            db, None, name=name, username=username, password=password, endpoint=endpoint,
            key=settings.resolved_secret_key(), now=datetime.now(UTC),
        )  # fmt: skip
    console.print(f"{name} gets the rest from the next run, with its new credentials.")


@xapi_forward.command("remove")
def remove(name: str) -> None:
    """Stop sending to an LRS (what it has stays there)."""
    with operator_database() as (_, db):
        remove_forward(db, None, name=name, now=datetime.now(UTC))
    console.print(f"{name} gets no more statements.")


@xapi_forward.command("skip")
def skip(name: str) -> None:
    """Go on past the statement an LRS refused, without it (on the audit trail)."""
    with operator_database() as (_, db):
        skipped = skip_refused(db, None, name=name, now=datetime.now(UTC))
    console.print(f"Statement {skipped} skipped; the next run goes on from the one after it.")
