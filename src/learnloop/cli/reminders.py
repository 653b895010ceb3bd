"""``learnloop remind``: send the e-mail reminders that are due, from cron (docs/operations.md).

Each reminder is recorded once the relay accepted it, one transaction each: a run stopped half
way sends the rest next time and sends nobody a second one; a message the relay refused is not
recorded, so the next run tries it again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from learnloop.adapters.mail import Mailer, MailError, OutgoingMail, relay_from_url
from learnloop.config import Settings
from learnloop.content.catalogs import Catalogs
from learnloop.domain.reminders import ClassDigest, Digest, ReminderText, reminder_text, stop_token
from learnloop.reports.reminders import due_class_digests, due_digests
from learnloop.services.reminders import record_reminder_sent
from learnloop.storage import Database

__all__ = ["remind"]

console = Console()


def _stop_url(digest: Digest | ClassDigest, settings: Settings, secret: str) -> str:
    """The reminder's own link that stops reminders (web.pages.reminders)."""
    query = urlencode(
        {"user": digest.user_id, "token": stop_token(secret, digest.user_id, digest.email)}
    )
    return f"{settings.public_url.rstrip('/')}/reminders/stop?{query}"


def _text(
    digest: Digest | ClassDigest, settings: Settings, catalogs: Catalogs, stop_url: str
) -> ReminderText:
    return reminder_text(
        digest,
        home_url=f"{settings.public_url.rstrip('/')}{digest.home_path}",
        stop_url=stop_url,
        words=catalogs.wording(digest.language),
    )


def remind(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List who is due and what they would read; send none")
    ] = False,
) -> None:
    """Send each learner and educator who asked for reminders the one that is due, when
    something waits."""
    settings = Settings()
    relay = None
    if not dry_run:
        if not settings.smtp_url:
            console.print("[red]LEARNLOOP_SMTP_URL is not set: no relay to send through.[/red]")
            raise typer.Exit(1)
        try:
            relay = relay_from_url(settings.smtp_url)
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
    db = Database.from_url(settings.database_url)
    try:
        catalogs = Catalogs.load(settings.default_language)
        secret = settings.resolved_secret_key()
        now = datetime.now(UTC)
        with console.status("Reading who is due"):
            digests: list[Digest | ClassDigest] = [
                *due_digests(db, settings.pedagogy, now, catalogs.wording),
                *due_class_digests(db, settings.pedagogy, now),
            ]
        if relay is None:
            _show(digests, settings, catalogs, secret)
            return
        sent, failed = 0, []
        try:
            with Mailer(relay, settings.mail_from) as mailer, Progress(console=console) as bar:
                task = bar.add_task("Sending reminders", total=len(digests))
                for digest in digests:
                    stop_url = _stop_url(digest, settings, secret)
                    text = _text(digest, settings, catalogs, stop_url)
                    try:
                        mailer.send(OutgoingMail(digest.email, text.subject, text.body,
                                                 digest.language, stop_url))  # fmt: skip
                    except MailError as exc:
                        failed.append(str(exc))
                    else:
                        record_reminder_sent(db, user_id=digest.user_id, email=digest.email, at=now)
                        sent += 1
                    bar.advance(task)
        except MailError as exc:
            console.print(f"[red]{exc}[/red] ({sent} sent before it failed)")
            raise typer.Exit(1) from None
    finally:
        db.dispose()
    console.print(f"{sent} reminder{'s' * (sent != 1)} sent, {len(failed)} refused.")
    for problem in failed:
        console.print(f"[red]{problem}[/red]", soft_wrap=True)
    if failed:
        raise typer.Exit(1)


def _show(
    digests: list[Digest | ClassDigest], settings: Settings, catalogs: Catalogs, secret: str
) -> None:
    table = Table(title=f"{len(digests)} reminder{'s' * (len(digests) != 1)} due (dry run)")
    for column in ("who", "to", "language", "subject"):
        table.add_column(column)
    for digest in digests:
        text = _text(digest, settings, catalogs, _stop_url(digest, settings, secret))
        table.add_row(digest.display_name, digest.email, digest.language, text.subject)
    console.print(table)
