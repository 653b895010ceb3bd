"""Sending statements to another Learning Record Store: one ``POST statements`` request with a
batch, as xAPI's communication part lays it down (HTTP Basic credentials, the version header, and
the attachments' contents as multipart/mixed parts named by their SHA-2), and what its answer
means for the copy (services.xapi_forwarding).

The standard library's urllib does the HTTP: one request a batch needs nothing more, and the LTI
calls already use it.
"""

from __future__ import annotations

import base64
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = [
    "Attachment",
    "ForwardFailed",
    "ForwardRefused",
    "post_statements",
    "statements_request",
]

# Seconds to wait for the other LRS: one that does not answer a batch of a hundred in this long
# is down, and the next run tries again from the same statement.
FORWARD_TIMEOUT_SECONDS = 30
# The most of an error answer kept, to show the administrator what the other LRS said.
MAX_ERROR_CHARS = 300


class ForwardFailed(Exception):
    """The other LRS could not be reached, or failed (5xx): try the same batch again later."""


class ForwardRefused(Exception):
    """The other LRS refused the request (4xx other than 401 and 403): sending it again will not
    help; something in it, or in the setting, must change."""

    def __init__(self, status: int, said: str) -> None:
        self.status = status
        super().__init__(f"HTTP {status}: {said}")


@dataclass(frozen=True)
class Attachment:
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


def statements_request(
    endpoint: str,
    statements: Sequence[Mapping[str, Any]],
    attachments: Mapping[str, Attachment],
    *,
    version: str,
    username: str,
    password: str,
) -> Request:
    """The request that stores ``statements`` at ``endpoint``: JSON, or multipart/mixed when some
    attachment's content goes too (``attachments``, by SHA-2: each sent once)."""
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    headers = {"Authorization": f"Basic {credentials}", "X-Experience-API-Version": version}
    body = orjson.dumps(list(statements))
    if attachments:
        boundary = secrets.token_hex(16)
        parts = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode() + body]
        for sha2, attachment in attachments.items():
            head = (
                f"--{boundary}\r\nContent-Type: {attachment.content_type}\r\n"
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
            )
            parts.append(head.encode() + attachment.content)
        body = b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()
        headers["Content-Type"] = f'multipart/mixed; boundary="{boundary}"'
    else:
        headers["Content-Type"] = "application/json"
    return Request(f"{endpoint}statements", body, headers)


def post_statements(request: Request) -> None:
    """Send the request; ForwardFailed or ForwardRefused as its answer says."""
    http = urllib.request.Request(  # noqa: S310 (check_endpoint allows https and loopback http)
        request.url, data=request.body, headers=request.headers, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=FORWARD_TIMEOUT_SECONDS) as answer:  # noqa: S310
            answer.read()
    except urllib.error.HTTPError as exc:
        said = exc.read(4 * MAX_ERROR_CHARS).decode("utf-8", "replace")[:MAX_ERROR_CHARS]
        exc.close()
        if exc.code >= 500 or exc.code in (401, 403, 408, 429):
            raise ForwardFailed(f"HTTP {exc.code}: {said}") from None
        raise ForwardRefused(exc.code, said) from None
    except OSError as exc:
        raise ForwardFailed(f"{request.url} could not be reached: {exc}") from None
