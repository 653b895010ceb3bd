"""multipart/mixed bodies (RFC 2046, section 5.1), as xAPI sends statements with attachments.

A request is a first part of JSON statements followed by one part per attachment, each with a
``Content-Type``, ``Content-Transfer-Encoding: binary`` and the attachment's SHA-2 in
``X-Experience-API-Hash``. Parts are cut out of the body by their delimiters, byte for byte, so
that a part's hash is that of the bytes the client sent (a MIME library would rewrite line
endings of text parts). ``build_multipart`` writes the same format for GET ``attachments=true``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from email.message import Message

from learnloop.adapters.xapi.statements import InvalidStatement

__all__ = [
    "InvalidMultipart", "Part", "boundary_of", "build_multipart", "media_type", "parse_multipart",
    "sha2_matches",
]  # fmt: skip


class InvalidMultipart(InvalidStatement):
    """The body is not multipart/mixed as xAPI sends it; ``path`` names what is wrong."""


@dataclass(frozen=True, slots=True)
class Part:
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def content_type(self) -> str:
        return media_type(self.headers.get("content-type", ""))


def _header(value: str) -> Message:
    message = Message()
    message["content-type"] = value
    return message


def media_type(content_type: str) -> str:
    """``type/subtype`` of a Content-Type value, in lower case, without parameters."""
    return content_type.split(";")[0].strip().lower()


def boundary_of(content_type: str) -> str:
    boundary = _header(content_type).get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise InvalidMultipart("Content-Type", "multipart/mixed needs a boundary parameter")
    return boundary


def _headers(block: bytes, index: int) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.split(b"\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            raise InvalidMultipart(f"part {index}", f"header line {line[:60]!r} has no name")
        headers[name.strip().decode("latin-1").lower()] = value.strip().decode("latin-1")
    return headers


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a multipart body, in order (preamble and epilogue dropped)."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    if body.startswith(delimiter):
        pos = len(delimiter)
    else:
        found = body.find(b"\r\n" + delimiter)
        if found < 0:
            raise InvalidMultipart("body", "the boundary named in Content-Type is not in the body")
        pos = found + 2 + len(delimiter)
    parts: list[Part] = []
    while not body.startswith(b"--", pos):
        line_end = body.find(b"\r\n", pos)
        if line_end < 0 or body[pos:line_end].strip(b" \t"):
            raise InvalidMultipart("body", "a boundary line must end with CRLF")
        start = line_end + 2
        end = body.find(b"\r\n" + delimiter, start)
        if end < 0:
            raise InvalidMultipart("body", "the body does not end with the closing boundary")
        raw = body[start:end]
        if raw.startswith(b"\r\n"):  # a part without headers
            headers, content = {}, raw[2:]
        else:
            block, separator, content = raw.partition(b"\r\n\r\n")
            if not separator:
                raise InvalidMultipart(f"part {len(parts)}", "has no blank line after its headers")
            headers = _headers(block, len(parts))
        parts.append(Part(headers, content))
        pos = end + 2 + len(delimiter)
    if not parts:
        raise InvalidMultipart("body", "holds no part")
    return parts


# SHA-2 digests by the length of their hex form (xAPI names an attachment by any SHA-2).
_SHA2 = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}


def sha2_matches(content: bytes, sha2: str) -> bool:
    """Whether ``sha2`` (hex) is the SHA-224/256/384/512 digest of ``content``."""
    algorithm = _SHA2.get(len(sha2))
    return algorithm is not None and hashlib.new(algorithm, content).hexdigest() == sha2.lower()


def build_multipart(parts: list[tuple[dict[str, str], bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body of ``parts`` (headers, content) and its Content-Type value."""
    boundary = f"learnloop-{secrets.token_hex(16)}"
    chunks: list[bytes] = []
    for headers, content in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks.append(f"--{boundary}\r\n{head}\r\n".encode("latin-1") + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode("latin-1"))
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
