"""A real SMTP server on loopback for the tests that send mail (aiosmtpd): it keeps every message
it accepts, and refuses addresses at refused.example as a relay refuses an unknown mailbox. The
``smtp`` fixture (tests/conftest.py) runs one per test."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

__all__ = ["Inbox", "free_port"]


@dataclass
class Inbox:
    """An SMTP server's handler: keeps what it accepts, refuses addresses at refused.example."""

    messages: list[EmailMessage] = field(default_factory=list)
    port: int = 0  # where its server listens, once started

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
