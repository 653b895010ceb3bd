"""The mastery criterion: when an objective's estimate counts as mastered."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MasteryCriterion"]


@dataclass(frozen=True, slots=True)
class MasteryCriterion:
    """Mastered when P(known) reaches ``threshold`` after at least ``min_attempts`` answers.

    The criterion in force is stored with every mastery record, so that changing a course's
    criterion later never rewrites what a learner was told in the past.
    """

    threshold: float
    min_attempts: int

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"mastery threshold must be in (0, 1), not {self.threshold}")
        if self.min_attempts < 1:
            raise ValueError(f"mastery min_attempts must be at least 1, not {self.min_attempts}")

    def is_mastered(self, p_known: float, attempts: int) -> bool:
        return p_known >= self.threshold and attempts >= self.min_attempts
