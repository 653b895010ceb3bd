"""A course's ``media/`` folder: the images, sounds and videos its text shows as ``media/<path>``
(Markdown ``![a pie cut in four](media/pie-quarters.svg)``, or HTML ``<img src="media/...">``).

Loading checks both ways, naming file and line: every ``media/...`` the course's text names must
be in the folder, and every file in the folder must be of a kind browsers show and small enough
to serve. The pages then find each file at ``/media/<course slug>/<path>`` (``content.markdown``
rewrites the links as it renders). The bytes are stored with the course when it is imported
(``services.courses.import_course``), so an instance needs no course folder to serve them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from learnloop.content.source_issues import SourceIssues
from learnloop.domain import Course, MediaFile

__all__ = [
    "MAX_MEDIA_BYTES",
    "MEDIA_TYPES",
    "media_bytes",
    "read_media",
    "unknown_media_references",
]

# What browsers show inline, by extension. SVG is served with a sandboxing Content-Security-
# Policy, so a script in a drawing never runs (web.pages.media).
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".vtt": "text/vtt",  # captions for a video (<track>)
}
# One file at most: a few minutes of compressed video. A longer one belongs on a video host,
# which courses link to; the pages must stay light on school networks (product.md, Operations).
MAX_MEDIA_BYTES = 25 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# A reference in the course's text: media/ not preceded by a path or word character, so that
# "https://example.org/media/x.png" is somebody else's file, not one of ours.
REFERENCE = re.compile(r"(?<![\w/.-])media/([A-Za-z0-9_][A-Za-z0-9_./-]*[A-Za-z0-9_])")
_TEXT_FILES = ("course.yaml", "activities/*.md", "items/*.yaml")


def read_media(root: Path, issues: SourceIssues) -> tuple[dict[str, MediaFile], set[str]]:
    """The files of ``root/media``, by path, each checked (kind, size, name); and the paths of
    those refused (already reported, so a link to one is not reported again as missing)."""
    folder = root / "media"
    found: dict[str, MediaFile] = {}
    refused: set[str] = set()
    if not folder.is_dir():
        return found, refused
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        where = f"media/{relative}"
        if path.name.startswith("."):
            continue  # .DS_Store and the like: never shown, never served
        refused.add(relative)  # until it passes every check
        if not all(_NAME.fullmatch(part) for part in relative.split("/")):
            issues.add(where, 0, "name media files with letters, digits, '-', '_' and '.' only")
            continue
        kind = MEDIA_TYPES.get(path.suffix.lower())
        if kind is None:
            issues.add(where, 0, f"a {path.suffix or 'file without an extension'} is not a kind "
                       f"pages show; use one of {', '.join(sorted(MEDIA_TYPES))}")  # fmt: skip
            continue
        content = path.read_bytes()
        if len(content) > MAX_MEDIA_BYTES:
            issues.add(where, 0, f"{len(content) / 1e6:.1f} MB is over the "
                       f"{MAX_MEDIA_BYTES // (1024 * 1024)} MiB a media file may have")  # fmt: skip
            continue
        refused.discard(relative)
        found[relative] = MediaFile(relative, kind, len(content),
                                    hashlib.sha256(content).hexdigest())  # fmt: skip
    return found, refused


def unknown_media_references(
    root: Path, media: dict[str, MediaFile], refused: set[str], issues: SourceIssues
) -> None:
    """Every ``media/...`` the course's text names that its folder lacks, by file and line."""
    for pattern in _TEXT_FILES:
        for path in sorted(root.glob(pattern)):
            name = path.relative_to(root).as_posix()
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue  # the loader reports an unreadable file itself
            for number, line in enumerate(lines, start=1):
                for match in REFERENCE.finditer(line):
                    if match.group(1) not in media and match.group(1) not in refused:
                        issues.add(name, number, f"media/{match.group(1)} is not in the course's "
                                   "media folder")  # fmt: skip


def media_bytes(root: Path | str, course: Course) -> dict[str, bytes]:
    """The bytes of each of the course's media files, read again and checked against the hash
    the course was loaded with (a file changed since then is an error, not a silent swap)."""
    out: dict[str, bytes] = {}
    for relative, media in course.media.items():
        content = (Path(root) / "media" / relative).read_bytes()
        if hashlib.sha256(content).hexdigest() != media.sha256:
            raise ValueError(f"media/{relative} changed while the course was being imported")
        out[relative] = content
    return out
