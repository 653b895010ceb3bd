"""Courses' images, sounds and videos at ``/media/<course slug>/<path>`` (content.course_media).

Cached by the browser for a day and revalidated by ETag (the file's SHA-256), private since only
signed-in users reach it. An SVG is served under a Content-Security-Policy that sandboxes it, so a
script inside a drawing never runs, even when the file is opened on its own.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from learnloop.reports.course_media import media_file
from learnloop.web.deps import PageViewer, PlatformDep

router = APIRouter()

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
CACHE = "private, max-age=86400"  # a day: courses change between terms, not between pages


@router.get("/media/{slug}/{path:path}")
def media(
    request: Request, platform: PlatformDep, viewer: PageViewer, slug: str, path: str
) -> Response:
    found = media_file(platform.db, viewer, slug, path)
    etag = f'"{found.sha256}"'
    headers = {"ETag": etag, "Cache-Control": CACHE}
    if found.content_type == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_POLICY
    if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(found.content, media_type=found.content_type, headers=headers)
