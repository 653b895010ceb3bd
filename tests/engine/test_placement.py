"""The placement diagnostic: knowledge states are the graph's down-sets, answers on advanced
objectives inform their prerequisites, questions go where they inform most, and in simulation
it classifies better than a fixed test with far fewer questions."""

from __future__ import annotations

import numpy as np
import pytest

from learnloop.engine.placement import (
    KnowledgeStates,
    PlacementTest,
    TooManyStates,
    sample_states,
    simulate_placement,
)
from learnloop.engine.skill_graph import SkillGraph

DIAMOND = SkillGraph({"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]})


def layered(n: int, width: int, rng: np.random.Generator) -> SkillGraph:
    """A course-sized graph: layers of ``width`` objectives, each needing one or two of the
    layer before."""
    keys = [f"o{i}" for i in range(n)]
    pre: dict[str, list[str]] = {}
    for i, k in enumerate(keys):
        layer = i // width
        below = keys[(layer - 1) * width : layer * width]
        pre[k] = (
            []
            if layer == 0
            else [str(x) for x in rng.choice(below, size=int(rng.integers(1, 3)), replace=False)]
        )
    return SkillGraph(pre)


def flat(p: float, graph: SkillGraph) -> dict[str, float]:
    return dict.fromkeys(graph.keys, p)


def test_states_are_the_down_sets() -> None:
    states = KnowledgeStates.of(DIAMOND)
    found = {
        frozenset(k for k, x in zip(states.objectives, row, strict=True) if x)
        for row in states.matrix
    }
    assert found == {
        frozenset(),
        frozenset("a"),
        frozenset("ab"),
        frozenset("ac"),
        frozenset("abc"),
        frozenset("abcd"),
    }
    with pytest.raises(TooManyStates, match="more than 10 knowledge states"):
        KnowledgeStates.of(SkillGraph({f"x{i}": [] for i in range(5)}), limit=10)


def test_a_right_answer_on_an_advanced_objective_raises_its_prerequisites() -> None:
    test = PlacementTest(
        KnowledgeStates.of(DIAMOND), guess=flat(0.1, DIAMOND), slip=flat(0.1, DIAMOND)
    )
    before = dict(zip(test.states.objectives, test.marginals(), strict=True))
    test.record("d", True)
    after = dict(zip(test.states.objectives, test.marginals(), strict=True))
    assert after["a"] > before["a"]
    assert after["b"] > before["b"]
    assert after["c"] > before["c"]
    assert after["a"] >= after["b"] >= after["d"]  # a prerequisite is never less likely known
    test.record("a", False)
    assert dict(zip(test.states.objectives, test.marginals(), strict=True))["d"] < after["d"]


def test_the_next_question_is_the_most_informative() -> None:
    chain = SkillGraph({"a": [], "b": ["a"], "c": ["b"], "d": ["c"], "e": ["d"]})
    test = PlacementTest(KnowledgeStates.of(chain), guess=flat(0.05, chain), slip=flat(0.05, chain))
    gains = test.expected_information()
    assert test.next_objective() == test.states.objectives[int(np.argmax(gains))]
    # on a chain with a uniform prior, the middle splits the states best (binary search)
    assert test.next_objective() in {"b", "c"}
    # an uninformative objective (answers are coin flips) is never worth asking
    noisy = PlacementTest(
        KnowledgeStates.of(chain),
        guess={**flat(0.05, chain), "c": 0.5},
        slip={**flat(0.05, chain), "c": 0.5},
    )
    assert noisy.expected_information()[noisy.states.objectives.index("c")] == pytest.approx(0.0)


def test_it_stops_at_the_confidence_or_the_question_limit() -> None:
    chain = SkillGraph({"a": [], "b": ["a"], "c": ["b"]})
    sure = PlacementTest(
        KnowledgeStates.of(chain), guess=flat(0.01, chain), slip=flat(0.01, chain), confidence=0.9
    )
    sure.record("c", True)  # nearly proves all three
    assert sure.next_objective() is None
    assert sure.result().confident
    assert sure.result().known == ("a", "b", "c")
    capped = PlacementTest(
        KnowledgeStates.of(chain), guess=flat(0.3, chain), slip=flat(0.3, chain), max_questions=2
    )
    for _ in range(2):
        objective = capped.next_objective()
        assert objective is not None
        capped.record(objective, True)
    assert capped.next_objective() is None
    assert not capped.result().confident
    assert capped.result().questions == 2


def test_simulated_learners_respect_the_graph(rng: np.random.Generator) -> None:
    graph = layered(12, 3, rng)
    states = KnowledgeStates.of(graph)
    truth = sample_states(graph, 200, rng, states.objectives)
    feasible = {row.tobytes() for row in states.matrix}
    assert all(row.tobytes() in feasible for row in truth)
    assert 0 < truth.mean() < 1


def test_on_a_course_sized_graph_it_beats_the_fixed_test_with_40_percent_of_the_questions(
    rng: np.random.Generator,
) -> None:
    graph = layered(30, 3, rng)
    sim = simulate_placement(
        graph, guess=flat(0.2, graph), slip=flat(0.1, graph), learners=120, rng=rng
    )
    assert sim.mean_questions <= 0.4 * sim.objectives
    assert sim.accuracy >= 0.9
    assert sim.accuracy > sim.fixed_accuracy
    # choosing questions adaptively beats asking them in the course's order, question for question
    q = int(0.4 * sim.objectives)
    assert sim.adaptive_curve[q] > sim.fixed_order_curve[q] + 0.03
