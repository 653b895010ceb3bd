"""E-mail reminders, written: a learner or an educator asks for them or stops them (on their page,
or with the link in any reminder, without logging in), and ``learnloop remind`` records each one
it sent.

Reminders are each person's own choice: an educator cannot turn on a learner's, nor an
administrator anyone's, and stopping them deletes the address (nothing is kept "in case").
"""

from __future__ import annotations

from datetime import UTC, datetime

from learnloop.domain import Viewer
from learnloop.domain.reminders import (
    REMINDED_ROLES,
    check_email,
    check_frequency,
    stop_token_matches,
)
from learnloop.exceptions import InvalidInput
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import ReminderSubscription

__all__ = ["record_reminder_sent", "stop_reminders", "stop_reminders_with_token", "want_reminders"]


def want_reminders(
    db: Database,
    viewer: Viewer,
    *,
    email: str,
    frequency: str,
    language: str,
    now: datetime | None = None,
) -> None:
    """Send the learner or educator reminders at ``email``, ``frequency`` (daily or weekly), in
    ``language``; changes the settings when they have some. A changed address or frequency
    does not reset when the last reminder went, so changing them sends no extra one."""
    require_role(viewer, *REMINDED_ROLES)
    address = check_email(email)
    check_frequency(frequency)
    if not language or len(language) > 16:
        raise InvalidInput("language", "name the language of the reminders")
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        row = s.get(ReminderSubscription, viewer.user_id)
        if row is None:
            s.add(ReminderSubscription(user_id=viewer.user_id, email=address, frequency=frequency,
                                       language=language, created_at=now))  # fmt: skip
        else:
            row.email, row.frequency, row.language = address, frequency, language


def stop_reminders(db: Database, viewer: Viewer) -> bool:
    """Stop the viewer's reminders, forgetting the address; whether there were any."""
    require_role(viewer, *REMINDED_ROLES)
    with db.transaction() as s:
        row = s.get(ReminderSubscription, viewer.user_id)
        if row is None:
            return False
        s.delete(row)
        return True


def stop_reminders_with_token(db: Database, *, secret: str, user_id: int, token: str) -> bool:
    """Stop reminders from a reminder's own link (``domain.reminders.stop_token``); whether the
    link stopped them. A link for another address, or forged, stops nothing; a second click
    finds them stopped already, and says so the same way."""
    with db.transaction() as s:
        row = s.get(ReminderSubscription, user_id)
        if row is None or not stop_token_matches(secret, user_id, row.email, token):
            return False
        s.delete(row)
        return True


def record_reminder_sent(db: Database, *, user_id: int, email: str, at: datetime) -> None:
    """Note that the reminder to ``email`` went out at ``at`` (the relay accepted it). Nothing
    is noted when the learner stopped reminders or changed address while it was being sent."""
    with db.transaction() as s:
        row = s.get(ReminderSubscription, user_id)
        if row is not None and row.email == email:
            row.last_sent_at = at
