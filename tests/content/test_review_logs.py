"""Reading SuperMemo repetition histories: order, grades, the SM-15 predictions, errors, and the
shared dataset where it is present."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from learnloop.content.review_logs import read_supermemo_folder, read_supermemo_history
from learnloop.exceptions import ContentError

DATASETS = Path(
    os.environ.get("LEARNLOOP_DATASETS", Path(__file__).parents[2].parent / "shared" / "datasets")
)

# Written here in the export's layout: each item's repetitions newest first.
EXPORT = """Repetition history backup (SuperMemo 18)
Date=Aug 14, 2023, Mon, 19:39
Item #7
ElNo=7 Rep=4 Laps=1 Date=20.01.2022 Hour=9.5 Int=10 Grade=4 Priority=1 Difficulty=0.5 expFI=15
ElNo=7 Rep=3 Laps=1 Date=10.01.2022 Hour=21.0 Int=5 Grade=1 Priority=1 Difficulty=0.5 expFI=30
ElNo=7 Rep=2 Laps=0 Date=05.01.2022 Int=4 Grade=5 Priority=1 Difficulty=0.5 expFI=20
ElNo=7 Rep=1 Laps=0 Date=01.01.2022 Hour=8.0 Int=0 Grade=8 Priority=1 expFI=99

Item #3
ElNo=3 Rep=2 Laps=0 Date=03.01.2022 Hour=12.0 Int=2 Grade=3 Priority=1 Difficulty=0.4 expFI=5
ElNo=3 Rep=1 Laps=0 Date=01.01.2022 Hour=12.0 Int=0 Grade=2 Priority=1 expFI=99
"""


def test_reviews_come_in_time_order_with_grades_mapped(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(EXPORT)
    c = read_supermemo_history(path)
    h = c.history
    # item 3 first (dense ids by ElNo), then item 7 without its first presentation (grade 8)
    assert h.memory.tolist() == [0, 0, 1, 1, 1]
    assert h.rating.tolist() == [1, 2, 4, 1, 3]  # grades 2, 3 | 5, 1, 4
    assert h.elapsed_days.tolist() == [0, 2, 0, 5, 10]
    np.testing.assert_allclose(c.sm15_recall, [0.01, 0.95, 0.8, 0.7, 0.85])
    assert c.days.min() == 0.0
    split = c.time_split(0.6)
    assert split.sum() == 3
    assert not split[np.argmax(c.days)]


def test_an_unreadable_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_text(EXPORT.replace("Date=10.01.2022", "Date=10/01/2022"))
    with pytest.raises(ContentError) as err:
        read_supermemo_history(path)
    assert str(err.value.issues[0]).endswith("broken.txt:5: unreadable repetition line")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ContentError, match="no SuperMemo export"):
        read_supermemo_folder(empty)


@pytest.mark.skipif(not (DATASETS / "revlogs").is_dir(), reason=f"datasets not found at {DATASETS}")
def test_the_shared_review_logs_have_the_documented_items() -> None:
    collections = read_supermemo_folder(DATASETS / "revlogs" / "supermemo")
    assert len(collections) == 8
    # 23,324 items in all, of which those with at least one graded review remain
    items = sum(int(c.history.first.sum()) for c in collections)
    assert 20_000 < items <= 23_324
    assert all(np.isin(c.history.rating, [1, 2, 3, 4]).all() for c in collections)
