"""The text files of a course folder as the author wrote them (course.yaml, activities/*.md,
items/*.yaml: what the course loader reads), comments and layout kept, for the platform to keep
beside the course it loaded and give back as a folder (content.course_archive)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

__all__ = ["SOURCE_PATTERNS", "item_lines", "source_texts", "starter_text", "text_digest"]

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


def text_digest(text: str) -> str:
    """The SHA-256 of a source file's text, as the course editor's form carries it: what the
    file was when the form was opened, so that saving over someone else's later change is
    refused (services.course_edits)."""
    return hashlib.sha256(text.encode()).hexdigest()


# An item's first line in an item file: "- id: pw-3" (docs/course-format.md), quoted or not.
_ITEM_ID = re.compile(r"""^\s*-\s+id:\s*["']?([A-Za-z0-9_.-]+)["']?\s*(?:#.*)?$""")


def item_lines(sources: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """Where each item is written among a course's kept source files: (path, line, from 1), for
    the course editor to open an item's file at it."""
    found: dict[str, tuple[str, int]] = {}
    for path, text in sources.items():
        if not path.startswith("items/"):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = _ITEM_ID.match(line)
            if match and match.group(1) not in found:
                found[match.group(1)] = (path, number)
    return found


def starter_text(path: str, objective: str) -> str:
    """What a new file of the course editor starts as: the shape docs/course-format.md gives,
    about ``objective`` (one of the course's), for the author to fill in. An activity is valid as
    it stands; an item file's questions must also be listed by an activity (its ``items:``)."""
    name = path.rsplit("/", 1)[-1].split(".", 1)[0]
    if path.startswith("activities/"):
        return (
            "---\n"
            "title: A title learners read\n"
            "modality: reading          # reading | video | interactive | hands-on | project\n"
            "minutes: 10                # the time it takes, 1 to 600\n"
            f"objectives: [{objective}]   # the objectives it teaches: keys from course.yaml\n"
            "# items: [an-item-id]      # the questions shown under the text, in this order\n"
            "---\n"
            "What the learner reads, in Markdown.\n"
        )
    return (
        '# Questions (docs/course-format.md, items/NAME.yaml): each starts with "- id:".\n'
        f"- id: {name}-1\n"
        "  type: single_choice\n"
        f"  objective: {objective}\n"
        "  prompt: The question, in Markdown\n"
        "  choices:\n"
        "    - text: The right answer\n"
        "      correct: true\n"
        "      feedback: Why it is right.\n"
        "    - text: A wrong answer\n"
        "      feedback: Why it is wrong, and what to look at again.\n"
        "  hints:\n"
        "    - A first nudge toward the answer.\n"
        "  solution: The worked answer, step by step.\n"
    )
