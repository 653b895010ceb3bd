"""Balanced groups, helper spreading and classical item statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from learnloop.engine.grouping import assign_helpers, balanced_groups, first_try_statistics


@pytest.mark.parametrize(
    ("n", "max_size", "sizes"),
    [(0, 4, []), (1, 4, []), (2, 4, [2]), (4, 4, [4]), (5, 4, [3, 2]), (8, 4, [4, 4]),
     (9, 4, [3, 3, 3]), (10, 4, [4, 3, 3]), (13, 6, [5, 4, 4]), (7, 2, [2, 2, 2, 1])],
)  # fmt: skip
def test_groups_are_as_few_and_as_even_as_the_cap_allows(
    n: int, max_size: int, sizes: list[int]
) -> None:
    members = list(range(n))
    groups = balanced_groups(members, max_size)
    assert [len(g) for g in groups] == sizes
    assert [m for g in groups for m in g] == (members if n >= 2 else [])  # order kept, all in


def test_any_class_size_gives_the_fewest_even_groups(rng: np.random.Generator) -> None:
    for _ in range(200):
        n, cap = int(rng.integers(2, 60)), int(rng.integers(2, 9))
        sizes = [len(g) for g in balanced_groups(list(range(n)), cap)]
        assert len(sizes) == math.ceil(n / cap)
        assert max(sizes) <= cap
        assert max(sizes) - min(sizes) <= 1
        assert sum(sizes) == n


def test_a_cap_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="max_size"):
        balanced_groups([1, 2, 3], 1)


def test_helpers_are_spread_and_never_members() -> None:
    groups = [["a", "b"], ["c", "d"], ["e", "f"]]
    helpers = assign_helpers(groups, ["x", "y", "c"], per_group=1)
    assert helpers == [["x"], ["y"], ["c"]]  # nobody helps twice while another is free
    twice = assign_helpers(groups, ["x", "c"], per_group=2)
    assert twice[1] == ["x"]  # c is in the second group: not its helper
    assert twice[0] == ["x", "c"]
    assert twice[2] == ["c", "x"]
    assert assign_helpers(groups, [], per_group=2) == [[], [], []]


def test_item_statistics_follow_the_definitions() -> None:
    # 6 learners, 3 items; item 0 follows the others, item 2 goes against them
    table = {
        0: (1, 1, 0), 1: (1, 1, 0), 2: (1, 1, 1), 3: (0, 0, 1), 4: (0, 0, 1), 5: (0, 1, 0),
    }  # fmt: skip
    first = {(u, i): bool(v) for u, row in table.items() for i, v in enumerate(row)}
    stats = first_try_statistics(first, n_items=4, min_learners=5)
    assert stats.learners.tolist() == [6, 6, 6, 0]
    assert stats.p_first[:3].tolist() == pytest.approx([0.5, 4 / 6, 0.5])
    assert math.isnan(stats.p_first[3])
    assert math.isnan(stats.discrimination[3])
    own = np.array([row[0] for row in table.values()], dtype=float)
    rest = np.array([(row[1] + row[2]) / 2 for row in table.values()])
    assert stats.discrimination[0] == pytest.approx(np.corrcoef(own, rest)[0, 1])
    assert stats.discrimination[0] > 0 > stats.discrimination[2]
    too_few = first_try_statistics(first, n_items=4, min_learners=7)
    assert np.isnan(too_few.discrimination).all()


def test_an_item_everyone_gets_right_has_no_discrimination() -> None:
    first = {(u, 0): True for u in range(6)} | {(u, 1): u % 2 == 0 for u in range(6)}
    stats = first_try_statistics(first, n_items=2, min_learners=2)
    assert stats.p_first[0] == 1.0
    assert math.isnan(stats.discrimination[0])
    assert math.isnan(stats.discrimination[1])  # the rest (item 0) does not vary either
