"""A course folder sent as a zip: unpacked where the course sits (at the top or in one folder),
and refused, with nothing written, when an entry would leave the folder, is a link, or when the
archive holds more files or bytes than a course can need."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from learnloop.content import course_archive, load_course
from learnloop.content.course_archive import unpack_course_archive
from learnloop.exceptions import ContentError
from tests.conftest import DEMO_COURSE


def zipped(folder: Path, *, prefix: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    """The folder's files as a zip, under ``prefix`` (a folder inside the zip, or none)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, prefix + path.relative_to(folder).as_posix())
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return buffer.getvalue()


def entries(**files: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buffer.getvalue()


def problems(data: bytes, into: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        unpack_course_archive(data, into, name="course.zip")
    return [str(issue) for issue in caught.value.issues]


@pytest.mark.parametrize("prefix", ["", "fractions/"])
def test_the_course_is_found_at_the_top_or_in_its_one_folder(prefix: str, tmp_path: Path) -> None:
    junk = {"__MACOSX/fractions/._course.yaml": b"\0", f"{prefix}.DS_Store": b"\0"}
    root = unpack_course_archive(zipped(DEMO_COURSE, prefix=prefix, extra=junk), tmp_path,
                                 name="fractions.zip")  # fmt: skip
    assert root == (tmp_path / prefix.rstrip("/") if prefix else tmp_path)
    assert not (tmp_path / "__MACOSX").exists()
    assert not (root / ".DS_Store").exists()
    unpacked, original = load_course(root), load_course(DEMO_COURSE)
    assert unpacked.items == original.items
    assert unpacked.activities.keys() == original.activities.keys()
    assert {k: m.sha256 for k, m in unpacked.media.items()} == {
        k: m.sha256 for k, m in original.media.items()
    }


def test_a_zip_without_a_course_says_what_to_send(tmp_path: Path) -> None:
    found = problems(
        entries(**{"a/course.yaml": b"slug: a", "b/course.yaml": b"slug: b"}), tmp_path
    )
    assert found == ["course.zip:0: no course.yaml at its top or in its one folder: zip the "
                     "course folder itself (docs/course-format.md)"]  # fmt: skip
    assert problems(b"course.yaml: not a zip", tmp_path / "x") == ["course.zip:0: not a zip file"]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../escaped.md", "'..' in the path"),
        ("course/../../escaped.md", "'..' in the path"),
        ("/etc/escaped.md", "an absolute path"),
        ("C:/escaped.md", "an absolute path"),
        ("..\\escaped.md", "'..' in the path"),
    ],
)
def test_an_entry_that_would_leave_the_folder_is_refused_and_nothing_is_written(
    name: str, why: str, tmp_path: Path
) -> None:
    into = tmp_path / "into"
    into.mkdir()
    data = entries(**{"course.yaml": b"slug: x", name: b"outside"})
    found = problems(data, into)
    assert len(found) == 1
    assert found[0].startswith(f"course.zip:{name}:0: {why}")
    assert list(into.iterdir()) == []
    assert [p.name for p in tmp_path.rglob("escaped.md")] == []


def test_a_link_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("course.yaml", b"slug: x")
        link = zipfile.ZipInfo("media/passwd")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    assert problems(buffer.getvalue(), tmp_path) == [
        "course.zip:media/passwd:0: a link: a course folder holds files only"
    ]
    assert list(tmp_path.iterdir()) == []


def test_too_many_files_or_bytes_are_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(course_archive, "MAX_ARCHIVE_FILES", 3)
    many = entries(**{f"items/{n}.yaml": b"[]" for n in range(4)})
    assert problems(many, tmp_path) == ["course.zip:0: 4 entries: a course may have 3"]
    monkeypatch.setattr(course_archive, "MAX_UNPACKED_BYTES", 1000)
    # a "bomb": a megabyte of zeros that compresses to about a kilobyte
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("course.yaml", b"\0" * 1_000_000)
    assert len(bomb.getvalue()) < 5_000
    assert problems(bomb.getvalue(), tmp_path) == [
        "course.zip:0: it unpacks to 1000000 bytes: a course may have 1000"
    ]
    assert list(tmp_path.iterdir()) == []


def test_an_entry_whose_header_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    data = bytearray(entries(**{"course.yaml": b"slug: honest\n" * 100}))
    # the central directory says 13 bytes where 1,300 follow: zipfile stops at 13 and the
    # check of its CRC fails, so the file is refused rather than cut short
    header = data.rfind(b"PK\x01\x02")
    data[header + 24 : header + 28] = (13).to_bytes(4, "little")
    found = problems(bytes(data), tmp_path)
    assert len(found) == 1
    assert found[0].startswith("course.zip:0: cannot unpack it:")
