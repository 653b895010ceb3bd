from __future__ import annotations

import pytest

from learnloop.engine import SkillGraph, find_cycle

GRAPH = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"], "e": []}


def test_find_cycle_returns_the_cycle_path() -> None:
    assert find_cycle({"a": ["c"], "b": ["a"], "c": ["b"]}) in (
        ["a", "c", "b", "a"],
        ["c", "b", "a", "c"],
        ["b", "a", "c", "b"],
    )
    assert find_cycle({"a": ["a"]}) == ["a", "a"]
    assert find_cycle(GRAPH) is None


def test_skill_graph_rejects_cycles_and_unknown_keys() -> None:
    with pytest.raises(ValueError, match="cycle"):
        SkillGraph({"a": ["b"], "b": ["a"]})
    with pytest.raises(ValueError, match="unknown objective 'z'"):
        SkillGraph({"a": ["z"]})


def test_topological_order_puts_prerequisites_first() -> None:
    g = SkillGraph(GRAPH)
    order = g.topological_order
    for key, reqs in GRAPH.items():
        assert all(order.index(r) < order.index(key) for r in reqs)
    assert g.depth == {"a": 0, "b": 1, "c": 1, "d": 2, "e": 0}


def test_ready_offers_only_unlocked_unmastered_objectives() -> None:
    g = SkillGraph(GRAPH)
    assert g.ready(set()) == ("a", "e")
    assert g.ready({"a"}) == ("b", "c", "e")
    assert g.ready({"a", "b"}) == ("c", "e")
    assert g.ready({"a", "b", "c"}) == ("d", "e")
    assert g.missing_prerequisites("d", {"a", "b"}) == ("c",)


def test_path_to_goal_lists_what_is_left_in_order() -> None:
    g = SkillGraph(GRAPH)
    assert g.path_to("d", set()) == ("a", "b", "c", "d")
    assert g.path_to("d", {"a", "c"}) == ("b", "d")
    assert g.ancestors("d") == {"a", "b", "c"}
