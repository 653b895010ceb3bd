"""Reading spaced-repetition review logs: SuperMemo 18's "Repetition history" export.

Each item's block lists its repetitions newest first, one per line::

    ElNo=62 Rep=2 Laps=1 Date=16.03.2022 Hour=21.516 Int=1 Grade=3 ... expFI=12

Grades 0-5 are reviews: 0-2 mean forgotten ("again"), 3, 4 and 5 map to FSRS's hard, good and
easy. Grades above 5 mark a first presentation or a memorisation event, not a recall test, and
are left out (as the FSRS-vs-SM-15 comparison does). SM-15's own prediction of recall before a
review is ``1 - expFI / 100``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from learnloop.engine.memory import ReviewHistory
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["ReviewCollection", "read_supermemo_folder", "read_supermemo_history"]

FloatArray = npt.NDArray[np.float64]

_LINE = re.compile(
    r"^ElNo=(?P<item>\d+) Rep=\d+ Laps=\d+ Date=(?P<date>\d\d\.\d\d\.\d{4}) "
    r"(?:Hour=(?P<hour>[\d.]+) )?Int=\d+ Grade=(?P<grade>\d+)\b.*?(?:expFI=(?P<fi>-?\d+))?\s*$"
)
_REVIEW_GRADES = range(6)


@dataclass(frozen=True)
class ReviewCollection:
    """One person's reviews: the history, when each review happened, and SM-15's predictions."""

    name: str
    history: ReviewHistory
    days: FloatArray  # days since the collection's first review, for a time split
    sm15_recall: FloatArray  # SM-15's predicted recall before each review (NaN where absent)

    def time_split(self, train_share: float = 0.8) -> npt.NDArray[np.bool_]:
        """True on reviews before the moment that leaves ``train_share`` of reviews earlier."""
        cutoff = float(np.quantile(self.days, train_share))
        return self.days < cutoff


def _rating(grade: int) -> int:
    return 1 if grade <= 2 else grade - 1  # 3 -> hard (2), 4 -> good (3), 5 -> easy (4)


def read_supermemo_history(path: Path) -> ReviewCollection:
    """One export file; ``ContentError`` names the file and line of anything unreadable."""
    rows: list[tuple[int, float, int, float]] = []  # item, time (days), rating, sm15
    issues: list[ContentIssue] = []
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.startswith("ElNo="):
                continue
            m = _LINE.match(line)
            if m is None:
                issues.append(ContentIssue(str(path), number, "unreadable repetition line"))
                continue
            grade = int(m["grade"])
            if grade not in _REVIEW_GRADES:
                continue
            day = datetime.strptime(m["date"], "%d.%m.%Y").toordinal()
            fi = m["fi"]
            sm15 = 1.0 - int(fi) / 100.0 if fi is not None else float("nan")
            hour = float(m["hour"]) if m["hour"] else 0.0  # a few lines have no hour
            rows.append((int(m["item"]), day + hour / 24.0, _rating(grade), sm15))
    if issues:
        raise ContentError(issues)
    if not rows:
        raise ContentError([ContentIssue(str(path), 1, "no review (grade 0-5) found")])
    table = np.array(rows, dtype=np.float64)
    order = np.lexsort((table[:, 1], table[:, 0]))  # by item, then time
    table = table[order]
    item = table[:, 0].astype(np.int64)
    time = table[:, 1]
    first = np.ones(len(item), dtype=bool)
    first[1:] = item[1:] != item[:-1]
    # Whole days between reviews, counted by calendar date as SuperMemo and FSRS count them.
    elapsed = np.zeros(len(item))
    elapsed[1:] = np.floor(time[1:]) - np.floor(time[:-1])
    elapsed[first] = 0.0
    _, dense = np.unique(item, return_inverse=True)
    history = ReviewHistory(dense.astype(np.int64), elapsed, table[:, 2].astype(np.int64))
    return ReviewCollection(path.stem, history, time - time.min(), table[:, 3])


def read_supermemo_folder(folder: Path) -> list[ReviewCollection]:
    """Every ``*.txt`` export in ``folder``, by file name."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise ContentError([ContentIssue(str(folder), 0, "no SuperMemo export (*.txt) here")])
    return [read_supermemo_history(p) for p in files]
