"""The Statements resource (GET, HEAD, POST, PUT /xapi/statements): the LRS's hot path.

It is a plain Starlette route, not a FastAPI one: FastAPI's dependency solving and per-request
exit stack cost more than storing the statement (benchmarks/lrs_speed.py). POST and PUT validate
the batch here and hand it to the process's ``StatementWriter`` (group commit); the answer waits
for the commit. Statements come as application/json, or as multipart/mixed with their
attachments (and signatures) as further parts; GET with ``attachments=true`` answers in the same
multipart format, the statements first and then every attachment they name that was sent.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from learnloop.adapters.xapi import InvalidStatement
from learnloop.adapters.xapi.attachments import AttachmentContent, referenced_sha2, split_request
from learnloop.adapters.xapi.multipart import build_multipart, media_type, parse_multipart
from learnloop.exceptions import InvalidInput
from learnloop.reports.xapi_formats import accepted_languages
from learnloop.reports.xapi_queries import (
    KeysNotFiled,
    StatementQuery,
    attachment_contents,
    get_statement,
    query_statements,
)
from learnloop.services.lrs import LrsCaller, prepare_statements
from learnloop.services.statement_index import catch_up
from learnloop.web.observability import STATEMENTS_ACCEPTED
from learnloop.web.platform import Platform
from learnloop.web.xapi_http import (
    authenticate,
    headers_for,
    now_iso,
    read_body,
    read_json,
    respond,
    statement_version,
)

__all__ = ["statements"]


async def statements(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    caller = await authenticate(request, platform)
    if request.method == "POST":
        return await _post_statements(request, platform, caller)
    if request.method == "PUT":
        return await _put_statement(request, platform, caller)
    response: Response = await run_in_threadpool(_get_statements, request, platform)
    return response


def _split(raw: bytes, content_type: str) -> tuple[Any, dict[str, AttachmentContent]]:
    try:
        return split_request(parse_multipart(raw, content_type))
    except InvalidStatement as exc:
        raise InvalidInput(exc.path, exc.message) from None


async def _read_statements(request: Request) -> tuple[Any, dict[str, AttachmentContent]]:
    """The request's statements (parsed JSON) and its attachment parts by SHA-2."""
    content_type = request.headers.get("content-type", "")
    kind = media_type(content_type)
    if kind == "application/json":
        return await read_json(request), {}
    if kind != "multipart/mixed":
        raise InvalidInput(
            "Content-Type", "send statements as application/json, or as multipart/mixed with "
            "their attachments",
        )  # fmt: skip
    raw = await read_body(request)
    # hashing the parts is CPU work that may be megabytes long: off the event loop
    return await run_in_threadpool(_split, raw, content_type)


async def _post_statements(request: Request, platform: Platform, caller: LrsCaller) -> Response:
    body, contents = await _read_statements(request)
    batch = body if isinstance(body, list) else [body]
    prepared = prepare_statements(
        caller, batch, base_url=platform.settings.public_url, version=statement_version(request),
        contents=contents,
    )  # fmt: skip
    ids = await asyncio.wrap_future(platform.lrs_writer.submit(prepared))
    STATEMENTS_ACCEPTED.inc(len(prepared.statements))
    return JSONResponse(ids, headers=headers_for(request))


async def _put_statement(request: Request, platform: Platform, caller: LrsCaller) -> Response:
    statement_id = request.query_params.get("statementId")
    if not statement_id:
        raise InvalidInput("statementId", "PUT needs the statementId parameter")
    body, contents = await _read_statements(request)
    if isinstance(body, list):
        raise InvalidInput("body", "PUT takes one statement, not a list")
    prepared = prepare_statements(
        caller, [body], base_url=platform.settings.public_url, put_id=statement_id,
        version=statement_version(request), contents=contents,
    )  # fmt: skip
    await asyncio.wrap_future(platform.lrs_writer.submit(prepared))
    STATEMENTS_ACCEPTED.inc(len(prepared.statements))
    return Response(status_code=204, headers=headers_for(request))


