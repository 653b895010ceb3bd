"""Compressed pages: gzip for every response a browser or an API client asks it for, except the
LRS's.

A class overview holds a heatmap with a cell for each learner and objective: for a class of 215
it is about 675 KiB of HTML, and 34 KiB gzipped (BENCHMARKS.md, "A school's load on one machine"). Schools run
learnloop without a reverse proxy (``make run``, one machine), on slow links and old devices, so
the platform compresses by itself; a proxy in front that compresses too leaves an encoded
response alone.

The LRS (``/xapi``) is left uncompressed: document ETags are digests of the stored bytes, which a
content coding would make wrong for the bytes sent (RFC 9110, 8.8.3), its clients are machines on
fast links, and its throughput is a benchmark target where compression would cost CPU for no one.

An ETag names one representation's bytes, so a compressed response's ETag is made weak
(``W/"..."``), as web servers do: it still serves revalidation (the static files answer
If-None-Match with 304 whichever form comes back), and never claims the gzip bytes are the
identity bytes.

Compression and secrets: a page's CSRF field is masked afresh on every response
(``web.csrf``), so compressed sizes leak nothing about it (BREACH).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["COMPRESSION_LEVEL", "MINIMUM_SIZE", "PageCompression"]

# Bodies smaller than this go as they are: below about a kilobyte the gzip header and the
# CPU outweigh the bytes saved (the learner's small JSON answers, redirects, errors).
MINIMUM_SIZE = 1024
# zlib's level 6, the usual default of web servers: within a few percent of level 9's size on
# HTML, at about a third of its CPU (level 9 is starlette's default).
COMPRESSION_LEVEL = 6
_UNCOMPRESSED = ("/xapi",)


class PageCompression:
    """gzip (when accepted) for every path but the LRS's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM_SIZE, compresslevel=COMPRESSION_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(_UNCOMPRESSED):
            await self.app(scope, receive, send)
            return

        async def send_weak_etag(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                if etag and "content-encoding" in headers and not etag.startswith("W/"):
                    headers["etag"] = f"W/{etag}"
            await send(message)

        await self.gzip(scope, receive, send_weak_etag)
