"""Mailing the one-time links of services.account_recovery: the pages and the API send them
through the instance's relay (``LEARNLOOP_SMTP_URL``), in the language of the request that asked.

A reset link goes after the answer (a background task), so that the answer takes as long whether
an account matched or not and tells nobody which; a relay that fails then is logged, and the
owner asks again. A confirmation link goes before the answer, whose reader is its owner and is
told if the relay failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

from fastapi import BackgroundTasks

from learnloop.adapters.mail import Mailer, MailError, OutgoingMail, relay_from_url
from learnloop.domain import Viewer
from learnloop.domain.account_recovery import LinkPurpose, MailText, link_mail, notice_mail
from learnloop.domain.language import Wording
from learnloop.reports.account_recovery import RecoveryAddress
from learnloop.services.account_recovery import LinkToSend
from learnloop.web.platform import Platform

__all__ = [
    "MailError",
    "link_url",
    "mail_ready",
    "send_links",
    "send_links_quietly",
    "valid_for",
]

log = logging.getLogger("learnloop.mail")

_PATHS = {"confirm": "/account/email/confirm/", "reset": "/login/reset/"}


def mail_ready(platform: Platform) -> bool:
    """Whether this instance sends mail at all (the pages say so when it does not)."""
    return bool(platform.settings.smtp_url)


def link_url(platform: Platform, link: LinkToSend) -> str:
    return platform.settings.public_url.rstrip("/") + _PATHS[link.purpose] + link.secret


def valid_for(platform: Platform, purpose: LinkPurpose, words: Wording) -> str:
    """How long a link of ``purpose`` works, in the reader's words ("60 minutes")."""
    if purpose == "reset":
        minutes = platform.settings.reset_link_minutes
        return words.plural("%(num)s minute", "%(num)s minutes", minutes)
    hours = platform.settings.confirm_link_hours
    return words.plural("%(num)s hour", "%(num)s hours", hours)


@contextmanager
def _mailer(platform: Platform) -> Iterator[Mailer]:
    """A connection to the instance's relay, or MailError (none set, a wrong URL, down)."""
    if not mail_ready(platform):
        raise MailError("this learnloop sends no e-mail (LEARNLOOP_SMTP_URL is not set)")
    try:
        relay = relay_from_url(platform.settings.smtp_url)
    except ValueError as exc:
        raise MailError(str(exc)) from None
    with Mailer(relay, platform.settings.mail_from) as mailer:
        yield mailer


def send_links(
    platform: Platform, links: Sequence[LinkToSend], language: str, words: Wording
) -> None:
    """Mail each link, or MailError (the relay is down, refused, or there is none)."""
    if not links:
        return
    site = platform.settings.public_url.rstrip("/")
    with _mailer(platform) as mailer:
        for link in links:
            text = link_mail(
                link.purpose, display_name=link.display_name, username=link.username,
                url=link_url(platform, link), site=site, valid_for=valid_for(platform, link.purpose, words),
                words=words,
            )  # fmt: skip
            mailer.send(OutgoingMail(link.to, text.subject, text.body, language))


def send_links_quietly(
    platform: Platform, links: Sequence[LinkToSend], language: str, words: Wording
) -> None:
    """``send_links`` after the answer went: a failure is logged for the operator."""
    try:
        send_links(platform, links, language, words)
    except MailError as exc:
        log.warning("a password reset link was not sent: %s", exc)


def send_notice(platform: Platform, to: str, text: MailText, language: str) -> None:
    """Tell an account's confirmed address of a change (after the answer): a failure is logged,
    the change stands."""
    if not mail_ready(platform):
        return
    try:
        with _mailer(platform) as mailer:
            mailer.send(OutgoingMail(to, text.subject, text.body, language))
    except MailError as exc:
        log.warning("a notice of an account change was not sent: %s", exc)


def tell_owner(
    background: BackgroundTasks,
    platform: Platform,
    viewer: Viewer,
    kind: Literal["password", "address"],
    *,
    confirmed: RecoveryAddress | None,
    language: str,
    words: Wording,
    new_address: str = "",
) -> None:
    """Tell the account's confirmed recovery address (as it was before the change) of a change
    to the password or to the address itself, after the answer; nothing when it has none, or the
    address only changed its case."""
    if confirmed is None or confirmed.confirmed_at is None:
        return
    if kind == "address" and new_address.lower() == confirmed.email.lower():
        return
    text = notice_mail(kind, display_name=viewer.display_name, username=viewer.username,
                       site=platform.settings.public_url.rstrip("/"), new_address=new_address,
                       words=words)  # fmt: skip
    background.add_task(send_notice, platform, confirmed.email, text, language)