def _get_statements(request: Request, platform: Platform) -> Response:
    params = request.query_params
    single = params.get("statementId"), params.get("voidedStatementId")
    fmt = params.get("format", "exact")
    with_attachments = _flag(params.get("attachments"), "attachments")
    languages = accepted_languages(request.headers.get("accept-language"))
    if single[0] and single[1]:
        raise InvalidInput("statementId", "give statementId or voidedStatementId, not both")
    if single[0] or single[1]:
        allowed = {"statementId", "voidedStatementId", "format", "attachments"}
        extra = sorted(set(params) - allowed)
        if extra:
            raise InvalidInput(extra[0], "cannot be combined with statementId")
        statement = get_statement(
            platform.db, statement_id=single[0], voided_id=single[1], fmt=fmt, languages=languages
        )
        response = _answer(request, platform, statement, [statement], now_iso(), with_attachments)
        stored = datetime.fromisoformat(statement["stored"].replace("Z", "+00:00"))
        response.headers["Last-Modified"] = stored.astimezone(UTC).strftime(
            "%a, %d %b %Y %H:%M:%S GMT"
        )
        return response
    query = StatementQuery.from_cursor(params["cursor"]) if "cursor" in params else _query(params)
    started = datetime.now(UTC)  # consistent through this: what was stored before is found
    try:
        page = query_statements(platform.db, query, now=started, languages=languages)
    except KeysNotFiled:
        catch_up(platform.db)
        page = query_statements(
            platform.db, query, now=started, languages=languages, check_filed=False
        )
    more = f"/xapi/statements?cursor={page.more}" if page.more else ""
    if more and with_attachments:
        more += "&attachments=true"
    through = page.consistent_through.isoformat(timespec="milliseconds")
    result = {"statements": page.statements, "more": more}
    return _answer(request, platform, result, page.statements, through, with_attachments)


def _answer(
    request: Request,
    platform: Platform,
    body: dict[str, Any],
    statements: list[dict[str, Any]],
    through: str,
    with_attachments: bool,
) -> Response:
    """JSON, or with ``attachments=true`` multipart/mixed: the JSON, then each attachment the
    statements name whose content the LRS holds, once."""
    if not with_attachments:
        return respond(request, body, through)
    wanted = list(dict.fromkeys(h for st in statements for h in referenced_sha2(st)))
    contents = attachment_contents(platform.db, wanted)
    parts = [({"Content-Type": "application/json"}, json.dumps(body).encode())]
    for sha2 in wanted:
        if sha2 in contents:
            content_type, content = contents[sha2]
            headers = {
                "Content-Type": content_type, "Content-Transfer-Encoding": "binary",
                "X-Experience-API-Hash": sha2,
            }  # fmt: skip
            parts.append((headers, content))
    payload, content_type = build_multipart(parts)
    headers = headers_for(request, **{"X-Experience-API-Consistent-Through": through})
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(payload))
        return Response(status_code=200, headers=headers, media_type=content_type)
    return Response(payload, headers=headers, media_type=content_type)


_FILTERS = {
    "agent", "verb", "activity", "registration", "related_activities", "related_agents",
    "since", "until", "limit", "format", "attachments", "ascending",
}  # fmt: skip


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    if value not in ("true", "false"):
        raise InvalidInput(name, "must be true or false")
    return value == "true"


def _query(params: Any) -> StatementQuery:
    unknown = sorted(set(params) - _FILTERS)
    if unknown:
        raise InvalidInput(unknown[0], "is not a statement query parameter")
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise InvalidInput("limit", "must be a whole number")
    return StatementQuery(
        agent=params.get("agent"),
        verb=params.get("verb"),
        activity=params.get("activity"),
        registration=params.get("registration"),
        related_activities=_flag(params.get("related_activities"), "related_activities"),
        related_agents=_flag(params.get("related_agents"), "related_agents"),
        since=params.get("since"),
        until=params.get("until"),
        limit=int(limit),
        ascending=_flag(params.get("ascending"), "ascending"),
        format=params.get("format", "exact"),
    )
