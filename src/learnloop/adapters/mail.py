"""Sending e-mail through an SMTP relay (the standard library's smtplib: the protocol is small and
stable, and a relay is what every school or university already runs).

The relay is named by a URL (``LEARNLOOP_SMTP_URL``): ``smtp://host[:25]`` for a relay that
takes mail without TLS (one on the same host), ``smtp+starttls://user:password@host[:587]``,
``smtps://user:password@host[:465]``. Each message carries the headers mail providers ask of
bulk senders (RFC 3834 Auto-Submitted, and on reminders RFC 8058 one-click unsubscribe), so a
reminder is stopped from the mail program's own button too.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from types import TracebackType
from urllib.parse import unquote, urlsplit

__all__ = ["MailError", "Mailer", "OutgoingMail", "relay_from_url"]

_SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
# Seconds to wait for the relay before giving up on it: a relay that does not answer in this
# long is down, and the next cron run tries again.
SMTP_TIMEOUT_SECONDS = 30.0


class MailError(Exception):
    """The relay could not be reached, or refused a message."""


@dataclass(frozen=True)
class Relay:
    scheme: str
    host: str
    port: int
    user: str
    password: str


def relay_from_url(url: str) -> Relay:
    """The relay a ``LEARNLOOP_SMTP_URL`` names, or ValueError saying what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise ValueError(
            f"LEARNLOOP_SMTP_URL must start with {', '.join(s + '://' for s in _SCHEMES)}"
        )
    if not parts.hostname:
        raise ValueError("LEARNLOOP_SMTP_URL names no host")
    try:
        port = parts.port or _SCHEMES[parts.scheme]
    except ValueError as exc:  # a port that is not a number
        raise ValueError(f"LEARNLOOP_SMTP_URL: {exc}") from None
    return Relay(parts.scheme, parts.hostname, port, unquote(parts.username or ""),
                 unquote(parts.password or ""))  # fmt: skip


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str  # plain text
    language: str  # Content-Language
    # where the one-click POST of RFC 8058 goes; None for a mail the reader asked for once (a
    # link to confirm an address or reset a password), which has nothing to unsubscribe from
    unsubscribe_url: str | None = None


class Mailer:
    """One connection to the relay for a run: ``with Mailer(relay, sender) as m: m.send(...)``."""

    def __init__(self, relay: Relay, sender: str, *, sender_name: str = "learnloop") -> None:
        self._relay = relay
        self._sender = sender
        self._from = formataddr((sender_name, sender))
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        relay = self._relay
        try:
            if relay.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    relay.host, relay.port, timeout=SMTP_TIMEOUT_SECONDS,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            else:
                smtp = smtplib.SMTP(relay.host, relay.port, timeout=SMTP_TIMEOUT_SECONDS)
                if relay.scheme == "smtp+starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if relay.user:
                smtp.login(relay.user, relay.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"the SMTP relay {relay.host}:{relay.port} failed: {exc}") from exc
        self._smtp = smtp
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def message(self, mail: OutgoingMail) -> EmailMessage:
        """The message as it goes out (its headers, its text)."""
        msg = EmailMessage()
        msg["From"] = self._from
        msg["To"] = mail.to
        msg["Subject"] = mail.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self._sender.rpartition("@")[2] or None)
        msg["Auto-Submitted"] = "auto-generated"
        if mail.unsubscribe_url is not None:
            msg["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg.set_content(mail.body)
        msg["Content-Language"] = mail.language  # after the content, which sets Content-* anew
        return msg

    def send(self, mail: OutgoingMail) -> None:
        """Hand one message to the relay; MailError when it refuses it (the others still go)."""
        if self._smtp is None:
            raise RuntimeError("use the Mailer in a with block")
        try:
            refused = self._smtp.send_message(self.message(mail), self._sender, [mail.to])
        except smtplib.SMTPServerDisconnected as exc:
            raise MailError(f"the SMTP relay hung up: {exc}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"the SMTP relay refused the message to {mail.to}: {exc}") from exc
        if refused:
            raise MailError(f"the SMTP relay refused {mail.to}: {refused[mail.to]}")
