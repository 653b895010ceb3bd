"""``learnloop backup PATH``: an online, consistent copy of the database (storage.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from learnloop.config import Settings
from learnloop.exceptions import InvalidInput
from learnloop.storage import make_engine
from learnloop.storage.backup import backup_database, restore_hint

console = Console()


def backup(
    path: Annotated[Path, typer.Argument(help="the new backup file (never overwritten)")],
    schema: Annotated[str | None, typer.Option(help="PostgreSQL: dump only this schema")] = None,
) -> None:
    """Back the database up while learnloop keeps serving; the copy is checked before it is kept."""
    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        with console.status(f"Copying the {engine.dialect.name} database to {path}"):
            report = backup_database(engine, path, schema=schema)
    except InvalidInput as exc:
        console.print(f"[red]{exc.message}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    table = Table(title="Backup written and checked")
    table.add_column("")
    table.add_column("in the copy", justify="right")
    table.add_row("file", str(report.path))
    table.add_row("size", f"{report.size_bytes / 1e6:,.1f} MB, in {report.seconds:.1f} s")
    if report.revision:
        table.add_row("schema revision", report.revision)
    for name, count in report.rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print(restore_hint(report, settings.database_url), soft_wrap=True)
