from __future__ import annotations

from learnloop.engine import ActivityOption, LearnerSnapshot, Reason, SkillGraph, recommend

GRAPH = SkillGraph({"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"], "e": []})
ACTIVITIES = [
    ActivityOption(f"{o}-{m}", (o,), m, 10) for o in "abcde" for m in ("reading", "interactive")
]


def snapshot(**kw: object) -> LearnerSnapshot:
    base: dict[str, object] = {"p_known": {}, "mastered": frozenset()}
    base.update(kw)
    return LearnerSnapshot(**base)  # type: ignore[arg-type]


def test_only_unlocked_objectives_are_recommended() -> None:
    recs = recommend(
        GRAPH, ACTIVITIES, snapshot(mastered=frozenset({"a"})), limit=20, stuck_attempts=10
    )
    assert {r.objective for r in recs} == {"b", "c", "e"}
    assert all(r.reason is Reason.READY for r in recs if r.objective in "bc")
    assert all(r.related == ("a",) for r in recs if r.objective in "bc")


def test_goal_path_comes_first() -> None:
    recs = recommend(
        GRAPH, ACTIVITIES, snapshot(mastered=frozenset({"a"}), goal="d"), limit=3, stuck_attempts=10
    )
    assert recs[0].objective in {"b", "c"}
    assert recs[0].reason is Reason.GOAL
    assert recs[0].related == ("d",)
    assert "e" not in {r.objective for r in recs[:2]}


def test_preferred_modality_first_but_others_stay_available() -> None:
    recs = recommend(
        GRAPH,
        ACTIVITIES,
        snapshot(preferred_modalities=("interactive",)),
        limit=20,
        stuck_attempts=10,
    )
    firsts = {}
    for r in recs:
        firsts.setdefault(r.objective, r)
    assert all(r.activity.endswith("interactive") and r.preferred for r in firsts.values())
    assert any(r.activity.endswith("reading") for r in recs)


def test_recommendations_interleave_objectives() -> None:
    recs = recommend(
        GRAPH, ACTIVITIES, snapshot(mastered=frozenset({"a"})), limit=3, stuck_attempts=10
    )
    assert len({r.objective for r in recs}) == 3


def test_started_objective_continues_and_stuck_learner_gets_another_modality() -> None:
    started = snapshot(p_known={"a": 0.6}, attempts={"a": 2})
    recs = recommend(GRAPH, ACTIVITIES, started, limit=1, stuck_attempts=10)
    assert (recs[0].objective, recs[0].reason) == ("a", Reason.CONTINUE)
    stuck = snapshot(p_known={"a": 0.4}, attempts={"a": 12}, recent_modalities={"a": "interactive"})
    recs = recommend(GRAPH, ACTIVITIES, stuck, limit=1, stuck_attempts=10)
    assert recs[0].reason is Reason.TRY_ANOTHER_WAY
    assert recs[0].activity == "a-reading"


def test_everything_mastered_gives_no_recommendation() -> None:
    recs = recommend(
        GRAPH, ACTIVITIES, snapshot(mastered=frozenset("abcde")), limit=3, stuck_attempts=10
    )
    assert recs == []
