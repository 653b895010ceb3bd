"""The database an operator's command works on: the configured one, migrated first, closed
afterwards; a refusal from the services is printed on stderr and ends the command with status 1.
Shared by the commands that change one thing at a time (lti-platform, xapi-identity)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from learnloop.config import Settings
from learnloop.exceptions import ContentError, LearnloopError
from learnloop.storage import Database, upgrade_database

__all__ = ["operator_database"]

err = Console(stderr=True)


@contextmanager
def operator_database(
    refusals: tuple[type[Exception], ...] = (),
) -> Iterator[tuple[Settings, Database]]:
    """(settings, database) for the block. A LearnloopError (ContentError aside: its commands
    list each issue themselves) or one of ``refusals`` raised in it is printed, and exits 1."""
    caught: tuple[type[Exception], ...] = (LearnloopError, *refusals)
    settings = Settings()
    db = Database.from_url(settings.database_url)
    try:
        upgrade_database(db.engine)
        yield settings, db
    except ContentError:
        raise
    except caught as exc:
        err.print(str(exc), soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        db.dispose()
