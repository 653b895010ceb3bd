"""Learning curves: the error rate at each practice opportunity of an objective, over learners.

A learner's *k*-th opportunity on an objective is their *k*-th counted answer to an item of it.
When practice teaches, the class's error rate falls with *k*; a curve that stays flat says the
practice (or the items, or the way the objective is cut) is not working (Newell & Rosenbloom
1981; Koedinger, Stamper et al., PSLC DataShop's learning-curve categories). The rate at *k* is
over the learners who reached *k*: those who mastered early stop practising, so later points
describe those still at it, as DataShop's curves do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

__all__ = ["CurveKind", "CurvePoint", "classify_curve", "learning_curve"]


@dataclass(frozen=True, slots=True)
class CurvePoint:
    opportunity: int  # 1 = the first answer
    error_rate: float
    learners: int  # who reached this opportunity


class CurveKind(StrEnum):
    TOO_LITTLE_DATA = "too-little-data"
    GOOD = "good"  # errors fall with practice, and end low
    STILL_HIGH = "still-high"  # errors fall, but many are still wrong at the last point
    NO_LEARNING = "no-learning"  # errors do not fall with practice, and are not low
    LOW_AND_FLAT = "low-and-flat"  # errors low from the start: practised after it was known


def learning_curve(
    sequences: Sequence[Sequence[bool]], *, horizon: int, min_learners: int
) -> list[CurvePoint]:
    """Per opportunity 1..``horizon``, the share of wrong answers among learners who reached it
    (``sequences``: each learner's outcomes in order, True = right); the curve stops at the first
    opportunity fewer than ``min_learners`` reached."""
    if horizon < 1 or min_learners < 1:
        raise ValueError("horizon and min_learners must be at least 1")
    lengths = np.array([min(len(s), horizon) for s in sequences], dtype=np.int64)
    if lengths.size == 0 or lengths.max() == 0:
        return []
    wrong = np.zeros(horizon)
    for outcomes, n in zip(sequences, lengths, strict=True):
        wrong[:n] += 1.0 - np.asarray(outcomes[:n], dtype=np.float64)
    reached = (lengths[:, None] > np.arange(horizon)[None, :]).sum(axis=0)
    points = []
    for k in range(horizon):
        if reached[k] < min_learners:
            break
        points.append(CurvePoint(k + 1, float(wrong[k] / reached[k]), int(reached[k])))
    return points


def classify_curve(
    points: Sequence[CurvePoint], *, low: float, high: float, min_drop: float, min_points: int = 3
) -> CurveKind:
    """DataShop-style category: errors below ``low`` from the start and never falling by
    ``min_drop`` is low and flat; not falling by ``min_drop`` (first two points against last two)
    is no learning; falling but ending above ``high`` is still high; otherwise good."""
    if len(points) < min_points:
        return CurveKind.TOO_LITTLE_DATA
    rates = [p.error_rate for p in points]
    start, end = float(np.mean(rates[:2])), float(np.mean(rates[-2:]))
    if start - end < min_drop:
        return CurveKind.LOW_AND_FLAT if start < low else CurveKind.NO_LEARNING
    return CurveKind.STILL_HIGH if rates[-1] > high else CurveKind.GOOD
