"""Reading response logs: the generic CSV (multi-skill items, timestamps, errors) and the datasets."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from learnloop.content.response_logs import learner_folds, read_csv_split, read_dataset
from learnloop.exceptions import ContentError

DATASETS = Path(
    os.environ.get("LEARNLOOP_DATASETS", Path(__file__).parents[2].parent / "shared" / "datasets")
)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_generic_csv_orders_by_time_and_builds_the_q_matrix(tmp_path: Path) -> None:
    train = write(
        tmp_path / "train.csv",
        "user_id,item_id,skill_id,correct,timestamp\n"
        "u1,q2,add_sub,0,20\n"
        "u1,q1,add,1,10\n"
        "u2,q1,add,0,5\n",
    )
    test = write(tmp_path / "test.csv", "user_id,item_id,skill_id,correct\nu3,q2,add_sub,1\n")
    train_log, test_log = read_csv_split(train, test)
    assert test_log is not None
    assert train_log.correct.tolist() == [1, 0, 0]  # u1's rows by timestamp, then u2
    q = train_log.q_matrix
    assert q is not None
    assert q.n_kcs == 2
    assert q.kcs(int(test_log.item[0])).tolist() == [0, 1]  # q2 exercises add and sub
    assert test_log.skill[0] == train_log.skill[1]  # the same combination id in both files


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("user_id,item_id,correct\nu,q,1\n", 1, "missing column(s): skill_id"),
        ("user_id,item_id,skill_id,correct\nu,q,s,1\nu,q,s,yes\n", 3, "correct must be 0 or 1"),
        ("user_id,item_id,skill_id,correct,timestamp\nu,q,s,1,noon\n", 2, "is not a number"),
    ],
)
def test_generic_csv_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(ContentError) as info:
        read_csv_split(path)
    (issue,) = info.value.issues
    assert (issue.file, issue.line) == (str(path), line)
    assert fragment in issue.message


def test_learner_folds_never_split_a_learner(tmp_path: Path) -> None:
    rows = "".join(f"u{u},q{i},s{i % 3},{(u + i) % 2}\n" for u in range(40) for i in range(5))
    log, _ = read_csv_split(write(tmp_path / "d.csv", "user_id,item_id,skill_id,correct\n" + rows))
    folds = learner_folds(log, 5, seed=3)
    seen: set[int] = set()
    for train, test in folds:
        assert not set(train.learner.tolist()) & set(test.learner.tolist())
        seen |= set(test.learner.tolist())
    assert seen == set(range(40))
    assert sum(len(t) for _, t in folds) == len(log)


@pytest.mark.skipif(not (DATASETS / "kt").is_dir(), reason=f"datasets not found at {DATASETS}")
def test_published_splits_have_the_documented_sizes() -> None:
    a09 = read_dataset(DATASETS, "kt/assistments09")
    assert (len(a09.train), len(a09.test)) == (220_070, 58_266)
    assert len(np.unique(a09.train.learner)) == 2_491
    assert a09.train.q_matrix is not None
    assert a09.train.q_matrix.n_kcs == 123
    a15 = read_dataset(DATASETS, "kt/assist2015")
    assert len(a15.train) + len(a15.test) == 682_797
    assert not set(np.unique(a15.train.learner)) & set(np.unique(a15.test.learner))
