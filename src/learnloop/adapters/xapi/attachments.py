"""Statement attachments: the parts of a request matched to the statements that name them.

xAPI (1.0.3 Communication 1.5.2; 2.0.0 section 4.1.11) sends an attachment's content either
in the request, as a part of a multipart/mixed body named by its SHA-2, or nowhere, when the
attachment's ``fileUrl`` says where to fetch it. The LRS rejects the whole request (400) when an
attachment without ``fileUrl`` has no part, when a part matches no attachment, when a part's
content does not hash to its ``X-Experience-API-Hash``, when a part is not sent as binary, and when
a signature attachment is not a valid signature of its statement (``signature``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from learnloop.adapters.xapi.multipart import InvalidMultipart, Part, media_type, sha2_matches
from learnloop.adapters.xapi.signature import (
    SIGNATURE_USAGE,
    InvalidSignatureError,
    check_signature,
)
from learnloop.adapters.xapi.statements import InvalidStatement

__all__ = ["AttachmentContent", "match_attachments", "referenced_sha2", "split_request"]


@dataclass(frozen=True, slots=True)
class AttachmentContent:
    sha2: str  # hex, lower case
    content_type: str
    content: bytes


def split_request(parts: Sequence[Part]) -> tuple[Any, dict[str, AttachmentContent]]:
    """The statements (parsed JSON of the first part) and the attachment parts by SHA-2."""
    first = parts[0]
    if first.content_type != "application/json":
        raise InvalidMultipart("part 0", "the first part must be the statements, application/json")
    try:
        statements = json.loads(first.body)
    except ValueError:
        raise InvalidMultipart("part 0", "is not valid JSON") from None
    contents: dict[str, AttachmentContent] = {}
    for index, part in enumerate(parts[1:], start=1):
        sha2 = part.headers.get("x-experience-api-hash", "").strip().lower()
        if not sha2:
            raise InvalidMultipart(f"part {index}", "needs an X-Experience-API-Hash header")
        encoding = part.headers.get("content-transfer-encoding", "").strip().lower()
        if encoding != "binary":
            raise InvalidMultipart(f"part {index}", "needs Content-Transfer-Encoding: binary")
        if not sha2_matches(part.body, sha2):
            raise InvalidMultipart(
                f"part {index}", "its content does not hash to its X-Experience-API-Hash"
            )
        contents[sha2] = AttachmentContent(sha2, part.content_type, part.body)
    return statements, contents


def referenced_sha2(statement: dict[str, Any]) -> list[str]:
    """The SHA-2 of every attachment a stored statement names, in order."""
    return [str(a["sha2"]).lower() for a in statement.get("attachments", [])]


def match_attachments(
    statements: Sequence[Any], paths: Sequence[str], contents: dict[str, AttachmentContent]
) -> list[AttachmentContent]:
    """The contents to store with ``statements`` (already validated, each at its path), or an
    ``InvalidStatement`` naming the attachment or part at fault."""
    used: set[str] = set()
    for statement, path in zip(statements, paths, strict=True):
        for i, attachment in enumerate(statement.get("attachments", [])):
            here = f"{path}.attachments[{i}]"
            sha2 = str(attachment["sha2"]).lower()
            content = contents.get(sha2)
            if attachment["usageType"] == SIGNATURE_USAGE:
                _signature(statement, attachment, content, here)
            elif content is None and "fileUrl" not in attachment:
                raise InvalidStatement(
                    f"{here}.sha2",
                    "no part of the request carries this attachment, and it has no fileUrl "
                    "(send it as multipart/mixed)",
                )
            if content is not None:
                used.add(sha2)
    excess = sorted(set(contents) - used)
    if excess:
        raise InvalidStatement(
            "X-Experience-API-Hash", f"part {excess[0]} is not an attachment of any statement"
        )
    return [contents[sha2] for sha2 in sorted(used)]


def _signature(
    statement: dict[str, Any],
    attachment: dict[str, Any],
    content: AttachmentContent | None,
    here: str,
) -> None:
    if media_type(attachment["contentType"]) != "application/octet-stream":
        raise InvalidStatement(
            f"{here}.contentType", "a signature is sent as application/octet-stream"
        )
    if content is None:
        raise InvalidStatement(f"{here}.sha2", "the signature itself is not in the request")
    try:
        check_signature(statement, content.content)
    except InvalidSignatureError as exc:
        raise InvalidStatement(here, f"the signature {exc}") from None
