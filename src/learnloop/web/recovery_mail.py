"""Mailing the one-time links of services.account_recovery: the pages and the API send them
through the instance's relay (``LEARNLOOP_SMTP_URL``), in the language of the request that asked.

A reset link goes after the answer (a background task), so that the answer takes as long whether
an account matched or not and tells nobody which; a relay that fails then is logged, and the
owner asks again. A confirmation link goes before the answer, whose reader is its owner and is
told if the relay failed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from learnloop.adapters.mail import Mailer, MailError, OutgoingMail, relay_from_url
from learnloop.domain.account_recovery import LinkPurpose, link_mail
from learnloop.domain.language import Wording
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


def send_links(
    platform: Platform, links: Sequence[LinkToSend], language: str, words: Wording
) -> None:
    """Mail each link, or MailError (the relay is down, refused, or there is none)."""
    if not links:
        return
    if not mail_ready(platform):
        raise MailError("this learnloop sends no e-mail (LEARNLOOP_SMTP_URL is not set)")
    try:
        relay = relay_from_url(platform.settings.smtp_url)
    except ValueError as exc:
        raise MailError(str(exc)) from None
    site = platform.settings.public_url.rstrip("/")
    with Mailer(relay, platform.settings.mail_from) as mailer:
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
