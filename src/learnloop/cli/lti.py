"""``learnloop lti-platform add|list|remove``: the LTI 1.3 platforms (Moodle, Canvas, Open edX)
that may launch learnloop (services.lti), registered by the operator like the LRS's clients;
``learnloop lti-sync``: the learners' scores sent to the platforms' gradebooks
(services.lti_grades)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from learnloop.cli.operator_database import operator_database
from learnloop.services.lti_grades import sync_scores
from learnloop.services.lti_platforms import (
    PlatformRegistration,
    platforms,
    register_platform,
    remove_platform,
)
from learnloop.services.lti_registration import INVITE_DAYS, invite_platform
from learnloop.services.lti_rosters import sync_rosters

console = Console()
err = Console(stderr=True)
lti_platform = typer.Typer(help="LTI 1.3 platforms that may launch learnloop.")


@lti_platform.command("add")
def add(
    name: Annotated[str, typer.Argument(help="what to call the platform, e.g. 'School Moodle'")],
    issuer: Annotated[str, typer.Option(help="the platform's issuer (its URL)")],
    client_id: Annotated[str, typer.Option(help="the client id the platform gave learnloop")],
    login_url: Annotated[str, typer.Option(help="the platform's OIDC authentication URL")],
    token_url: Annotated[str, typer.Option(help="the platform's OAuth 2 access token URL")],
    deployment: Annotated[list[str], typer.Option(help="a deployment id (repeat for several)")],
    jwks_url: Annotated[str, typer.Option(help="the URL of the platform's public key set")] = "",
    jwks_file: Annotated[
        Path | None, typer.Option(help="the platform's key set as a JSON file, without a URL")
    ] = None,
    course: Annotated[str, typer.Option(help="the course a new platform course gets")] = "",
) -> None:
    """Register a platform, then print the tool's URLs to enter on the platform's side."""
    with operator_database(refusals=(OSError, ValueError)) as (settings, db):
        jwks = json.loads(jwks_file.read_text()) if jwks_file else None
        register_platform(db, PlatformRegistration(
            name=name, issuer=issuer, client_id=client_id, auth_login_url=login_url,
            auth_token_url=token_url, deployments=tuple(deployment), jwks_url=jwks_url,
            jwks=jwks, course_slug=course,
        ))  # fmt: skip
    base = settings.public_url.rstrip("/")
    console.print(f"Platform {name!r} registered. On the platform, enter:", soft_wrap=True)
    for label, path in (("Initiate login URL", "/lti/login"), ("Redirection URI", "/lti/launch"),
                        ("Target link URI", "/lti/launch"), ("Public keyset URL", "/lti/jwks")):  # fmt: skip
        console.print(f"  {label}: {base}{path}", highlight=False, soft_wrap=True)
    console.print("  Custom parameters (optional): course=SLUG, activity=KEY", highlight=False)


@lti_platform.command("invite")
def invite(
    name: Annotated[
        str, typer.Option(help="what to call the platform (else from its answer)")
    ] = "",
    course: Annotated[str, typer.Option(help="the course a new platform course gets")] = "",
) -> None:
    """Print a one-time link that registers a platform by itself (LTI Dynamic Registration):
    its administrator gives the link to the platform as the tool's registration URL."""
    with operator_database() as (settings, db):
        code = invite_platform(db, name=name, course_slug=course)
    url = f"{settings.public_url.rstrip('/')}/lti/register/{code}"
    console.print(f"Registration link (one use, {INVITE_DAYS} days):", highlight=False)
    console.print(f"  {url}", highlight=False, soft_wrap=True)
    console.print("On Moodle: Site administration > Plugins > External tool > Manage tools, "
                  "'Tool URL'; on Canvas: Developer keys > + LTI Registration.")  # fmt: skip


@lti_platform.command("list")
def list_command() -> None:
    """The registered platforms."""
    with operator_database() as (_, db):
        rows = platforms(db)
    table = Table(title="LTI 1.3 platforms")
    for column in ("name", "issuer", "client id", "deployments"):
        table.add_column(column)
    for name, issuer, client_id, deployments in rows:
        table.add_row(name, issuer, client_id, ", ".join(deployments))
    console.print(table)


@lti_platform.command("remove")
def remove(name: str) -> None:
    """Forget a platform: its launches stop; the accounts and classes it made stay."""
    with operator_database() as (_, db):
        remove_platform(db, name=name)
    console.print(f"Platform {name!r} removed")


def lti_sync() -> None:
    """Read the platforms' rosters (names and roles) into their classes, then send each learner's
    score (objectives mastered) to the gradable links they launched, where it changed; run it
    from cron as often as classes and gradebooks should follow."""
    with operator_database() as (_, db), Progress(console=console, transient=True) as bar:
        task = bar.add_task("Reading rosters", total=None)
        rosters = sync_rosters(
            db, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
        task = bar.add_task("Sending scores", total=None)
        report = sync_scores(
            db, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    console.print(
        f"Rosters: {rosters.added} added to their classes, {rosters.already} there already, "
        f"{len(rosters.skipped)} skipped, {len(rosters.failed)} courses failed."
        + (f" {len(rosters.ended)} ended classes left as they are." if rosters.ended else "")
    )
    console.print(
        f"Scores: {report.sent} sent, {report.unchanged} unchanged, {len(report.failed)} failed"
        f", {report.waiting} waiting for a first score test."
    )
    for line in rosters.skipped + rosters.failed + report.failed:
        err.print(f"  {line}", soft_wrap=True, highlight=False)
    if rosters.failed or report.failed:
        raise typer.Exit(1)
