from __future__ import annotations

from learnloop.engine import ActivityOption, LearnerSnapshot, Reason, SkillGraph, recommend
from learnloop.engine.recommendation import REVIEW_EVERY, TARGET_SUCCESS, band_distance

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


def test_practice_in_the_target_success_band_ranks_first() -> None:
    learner = snapshot(
        mastered=frozenset({"a"}),
        expected_success={"b": 0.97, "c": 0.78, "e": 0.35},
    )
    recs = recommend(GRAPH, ACTIVITIES, learner, limit=3, stuck_attempts=10)
    assert [r.objective for r in recs] == ["c", "b", "e"]
    assert recs[0].expected_success == 0.78
    assert band_distance(0.78) == 0.0
    assert band_distance(0.97) > 0
    assert band_distance(0.35) > 0
    assert TARGET_SUCCESS[0] < 0.78 < TARGET_SUCCESS[1]
    # the band orders equals; it never outranks the goal
    with_goal = recommend(
        GRAPH, ACTIVITIES, snapshot(**{**learner.__dict__, "goal": "b"}), limit=1, stuck_attempts=10
    )
    assert with_goal[0].objective == "b"


def test_due_reviews_are_mixed_in_most_forgotten_first() -> None:
    learner = snapshot(
        mastered=frozenset({"a", "e"}),
        due_reviews={"a": 0.82, "e": 0.6},
        preferred_modalities=("interactive",),
    )
    recs = recommend(GRAPH, ACTIVITIES, learner, limit=10, stuck_attempts=10)
    reviews = [(i, r) for i, r in enumerate(recs) if r.reason is Reason.REVIEW]
    assert [r.objective for _, r in reviews] == ["e", "a"]
    assert [i for i, _ in reviews] == [REVIEW_EVERY - 1, 2 * REVIEW_EVERY - 1]
    assert recs[0].reason is not Reason.REVIEW  # new learning keeps the first place
    assert all(r.activity.endswith("interactive") for _, r in reviews)
    assert reviews[0][1].expected_success == 0.6
    # an activity without questions cannot serve as a review
    readings = [
        ActivityOption(f"{o}-reading", (o,), "reading", 5, has_items=False) for o in "abcde"
    ]
    assert not [
        r
        for r in recommend(GRAPH, readings, learner, limit=10, stuck_attempts=10)
        if r.reason is Reason.REVIEW
    ]


def test_a_failed_review_sends_the_objective_back_into_practice() -> None:
    learner = snapshot(
        mastered=frozenset({"a", "b"}), refresh=frozenset({"a"}), due_reviews={"a": 0.5}
    )
    recs = recommend(GRAPH, ACTIVITIES, learner, limit=10, stuck_attempts=10)
    assert recs[0].objective == "a"
    assert recs[0].reason is Reason.REFRESH
    assert not [r for r in recs if r.reason is Reason.REVIEW]  # practised, not reviewed
    assert "d" not in {r.objective for r in recs}  # c is still to master


def test_an_activity_about_an_interest_wins_among_equals_only() -> None:
    about = [
        ActivityOption("e-plain", ("e",), "reading", 10),
        ActivityOption("e-football", ("e",), "reading", 10, topics=frozenset({"sport"})),
        ActivityOption("e-drill", ("e",), "interactive", 10),
    ]
    plain = recommend(GRAPH, about, snapshot(), limit=3, stuck_attempts=10)
    assert plain[0].activity == "e-plain"  # equals keep the course's order
    assert all(r.topics == () for r in plain)  # no interests, none named
    liked = recommend(
        GRAPH, about, snapshot(interests=frozenset({"sport", "music"})), limit=3, stuck_attempts=10
    )
    assert liked[0].activity == "e-football"
    assert liked[0].topics == ("sport",)  # the interests it is about, for the reason
    assert [r.topics for r in liked[1:]] == [(), ()]
    # never over the kind of activity the learner prefers, nor over one they have not done
    preferring = snapshot(interests=frozenset({"sport"}), preferred_modalities=("interactive",))
    assert recommend(GRAPH, about, preferring, limit=1, stuck_attempts=10)[0].activity == "e-drill"
    done = snapshot(interests=frozenset({"sport"}), done_activities=frozenset({"e-football"}))
    assert recommend(GRAPH, about, done, limit=1, stuck_attempts=10)[0].activity != "e-football"


def test_a_due_review_takes_the_activity_about_an_interest() -> None:
    about = [
        ActivityOption("a-plain", ("a",), "interactive", 10),
        ActivityOption("a-recipe", ("a",), "interactive", 10, topics=frozenset({"cooking"})),
    ]
    learner = snapshot(
        mastered=frozenset({"a"}), due_reviews={"a": 0.6}, interests=frozenset({"cooking"})
    )
    reviews = [
        r for r in recommend(GRAPH, about, learner, limit=10, stuck_attempts=10)
        if r.reason is Reason.REVIEW
    ]  # fmt: skip
    assert [(r.activity, r.topics) for r in reviews] == [("a-recipe", ("cooking",))]


def test_a_step_is_never_shown_twice_when_an_activity_serves_two_objectives() -> None:
    # "both" teaches a (due for review) and b (ready): recommended for b, so a's review goes
    # to a's other practice, and with none left it waits rather than repeat the step
    both = ActivityOption("both", ("a", "b"), "hands-on", 20)
    a_only = ActivityOption("a-drill", ("a",), "interactive", 10)
    learner = snapshot(
        mastered=frozenset({"a"}), due_reviews={"a": 0.6}, preferred_modalities=("hands-on",)
    )
    graph = SkillGraph({"a": [], "b": ["a"]})
    recs = recommend(graph, [both, a_only], learner, limit=3, stuck_attempts=10)
    assert [r.activity for r in recs].count("both") == 1
    review = next(r for r in recs if r.reason is Reason.REVIEW)
    assert review.activity == "a-drill"
    alone = recommend(graph, [both], learner, limit=3, stuck_attempts=10)
    assert [(r.activity, r.reason) for r in alone] == [("both", Reason.READY)]
