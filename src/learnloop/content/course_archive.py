"""A course folder as a zip: one an administrator sends (the admin page or the API), unpacked into
a folder of the caller's so that the course loader reads it as it reads any course folder; and
one the platform gives back (``pack_course_archive``), from the sources and media it kept.

An upload comes from a browser, so the archive is read as untrusted: a name that would land
outside the folder (an absolute path, ``..``, a drive letter), a link, more files or more bytes
than a course can need, or a file that unpacks to more bytes than its header says is refused with
a message naming the entry, and nothing is written. The course may sit at the top of the zip or
in one folder of it (what "compress this folder" makes); what desktop archivers add beside it
(``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``) is left out.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from learnloop.content.course_media import MAX_MEDIA_BYTES
from learnloop.exceptions import ContentError, ContentIssue

__all__ = [
    "MAX_ARCHIVE_FILES",
    "MAX_UNPACKED_BYTES",
    "pack_course_archive",
    "unpack_course_archive",
]

# A course is YAML, Markdown and its media: the demo has about 50 files. Ten thousand leaves room
# for a large course and still refuses an archive built to exhaust the disk's inodes.
MAX_ARCHIVE_FILES = 10_000
# Every media file may have MAX_MEDIA_BYTES (25 MiB); twenty of them at most, with the text, is a
# course that learners on a school's network can still load. A zip "bomb" stops here.
MAX_UNPACKED_BYTES = 20 * MAX_MEDIA_BYTES
_LEFT_OUT = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}
_CHUNK = 1024 * 1024
_PACKED_AT = (2020, 1, 1, 0, 0, 0)  # zip's clock; the course's own dates are in its history


def unpack_course_archive(data: bytes, into: Path, *, name: str) -> Path:
    """Unpack the zip ``data`` (the file the person sent, called ``name`` in messages) into the
    empty folder ``into`` and return the course folder inside it: ``into`` itself, or the one
    folder that holds the course. ContentError names every entry that cannot be unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ContentError([ContentIssue(name, 0, "not a zip file")]) from None
    with archive:
        entries = [e for e in archive.infolist() if not _left_out(e.filename)]
        _check_entries(entries, name)
        try:
            for entry in entries:
                _unpack(archive, entry, into)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise ContentError([ContentIssue(name, 0, f"cannot unpack it: {exc}")]) from None
    return _course_root(into, name)


def _left_out(filename: str) -> bool:
    return any(part in _LEFT_OUT for part in PurePosixPath(filename).parts)


def _check_entries(entries: list[zipfile.ZipInfo], name: str) -> None:
    issues: list[ContentIssue] = []
    if len(entries) > MAX_ARCHIVE_FILES:
        issues.append(
            ContentIssue(name, 0, f"{len(entries)} entries: a course may have {MAX_ARCHIVE_FILES}")
        )
    declared = sum(e.file_size for e in entries)
    if declared > MAX_UNPACKED_BYTES:
        issues.append(ContentIssue(name, 0, f"it unpacks to {declared} bytes: a course may have "
                                            f"{MAX_UNPACKED_BYTES}"))  # fmt: skip
    for entry in entries:
        problem = _name_problem(entry)
        if problem:
            issues.append(ContentIssue(f"{name}:{entry.filename}", 0, problem))
    if issues:
        raise ContentError(issues)


def _name_problem(entry: zipfile.ZipInfo) -> str:
    path = entry.filename.replace("\\", "/")
    parts = PurePosixPath(path).parts
    if path.startswith("/") or (parts and ":" in parts[0]):
        return "an absolute path: entries must stay inside the course folder"
    if ".." in parts:
        return "'..' in the path: entries must stay inside the course folder"
    if stat.S_ISLNK(entry.external_attr >> 16):
        return "a link: a course folder holds files only"
    return ""


def _unpack(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, into: Path) -> None:
    """Write one entry, never more bytes than its header declares (the total was checked)."""
    target = into.joinpath(*PurePosixPath(entry.filename.replace("\\", "/")).parts)
    if entry.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(entry) as source, target.open("xb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > entry.file_size:
                raise RuntimeError(f"{entry.filename} unpacks to more than its header says")
            out.write(chunk)


def _course_root(into: Path, name: str) -> Path:
    if (into / "course.yaml").is_file():
        return into
    children = list(into.iterdir())
    if len(children) == 1 and (children[0] / "course.yaml").is_file():
        return children[0]
    problem = "no course.yaml at its top or in its one folder: zip the course folder itself"
    raise ContentError([ContentIssue(name, 0, f"{problem} (docs/course-format.md)")])


def pack_course_archive(slug: str, sources: Mapping[str, str], media: Mapping[str, bytes]) -> bytes:
    """The course folder ``slug/`` as a zip: its source files (path to text) and its media files
    (path inside media/ to bytes), in path order, with one fixed timestamp, so that the same
    course gives the same bytes. Sending it back unchanged changes nothing."""
    buffer = io.BytesIO()
    files = [(path, text.encode("utf-8")) for path, text in sources.items()]
    files += [(f"media/{path}", content) for path, content in media.items()]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(files):
            info = zipfile.ZipInfo(f"{slug}/{path}", date_time=_PACKED_AT)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
