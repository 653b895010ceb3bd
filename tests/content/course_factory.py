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
