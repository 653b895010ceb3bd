"""``learnloop import-roster FILE --passwords OUT [--course SLUG]``: accounts, classes and memberships
from a roster CSV or a OneRoster 1.1 CSV export (a zip or folder)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Annotated

import typer
from argon2 import PasswordHasher
from rich.console import Console
from rich.table import Table

from learnloop.cli.issues import fail_with
from learnloop.config import Settings
from learnloop.content.identity_csv import IdentityRow
from learnloop.content.oneroster import is_oneroster, read_oneroster
from learnloop.content.roster_csv import read_roster
from learnloop.exceptions import ContentError
from learnloop.services.rosters import import_roster
from learnloop.storage import Database

console = Console()


def import_roster_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="roster CSV (username,display_name,role,class,course), or a OneRoster 1.1 CSV "
            "export: a zip or folder with users.csv, classes.csv and enrollments.csv"
        ),
    ],
    passwords: Annotated[
        Path,
        typer.Option(
            help="new CSV for the new accounts' one-time passwords (readable by you only)"
        ),
    ],
    course: Annotated[
        str, typer.Option(help="OneRoster only: the course (slug) that new classes follow")
    ] = "",
    link_emails: Annotated[
        bool,
        typer.Option(
            help="OneRoster only: link each person's e-mail address to their account as the name "
            "they go by in xAPI content hosted elsewhere (docs/xapi.md)"
        ),
    ] = False,
) -> None:
    """Create the accounts and classes a roster names and add everyone to their classes, in one
    transaction: any problem is reported with its line and nothing changes."""
    source = path.name
    identities: list[IdentityRow] = []
    try:
        if is_oneroster(path):
            export = read_oneroster(path, course=course)
            rows, source = export.rows, f"{path.name}:enrollments.csv"
            identities = export.emails if link_emails else []
            for why, n in sorted(export.left_out.items()):
                console.print(f"{n} enrollment(s) left out: {why}")
        else:
            if link_emails:
                console.print("[red]--link-emails reads OneRoster's users.csv: this is a roster "
                              "CSV[/red]")  # fmt: skip
                raise typer.Exit(1)
            rows = read_roster(path)
    except ContentError as exc:
        fail_with(console, exc)
    try:  # opened before the import, so that passwords can never be created and then lost
        fd = os.open(passwords, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        console.print(f"[red]{passwords} exists already: choose a new file[/red]")
        raise typer.Exit(1) from None
    settings = Settings()
    db = Database.from_url(settings.database_url)
    try:
        with console.status(f"Importing {len(rows)} roster rows"):
            result = import_roster(
                db, PasswordHasher(), rows, source=source, identities=identities,
                identity_source=f"{path.name}:users.csv", public_url=settings.public_url,
            )  # fmt: skip
    except ContentError as exc:
        os.close(fd)
        passwords.unlink()
        fail_with(console, exc, after="Nothing was changed.")
    finally:
        db.dispose()
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["username", "role", "password"])
        writer.writerows(result.created_accounts)
    table = Table(title=f"Roster {path.name} imported")
    table.add_column("")
    table.add_column("", justify="right")
    table.add_row("accounts created", str(len(result.created_accounts)))
    table.add_row("classes created", str(len(result.created_classes)))
    table.add_row("memberships added", str(result.memberships_added))
    table.add_row("memberships already there", str(result.memberships_kept))
    if link_emails:
        table.add_row("e-mail addresses linked", str(result.identities_linked))
    console.print(table)
    if result.created_accounts:
        console.print(
            f"One-time passwords of the new accounts are in {passwords}: hand them out, then "
            "delete the file."
        )
    else:
        passwords.unlink()
