"""Writing an imported question bank into a course folder: the items as ``items/NAME.yaml``, an
activity ``activities/NAME-questions.md`` that lists them, then the whole course loaded as the
platform would load it. On any problem nothing is left written (content.gift, content.qti)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from learnloop.content.course_loader import load_course
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["bank_stem", "write_bank"]


def bank_stem(source: Path, default: str) -> str:
    """The name the bank's files take: the source's name, in lower-case letters, digits and -."""
    return re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-") or default


def write_bank(
    course_dir: Path,
    *,
    stem: str,
    items: list[dict[str, Any]],
    objective: str,
    source: str,
    how: str,
    media: dict[str, bytes] | None = None,
) -> tuple[Path, Path, int]:
    """Write ``items`` and their activity for ``objective``, and the ``media`` files they show
    (by path inside the course's media folder), then load the course; ``source`` and ``how``
    (e.g. "Moodle GIFT, by learnloop import-gift") go into the files' comments."""
    items_path = course_dir / "items" / f"{stem}.yaml"
    activity_path = course_dir / "activities" / f"{stem}-questions.md"
    media_paths = {course_dir / "media" / relative: content
                   for relative, content in (media or {}).items()}  # fmt: skip
    for path in (items_path, activity_path, *media_paths):
        if path.exists():
            raise ContentError(
                [ContentIssue(str(path), 0, "exists already: rename the file you import")]
            )
    front = {
        "title": f"Questions: {Path(source).stem}",
        "modality": "interactive",
        "minutes": max(5, 2 * len(items)),
        "objectives": [objective],
        "items": [i["id"] for i in items],
    }
    items_path.parent.mkdir(exist_ok=True)
    activity_path.parent.mkdir(exist_ok=True)
    items_path.write_text(
        f"# Imported from {source} ({how}).\n"
        + yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    activity_path.write_text(
        "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
        f"Questions imported from {source}.\n",
        encoding="utf-8",
    )
    for path, content in media_paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    try:
        load_course(course_dir)
    except ContentError:
        for path in (items_path, activity_path, *media_paths):
            path.unlink()
        raise
    return items_path, activity_path, len(items)
