"""Reading response logs for the learner models: the published knowledge-tracing datasets and a
generic CSV, each into ``engine.ResponseLog`` with dense ids, learners' rows in time order.

- ``kt/assistments09``: tab-separated ``user_id item_id timestamp correct skill_id`` in
  ``preprocessed_data_{train,test}.csv`` (the published learner-level split of Gervet et al. 2020),
  with ``q_mat.npz`` (scipy's CSR layout, read here with numpy) giving each item's KCs.
- ``kt/assist2015``: pyKT's ``fold,uid,concepts,responses`` lines (one learner's sequence, maybe
  in several chunks); ``test.csv`` is the published test set. No item ids: item = concept.
- a generic CSV: ``user_id,item_id,skill_id,correct`` and an optional ``timestamp``; several
  skills of one item are separated by ``_`` and become the item's KCs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from learnloop.engine import ResponseLog
from learnloop.engine.response_log import QMatrix
from learnloop.exceptions import ContentError, ContentIssue

__all__ = [
    "Split",
    "learner_folds",
    "read_assist2015",
    "read_assistments09",
    "read_csv_split",
    "read_dataset",
]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Split:
    name: str
    train: ResponseLog
    test: ResponseLog


def _dense(values: npt.NDArray[np.int64]) -> IntArray:
    _, idx = np.unique(values, return_inverse=True)
    return idx.astype(np.int64)


def read_assistments09(root: Path) -> Split:
    folder = root / "kt" / "assistments09"
    q = np.load(folder / "q_mat.npz", allow_pickle=False)
    if q["format"].item() != b"csr":
        raise ContentError([ContentIssue(str(folder / "q_mat.npz"), 0, "expected a CSR matrix")])
    q_matrix = QMatrix(
        q["indptr"].astype(np.int64), q["indices"].astype(np.int64), int(q["shape"][1])
    )
    parts = []
    for name in ("train", "test"):
        data = np.loadtxt(
            folder / f"preprocessed_data_{name}.csv", delimiter="\t", skiprows=1, dtype=np.int64
        )
        parts.append(data)
    n_train = len(parts[0])
    both = np.vstack(parts)
    learner = _dense(both[:, 0])
    log = ResponseLog(learner, both[:, 4].copy(), both[:, 1].copy(), both[:, 3].copy(), q_matrix)
    mask = np.arange(len(both)) < n_train
    return Split("kt/assistments09 (published split)", log.take(mask), log.take(~mask))


def _read_pykt(path: Path) -> list[tuple[str, list[int], list[int]]]:
    out = []
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        for line, row in enumerate(reader, start=2):
            try:
                concepts = [int(c) for c in row["concepts"].split(",")]
                responses = [int(r) for r in row["responses"].split(",")]
            except (KeyError, ValueError) as exc:
                raise ContentError(
                    [ContentIssue(str(path), line, f"not a pyKT row: {exc}")]
                ) from None
            pairs = [
                (c, r) for c, r in zip(concepts, responses, strict=True) if r in (0, 1) and c >= 0
            ]
            out.append((row["uid"], [c for c, _ in pairs], [r for _, r in pairs]))
    return out


def read_assist2015(root: Path) -> Split:
    folder = root / "kt" / "assist2015"
    logs = []
    for name in ("train_valid.csv", "test.csv"):
        learners: list[int] = []
        concepts: list[int] = []
        answers: list[int] = []
        for uid, cs, rs in _read_pykt(folder / name):
            learners.extend([int(uid)] * len(cs))
            concepts.extend(cs)
            answers.extend(rs)
        logs.append((learners, concepts, answers))
    n_train = len(logs[0][0])
    learner = _dense(np.array(logs[0][0] + logs[1][0], dtype=np.int64))
    # test learners are other people even where pyKT reuses an id: keep them apart
    learner[n_train:] += int(learner[:n_train].max()) + 1
    concept = np.array(logs[0][1] + logs[1][1], dtype=np.int64)
    correct = np.array(logs[0][2] + logs[1][2], dtype=np.int64)
    log = ResponseLog(learner, concept, concept.copy(), correct)
    mask = np.arange(len(correct)) < n_train
    return Split("kt/assist2015 (published split)", log.take(mask), log.take(~mask))


class _Ids:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, key: str) -> int:
        return self.ids.setdefault(key, len(self.ids))


def _read_csv(
    path: Path, learners: _Ids, items: _Ids, skills: _Ids, kcs: _Ids, item_kcs: dict[int, list[int]]
) -> ResponseLog:
    rows: list[tuple[int, float, int, int, int, int]] = []
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        missing = {"user_id", "item_id", "skill_id", "correct"} - set(reader.fieldnames or [])
        if missing:
            raise ContentError(
                [ContentIssue(str(path), 1, f"missing column(s): {', '.join(sorted(missing))}")]
            )
        timed = "timestamp" in (reader.fieldnames or [])
        for line, row in enumerate(reader, start=2):
            if row["correct"] not in ("0", "1"):
                raise ContentError(
                    [
                        ContentIssue(
                            str(path), line, f"correct must be 0 or 1, not {row['correct']!r}"
                        )
                    ]
                )
            try:
                when = float(row["timestamp"]) if timed and row["timestamp"] else 0.0
            except ValueError:
                raise ContentError(
                    [
                        ContentIssue(
                            str(path), line, f"timestamp {row['timestamp']!r} is not a number"
                        )
                    ]
                ) from None
            item = items(row["item_id"])
            if item not in item_kcs:
                item_kcs[item] = [kcs(k) for k in row["skill_id"].split("_") if k]
            rows.append(
                (
                    learners(row["user_id"]),
                    when,
                    len(rows),
                    item,
                    skills(row["skill_id"]),
                    int(row["correct"]),
                )
            )
    rows.sort(key=lambda r: (r[0], r[1], r[2]))  # each learner's rows by time, file order on ties
    data = np.array([(r[0], r[4], r[3], r[5]) for r in rows], dtype=np.int64).reshape(-1, 4)
    return ResponseLog(data[:, 0].copy(), data[:, 1].copy(), data[:, 2].copy(), data[:, 3].copy())


def read_csv_split(train: Path, test: Path | None = None) -> tuple[ResponseLog, ResponseLog | None]:
    """Generic CSV file(s); ids are shared between the two files, and so is the q-matrix."""
    learners, items, skills, kcs = _Ids(), _Ids(), _Ids(), _Ids()
    item_kcs: dict[int, list[int]] = {}
    train_log = _read_csv(train, learners, items, skills, kcs, item_kcs)
    test_log = _read_csv(test, learners, items, skills, kcs, item_kcs) if test else None
    q = QMatrix.from_lists([item_kcs[i] for i in range(len(items.ids))])
    train_log = ResponseLog(
        train_log.learner, train_log.skill, train_log.item, train_log.correct, q
    )
    if test_log is not None:
        test_log = ResponseLog(test_log.learner, test_log.skill, test_log.item, test_log.correct, q)
    return train_log, test_log


def learner_folds(log: ResponseLog, k: int, seed: int) -> list[tuple[ResponseLog, ResponseLog]]:
    """k (train, test) pairs splitting learners, never one learner's rows, at random."""
    learners = np.unique(log.learner)
    fold_of = np.random.default_rng(seed).permutation(len(learners)) % k
    fold = fold_of[np.searchsorted(learners, log.learner)]
    return [(log.take(fold != f), log.take(fold == f)) for f in range(k)]


def read_dataset(root: Path, name: str) -> Split:
    readers = {"kt/assistments09": read_assistments09, "kt/assist2015": read_assist2015}
    if name not in readers:
        raise ContentError(
            [ContentIssue(name, 0, f"unknown dataset; use one of {sorted(readers)} or a CSV path")]
        )
    return readers[name](root)
