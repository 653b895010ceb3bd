"""Small groups for targeted support, and classical item statistics: pure functions, no I/O.

Groups: learners who share a need (the objective they are working on, or a misconception they
show) are split into groups of at most ``max_size``, as equal in size as possible, so that a
need shared by nine learners gives three groups of three rather than four, four and one.
Each group may get peer helpers: learners who mastered what the group needs, each helper given
to as few groups as possible.

Item statistics: the share of learners right at their first try (classical difficulty p) and the
corrected item-rest point-biserial correlation (the item's first-try outcome against the mean
of the learner's other first tries): an item that strong learners miss and weak ones get right
has a low or negative value, the sign of a wrong key or an ambiguous prompt (Ebel & Frisbie
1991, *Essentials of educational measurement*, ch. 13).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["ItemStatistics", "assign_helpers", "balanced_groups", "first_try_statistics"]

T = TypeVar("T", bound=Hashable)


def balanced_groups(members: Sequence[T], max_size: int) -> list[list[T]]:
    """``members`` in order, cut into the fewest groups of at most ``max_size``, sizes differing by
    at most one (larger groups first). One member is not a group: a single learner gets []."""
    if max_size < 2:
        raise ValueError("max_size must be at least 2")
    n = len(members)
    if n < 2:
        return []
    k = math.ceil(n / max_size)
    base, extra = divmod(n, k)
    out: list[list[T]] = []
    start = 0
    for g in range(k):
        size = base + (1 if g < extra else 0)
        out.append(list(members[start : start + size]))
        start += size
    return out


def assign_helpers(
    groups: Sequence[Sequence[T]], candidates: Sequence[T], per_group: int
) -> list[list[T]]:
    """Up to ``per_group`` helpers for each group from ``candidates`` (in their order of
    preference), never a group's own member, spreading them so that no helper serves a second
    group while another candidate serves none."""
    load: dict[T, int] = dict.fromkeys(candidates, 0)
    rank = {c: i for i, c in enumerate(candidates)}
    out: list[list[T]] = []
    for group in groups:
        inside = set(group)
        free = sorted((c for c in candidates if c not in inside), key=lambda c: (load[c], rank[c]))
        chosen = free[:per_group]
        for c in chosen:
            load[c] += 1
        out.append(chosen)
    return out


@dataclass(frozen=True)
class ItemStatistics:
    """Per item: learners with a first try, the share right at it (NaN: nobody tried), and the
    item-rest correlation (NaN where fewer than ``min_learners`` tried it or a side is constant)."""

    learners: npt.NDArray[np.int64]
    p_first: npt.NDArray[np.float64]
    discrimination: npt.NDArray[np.float64]


def first_try_statistics(
    first_try: Mapping[tuple[int, int], bool], n_items: int, min_learners: int
) -> ItemStatistics:
    """``first_try[(learner, item)]``: whether the learner's first answer to the item was right
    (items numbered 0 to n_items - 1; learners any integers)."""
    learners_of = np.zeros(n_items, dtype=np.int64)
    right = np.zeros(n_items)
    by_learner: dict[int, list[tuple[int, float]]] = {}
    for (learner, item), ok in first_try.items():
        learners_of[item] += 1
        right[item] += ok
        by_learner.setdefault(learner, []).append((item, float(ok)))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_first = np.where(learners_of > 0, right / np.maximum(learners_of, 1), np.nan)
    xs: list[list[float]] = [[] for _ in range(n_items)]
    rests: list[list[float]] = [[] for _ in range(n_items)]
    for answers in by_learner.values():
        if len(answers) < 2:
            continue  # no other item to compare with
        total = sum(x for _, x in answers)
        for item, x in answers:
            xs[item].append(x)
            rests[item].append((total - x) / (len(answers) - 1))
    discrimination = np.full(n_items, np.nan)
    for i in range(n_items):
        if len(xs[i]) < min_learners:
            continue
        own, rest = np.asarray(xs[i]), np.asarray(rests[i])
        if own.std() == 0 or rest.std() == 0:
            continue
        discrimination[i] = float(np.corrcoef(own, rest)[0, 1])
    return ItemStatistics(learners_of, p_first, discrimination)
