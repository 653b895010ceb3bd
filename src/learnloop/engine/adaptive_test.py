"""Computerized adaptive testing (CAT) over a calibrated item bank, for courses that want a score.

    P(correct | θ) = c + (1 − c) σ(a (θ − b))                        (3PL; Birnbaum 1968)
    I(θ)           = a² ((P − c) / (1 − c))² (1 − P) / P              (item information)

The ability is the expected a posteriori (EAP) over a grid with a N(0, 1) prior, which stays finite
after all-right or all-wrong starts (unlike maximum likelihood). The next item is drawn at random
among the ``randomesque`` most informative eligible items at the current estimate (Kingsbury & Zara
1989). Randomesque alone does not bound exposure (over 20 steps the best items still reach most
examinees), so an ``ExposureControl`` shared by all tests makes an item ineligible while giving it
would lift its exposure rate above ``max_rate``: the item-eligibility method of van der Linden &
Veldkamp (2004), an online refinement of Sympson & Hetter (1985) that needs no calibration runs.
A caller that keeps the counts itself (the platform, in its database) passes the ``eligible``
items instead.
The test stops after ``max_items`` items, or earlier once the posterior standard deviation falls
below ``se_target``. Information and likelihoods are read from item × grid tables computed once
per bank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["AdaptiveTest", "BankTables", "CatResult", "ExposureControl", "ItemBank", "simulate_cat"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ItemBank:
    """3PL items: discrimination ``a``, difficulty ``b``, pseudo-guessing ``c``."""

    a: FloatArray
    b: FloatArray
    c: FloatArray

    def __post_init__(self) -> None:
        if not (len(self.a) == len(self.b) == len(self.c)):
            raise ValueError("a, b and c need one value per item")
        if (self.a <= 0).any() or ((self.c < 0) | (self.c >= 1)).any():
            raise ValueError("discriminations must be positive and guessing in [0, 1)")

    def __len__(self) -> int:
        return len(self.a)

    def probability(self, theta: float | FloatArray) -> FloatArray:
        t = np.asarray(theta, dtype=np.float64)
        return self.c + (1.0 - self.c) / (1.0 + np.exp(-self.a * (t - self.b)))

    def information(self, theta: float) -> FloatArray:
        p = self.probability(theta)
        return self.a**2 * ((p - self.c) / (1.0 - self.c)) ** 2 * (1.0 - p) / p


@dataclass(frozen=True)
class BankTables:
    """Per item and grid point: log P(right), log P(wrong) and information (computed once per bank)."""

    grid: FloatArray
    log_right: FloatArray  # items x grid
    log_wrong: FloatArray
    information: FloatArray

    @classmethod
    def build(cls, bank: ItemBank, grid: FloatArray | None = None) -> BankTables:
        g = np.linspace(-4.0, 4.0, 161) if grid is None else grid
        p = bank.probability(g[:, None]).T  # items x grid
        info = (
            bank.a[:, None] ** 2
            * ((p - bank.c[:, None]) / (1.0 - bank.c[:, None])) ** 2
            * (1.0 - p)
            / p
        )
        return cls(g, np.log(p), np.log1p(-p), info)


class ExposureControl:
    """Exposure counts shared by every test of a bank; an item is eligible for the next test only
    while giving it keeps its exposure rate at most ``max_rate``."""

    def __init__(self, n_items: int, *, max_rate: float) -> None:
        self.max_rate = max_rate
        self.tests = 0
        self.seen = np.zeros(n_items)

    def eligible(self) -> npt.NDArray[np.bool_]:
        return (self.seen + 1.0) / (self.tests + 1.0) <= self.max_rate

    def finish(self, administered: list[int]) -> None:
        self.tests += 1
        self.seen[administered] += 1.0


class AdaptiveTest:
    """One examinee's test: ``next_item``, ``record``, until ``done``; ``theta`` and ``se`` at any time."""

    def __init__(
        self,
        bank: ItemBank,
        *,
        rng: np.random.Generator,
        max_items: int = 20,
        se_target: float = 0.0,
        randomesque: int = 3,
        tables: BankTables | None = None,
        exposure: ExposureControl | None = None,
        eligible: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        self.bank = bank
        self.rng = rng
        self.max_items = max_items
        self.se_target = se_target
        self.randomesque = randomesque
        self.tables = tables or BankTables.build(bank)
        self.exposure = exposure
        grid = self.tables.grid
        self._grid_sq = grid**2
        self._origin, self._step = float(grid[0]), float(grid[1] - grid[0])
        self._log_post = -0.5 * grid**2
        available = np.ones(len(bank), dtype=bool)
        if eligible is None and exposure is not None:
            eligible = exposure.eligible()
        # never leave fewer eligible items than the test needs
        if eligible is not None and eligible.sum() >= max_items:
            available &= eligible
        self._available = available.astype(np.float64)  # 1.0 while an item may still be given
        self._n_available = int(available.sum())
        self.administered: list[int] = []
        self._theta, self._se = self._estimate()

    def _estimate(self) -> tuple[float, float]:
        weights = np.exp(self._log_post - self._log_post.max())
        total = float(weights.sum())
        theta = float(weights @ self.tables.grid) / total
        variance = float(weights @ self._grid_sq) / total - theta * theta
        return theta, math.sqrt(max(variance, 0.0))

    @property
    def theta(self) -> float:
        return self._theta

    @property
    def se(self) -> float:
        return self._se

    @property
    def done(self) -> bool:
        return (
            len(self.administered) >= self.max_items
            or self._n_available == 0
            or (self.se_target > 0 and self._se <= self.se_target)
        )

    def next_item(self) -> int:
        column = int((self._theta - self._origin) / self._step + 0.5)
        info = self.tables.information[:, column] * self._available  # information is > 0
        k = min(self.randomesque, self._n_available)
        if k <= 1:
            return int(np.argmax(info))
        best = np.argpartition(info, -k)[-k:]
        return int(best[self.rng.integers(k)])

    def record(self, item: int, correct: bool) -> None:
        if item in self.administered:
            raise ValueError(f"item {item} was already administered")
        if self._available[item]:
            self._available[item] = 0.0
            self._n_available -= 1
        self.administered.append(item)
        self._log_post += self.tables.log_right[item] if correct else self.tables.log_wrong[item]
        self._theta, self._se = self._estimate()
        if self.done and self.exposure is not None:
            self.exposure.finish(self.administered)


@dataclass(frozen=True)
class CatResult:
    estimates: FloatArray
    standard_errors: FloatArray
    lengths: IntArray
    exposure: FloatArray  # share of examinees who saw each item

    def rmse(self, truth: FloatArray) -> float:
        return float(np.sqrt(np.mean((self.estimates - truth) ** 2)))


def simulate_cat(
    bank: ItemBank,
    thetas: FloatArray,
    *,
    rng: np.random.Generator,
    max_items: int = 20,
    se_target: float = 0.0,
    randomesque: int = 3,
    max_exposure: float | None = 0.25,
) -> CatResult:
    """Give each simulated examinee (true ability in ``thetas``) a test, one after the other."""
    tables = BankTables.build(bank)
    exposure = ExposureControl(len(bank), max_rate=max_exposure) if max_exposure else None
    seen = np.zeros(len(bank))
    n = len(thetas)
    estimates, errors, lengths = np.empty(n), np.empty(n), np.empty(n, dtype=np.int64)
    a, b, c = bank.a.tolist(), bank.b.tolist(), bank.c.tolist()
    for i, theta in enumerate(thetas.tolist()):
        test = AdaptiveTest(
            bank, rng=rng, max_items=max_items, se_target=se_target, randomesque=randomesque,
            tables=tables, exposure=exposure,
        )  # fmt: skip
        while not test.done:
            j = test.next_item()
            p = c[j] + (1.0 - c[j]) / (1.0 + math.exp(-a[j] * (theta - b[j])))
            test.record(j, rng.random() < p)
        estimates[i], errors[i], lengths[i] = test.theta, test.se, len(test.administered)
        seen[test.administered] += 1
    return CatResult(estimates, errors, lengths, seen / n)
