"""The images, sounds and videos a QTI item shows, copied from its package into the course's
``media/`` folder (``content.course_media``) with the item's links rewritten to them.

A link is read relative to the item file inside the package, as QTI packages mean it. Each file
lands under ``media/<bank stem>/``, its name kept where it is a name a course may use. A link to
a file the package lacks, or of a kind pages do not show, is an issue named by the item's file:
nothing is written then.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from html import escape, unescape
from typing import Any
from urllib.parse import unquote

from learnloop.content.course_media import MEDIA_TYPES
from learnloop.exceptions import ContentIssue

__all__ = ["AssetReader", "copy_item_media"]

AssetReader = Callable[[str], bytes | None]  # a package path to its bytes (None: not there)
_LINK = re.compile(r'(<(?:img|audio|video|source|track)\b[^>]*?\s(?:src|poster)=")([^"]*)(")')
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _local(src: str) -> bool:
    return bool(src) and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^/|^#", src)


def _name(path: str) -> str:
    parts = [_UNSAFE.sub("-", p).strip("-.") or "file" for p in path.split("/")]
    return "/".join(parts)


def copy_item_media(
    item: dict[str, Any],
    *,
    href: str,
    label: str,
    stem: str,
    read: AssetReader,
    media: dict[str, bytes],
    issues: list[ContentIssue],
) -> dict[str, Any]:
    """``item`` with each local link rewritten to ``media/<stem>/...``, the file added to
    ``media`` (its path inside media/); problems added to ``issues`` under ``label``."""
    base = posixpath.dirname(href)

    def rewrite(match: re.Match[str]) -> str:
        src = unescape(match.group(2))
        if not _local(src):
            return match.group(0)
        inside = posixpath.normpath(posixpath.join(base, src.split("#")[0].split("?")[0]))
        suffix = posixpath.splitext(inside)[1].lower()
        if suffix not in MEDIA_TYPES:
            kind = suffix or "file without an extension"
            issues.append(ContentIssue(label, 0, f"shows {src}: a {kind} is not a kind pages show"))
            return match.group(0)
        content = None
        if not inside.startswith("../"):  # outside the package: never read
            decoded = unquote(inside)  # a link's %20 is the file's space
            content = read(decoded)
            if content is None:
                content = read(inside)
            else:
                inside = decoded
        if content is None:
            issues.append(ContentIssue(label, 0, f"shows {src}, which is not in the package"))
            return match.group(0)
        target = f"{stem}/{_name(inside)}"
        media[target] = content
        return f"{match.group(1)}{escape(f'media/{target}')}{match.group(3)}"

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return _LINK.sub(rewrite, value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    out: dict[str, Any] = walk(item)
    return out
