"""A small valid course written into a temporary folder, for tests to break one thing at a time."""

from __future__ import annotations

from pathlib import Path

COURSE_YAML = """\
slug: mini
title: Mini course
objectives:
  - key: a
    title: Objective A
    statement: I can do A.
  - key: b
    title: Objective B
    statement: I can do B.
    prerequisites: [a]
"""

ACTIVITY_A = """\
---
title: Learn A
modality: reading
minutes: 5
objectives: [a]
items: [a-1]
---
Read **this**.
"""

ACTIVITY_B = """\
---
title: Practise B
modality: interactive
minutes: 5
objectives: [b]
items: [b-1]
---
Practise.
"""

ITEMS = """\
- id: a-1
  type: single_choice
  objective: a
  prompt: Pick one
  choices:
    - text: right
      correct: true
      feedback: yes
    - text: wrong
      feedback: no
  hints: [think]
  solution: because
- id: b-1
  type: numeric
  objective: b
  prompt: How much?
  answer: 3/4
"""


def write_course(root: Path, **overrides: str) -> Path:
    """Write the course; ``overrides`` maps a relative path (with / or __) to new content."""
    files = {
        "course.yaml": COURSE_YAML,
        "activities/a-read.md": ACTIVITY_A,
        "activities/b-practice.md": ACTIVITY_B,
        "items/items.yaml": ITEMS,
    }
    files.update({k.replace("__", "/"): v for k, v in overrides.items()})
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
WITH_IMAGES = ACTIVITY_A.replace(
    "Read **this**.",
    "Read **this**.\n\n![a dot](media/dot.png)\n\n"
    '<img src="media/charts/pie.svg" alt="a pie">\n\n'
    "[somebody else's](https://example.org/media/other.png)\n",
)


def media_course(root: Path, **overrides: str) -> Path:
    """The course with a media folder (a PNG and, in a subfolder, an SVG) that its first
    activity shows."""
    write_course(root, **{"activities/a-read.md": WITH_IMAGES, **overrides})
    (root / "media" / "charts").mkdir(parents=True)
    (root / "media" / "dot.png").write_bytes(PNG)
    (root / "media" / "charts" / "pie.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    return root
