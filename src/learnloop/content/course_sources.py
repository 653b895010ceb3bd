"""The text files of a course folder as the author wrote them (course.yaml, activities/*.md,
items/*.yaml: what the course loader reads), comments and layout kept, for the platform to keep
beside the course it loaded and give back as a folder (content.course_archive)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SOURCE_PATTERNS", "source_texts"]

# What content.course_loader reads besides media/ (kept as bytes, content.course_media).
SOURCE_PATTERNS = ("course.yaml", "activities/*.md", "items/*.yaml")


def source_texts(root: Path | str) -> dict[str, str]:
    """Each source file of the course folder ``root`` by its path in the folder (with /), read
    as the loader reads it (UTF-8)."""
    folder = Path(root)
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for pattern in SOURCE_PATTERNS
        for path in sorted(folder.glob(pattern))
        if path.is_file()
    }
