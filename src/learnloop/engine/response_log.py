"""A log of responses in the column layout every learner model fits on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["QMatrix", "ResponseLog"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class QMatrix:
    """Which knowledge components (KCs) each item exercises, as compressed rows: the KCs of item
    ``i`` are ``indices[indptr[i]:indptr[i + 1]]``."""

    indptr: IntArray
    indices: IntArray
    n_kcs: int

    @classmethod
    def from_lists(cls, kcs_per_item: list[list[int]]) -> QMatrix:
        lengths = np.array([len(k) for k in kcs_per_item], dtype=np.int64)
        indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        flat = [k for kcs in kcs_per_item for k in kcs]
        indices = np.array(flat, dtype=np.int64)
        return cls(indptr, indices, int(indices.max()) + 1 if len(indices) else 0)

    @property
    def n_items(self) -> int:
        return len(self.indptr) - 1

    def kcs(self, item: int) -> IntArray:
        if 0 <= item < self.n_items:
            return self.indices[self.indptr[item] : self.indptr[item + 1]]
        return np.zeros(0, dtype=np.int64)

    def expand(self, items: IntArray) -> tuple[IntArray, IntArray]:
        """(row, kc) pairs: one per KC of each row's item, rows in order."""
        known = (items >= 0) & (items < self.n_items)
        safe = np.where(known, items, 0)
        counts = np.where(known, self.indptr[safe + 1] - self.indptr[safe], 0)
        rows = np.repeat(np.arange(len(items), dtype=np.int64), counts)
        starts = np.repeat(self.indptr[safe], counts)
        offsets = np.arange(len(rows), dtype=np.int64) - np.repeat(
            np.cumsum(counts) - counts, counts
        )
        return rows, self.indices[starts + offsets]


@dataclass(frozen=True)
class ResponseLog:
    """Responses as parallel integer columns, each learner's rows in the order they happened.

    ``skill`` is the skill the response is evidence about (for a multi-KC item, the id of its KC
    combination); ``item`` the question answered; ``correct`` 1 or 0. ``q_matrix``, when given,
    says which KCs each item exercises (models that work per KC use it; others use ``skill``).
    """

    learner: IntArray
    skill: IntArray
    item: IntArray
    correct: IntArray
    q_matrix: QMatrix | None = None

    def __post_init__(self) -> None:
        n = len(self.correct)
        for name in ("learner", "skill", "item"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"ResponseLog.{name} has {len(getattr(self, name))} rows, not {n}")
        if n and not np.isin(self.correct, (0, 1)).all():
            raise ValueError("ResponseLog.correct must hold only 0 and 1")

    @classmethod
    def from_columns(
        cls,
        learner: npt.ArrayLike,
        skill: npt.ArrayLike,
        correct: npt.ArrayLike,
        item: npt.ArrayLike | None = None,
        q_matrix: QMatrix | None = None,
    ) -> ResponseLog:
        """Build a log from array-likes; ``item`` defaults to the skill (one item per skill)."""
        skill_a = np.asarray(skill, dtype=np.int64)
        return cls(
            learner=np.asarray(learner, dtype=np.int64),
            skill=skill_a,
            item=skill_a.copy() if item is None else np.asarray(item, dtype=np.int64),
            correct=np.asarray(correct, dtype=np.int64),
            q_matrix=q_matrix,
        )

    def take(self, rows: npt.NDArray[np.bool_] | IntArray) -> ResponseLog:
        """The rows selected (a mask or indices), in their order, with the same q-matrix."""
        return ResponseLog(
            self.learner[rows], self.skill[rows], self.item[rows], self.correct[rows], self.q_matrix
        )

    @classmethod
    def concat(cls, logs: list[ResponseLog]) -> ResponseLog:
        """Rows of several logs one after another (they must share the q-matrix, if any)."""
        return cls(
            np.concatenate([g.learner for g in logs]),
            np.concatenate([g.skill for g in logs]),
            np.concatenate([g.item for g in logs]),
            np.concatenate([g.correct for g in logs]),
            logs[0].q_matrix,
        )

    def kc_pairs(self) -> tuple[IntArray, IntArray]:
        """(row, kc) pairs from the q-matrix, or (row, skill) without one."""
        if self.q_matrix is None:
            return np.arange(len(self), dtype=np.int64), self.skill
        return self.q_matrix.expand(self.item)

    def __len__(self) -> int:
        return len(self.correct)
