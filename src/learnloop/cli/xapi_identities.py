"""``learnloop xapi-identity link|unlink|list|import``: the other names an account goes by in
xAPI (services.xapi_identities), so that content hosted elsewhere feeds the learner model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from learnloop.cli.issues import fail_with
from learnloop.cli.operator_database import operator_database
from learnloop.content.identity_csv import read_identity_csv
from learnloop.exceptions import ContentError
from learnloop.reports.xapi_person import linked_identities
from learnloop.services.xapi_identities import import_identities, link_identity, unlink_identity

__all__ = ["xapi_identity"]

console = Console()
xapi_identity = typer.Typer(
    help="Other names accounts go by in xAPI (e-mail, OpenID, another system's account).",
    no_args_is_help=True,
)

Mbox = Annotated[str, typer.Option("--mbox", help="an e-mail address (mailto: optional)")]
Sha1 = Annotated[str, typer.Option("--mbox-sha1sum", help="the SHA-1 of a mailto: IRI")]
OpenId = Annotated[str, typer.Option("--openid", help="an OpenID URI")]
HomePage = Annotated[
    str,
    typer.Option("--account-home-page", help="another system's home page (with --account-name)"),
]
AccountName = Annotated[str, typer.Option("--account-name", help="the name on that system")]


def _fields(mbox: str, sha1: str, openid: str, home: str, name: str) -> dict[str, str]:
    return {
        "mbox": mbox, "mbox_sha1sum": sha1, "openid": openid,
        "account_homePage": home, "account_name": name,
    }  # fmt: skip


@xapi_identity.command("link")
def link(
    username: str,
    mbox: Mbox = "",
    sha1: Sha1 = "",
    openid: OpenId = "",
    home: HomePage = "",
    name: AccountName = "",
) -> None:
    """Link one identifier to an account: statements naming it count as the account's."""
    with operator_database() as (settings, db):
        added = link_identity(
            db, username=username, fields=_fields(mbox, sha1, openid, home, name),
            public_url=settings.public_url,
        )  # fmt: skip
    console.print(f"linked to {username!r}" if added else f"already linked to {username!r}")


@xapi_identity.command("unlink")
def unlink(
    username: str,
    mbox: Mbox = "",
    sha1: Sha1 = "",
    openid: OpenId = "",
    home: HomePage = "",
    name: AccountName = "",
) -> None:
    """Unlink one identifier (statements already counted stay counted)."""
    with operator_database() as (_, db):
        unlink_identity(db, username=username, fields=_fields(mbox, sha1, openid, home, name))
    console.print(f"unlinked from {username!r}")


@xapi_identity.command("list")
def list_identities(username: str) -> None:
    """The identities linked to an account."""
    with operator_database() as (_, db):
        found = linked_identities(db, username)
    table = Table(title=f"xAPI identities of {username!r}")
    table.add_column("kind")
    table.add_column("identifier")
    for identity in found:
        kind = identity["kind"]
        value = identity["agent"][kind]
        if kind == "account":
            value = f"{value['name']} at {value['homePage']}"
        if identity["derived_from"]:
            value += " (from the address)"
        table.add_row(kind, value)
    console.print(table if found else f"{username!r} has no linked identity")


@xapi_identity.command("import")
def import_file(
    path: Annotated[
        Path,
        typer.Argument(help=(
            "CSV: username and one of mbox, mbox_sha1sum, openid, "
            "account_homePage with account_name, a line each"
        )),
    ],
) -> None:  # fmt: skip
    """Link every line's identifier, in one transaction: any problem is reported with its line
    and nothing changes."""
    try:
        rows = read_identity_csv(path)
    except ContentError as exc:
        fail_with(console, exc)
    try:
        with operator_database() as (settings, db):
            result = import_identities(db, rows, source=path.name, public_url=settings.public_url)
    except ContentError as exc:
        fail_with(console, exc, after="Nothing was changed.")
    console.print(f"{result.linked} identifier(s) linked, {result.kept} already linked.")
