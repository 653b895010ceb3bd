"""A course's media folder: its files are checked, the text's links to them are checked by file
and line and rewritten to where the platform serves them, and their bytes are read back for the
import only while unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.content import course_media, load_course
from learnloop.content.course_media import media_bytes
from learnloop.exceptions import ContentError
from tests.content.course_factory import ITEMS, PNG, WITH_IMAGES, media_course


def problems(root: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(ContentError) as caught:
        load_course(root)
    return [(i.file, i.line, i.message) for i in caught.value.issues]


def test_media_files_are_listed_and_the_texts_links_point_where_they_are_served(
    tmp_path: Path,
) -> None:
    course = load_course(media_course(tmp_path))
    assert set(course.media) == {"dot.png", "charts/pie.svg"}
    assert course.media["dot.png"].content_type == "image/png"
    assert course.media["dot.png"].size == len(PNG)
    assert course.media["charts/pie.svg"].content_type == "image/svg+xml"
    body = course.activities["a-read"].body
    assert 'src="/media/mini/dot.png"' in body
    assert 'src="/media/mini/charts/pie.svg"' in body
    assert 'href="https://example.org/media/other.png"' in body  # not ours: left alone
    assert media_bytes(tmp_path, course)["dot.png"] == PNG


def test_an_item_may_show_media_too(tmp_path: Path) -> None:
    items = ITEMS.replace("prompt: Pick one", 'prompt: "Pick one ![dot](media/dot.png)"')
    course = load_course(media_course(tmp_path, **{"items/items.yaml": items}))
    assert 'src="/media/mini/dot.png"' in course.items["a-1"].prompt


def test_a_link_to_a_missing_file_is_named_by_file_and_line(tmp_path: Path) -> None:
    items = ITEMS.replace("prompt: How much?", 'prompt: "How much? ![](media/jug.png)"')
    root = media_course(tmp_path, **{"items/items.yaml": items})
    (root / "media" / "dot.png").unlink()
    found = problems(root)
    line = WITH_IMAGES.splitlines().index("![a dot](media/dot.png)") + 1
    assert (
        "activities/a-read.md",
        line,
        "media/dot.png is not in the course's media folder",
    ) in found
    line = ITEMS.splitlines().index("  prompt: How much?") + 1
    assert ("items/items.yaml", line, "media/jug.png is not in the course's media folder") in found


def test_files_pages_cannot_show_or_that_are_too_large_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = media_course(tmp_path)
    (root / "media" / "notes.exe").write_bytes(b"MZ")
    (root / "media" / "my dot.png").write_bytes(PNG)
    (root / "media" / ".DS_Store").write_bytes(b"\0")  # the desktop's own: skipped, not refused
    monkeypatch.setattr(course_media, "MAX_MEDIA_BYTES", 50)  # the PNG has more, the SVG less
    found = {(file, message.split(" ")[0]) for file, _, message in problems(root)}
    assert found == {("media/notes.exe", "a"), ("media/my dot.png", "name"),
                     ("media/dot.png", f"{len(PNG) / 1e6:.1f}")}  # fmt: skip


def test_a_file_changed_after_loading_is_not_imported(tmp_path: Path) -> None:
    course = load_course(media_course(tmp_path))
    (tmp_path / "media" / "dot.png").write_bytes(PNG + b"more")
    with pytest.raises(ValueError, match=r"media/dot\.png changed"):
        media_bytes(tmp_path, course)
