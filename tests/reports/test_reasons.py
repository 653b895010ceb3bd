"""Reasons in words: each machine reason becomes a sentence naming what it refers to."""

from __future__ import annotations

from dataclasses import replace

from learnloop.domain import Course
from learnloop.engine import Reason, Recommendation
from learnloop.reports.reasons import explain


def _activity_of(course: Course, objective: str) -> str:
    return next(a.key for a in course.activities.values() if objective in a.objectives)


def test_review_refresh_and_target_band_are_explained(demo_course: Course) -> None:
    key = next(iter(demo_course.objectives))
    title = demo_course.objectives[key].title
    act = _activity_of(demo_course, key)
    review = Recommendation(act, key, Reason.REVIEW, 0.0, (), False, 0.62)
    assert explain(review, demo_course, p_known=0.99, attempts=5) == (
        f"Review: you mastered {title}; your memory of it is down to about 62%."
    )
    refresh = Recommendation(act, key, Reason.REFRESH, 0.0, (), False, 0.5)
    assert explain(refresh, demo_course, p_known=0.6, attempts=5).startswith(
        f"Refresh: your last review of {title} slipped"
    )
    in_band = Recommendation(act, key, Reason.START, 0.0, (), False, 0.8)
    assert "about 80% right: the zone where practice teaches most" in explain(
        in_band, demo_course, p_known=0.8, attempts=0
    )
    too_easy = Recommendation(act, key, Reason.START, 0.0, (), False, 0.95)
    assert "zone" not in explain(too_easy, demo_course, p_known=0.95, attempts=0)


def test_an_activity_about_an_interest_says_so(demo_course: Course) -> None:
    music = Recommendation("note-lengths", "add-like", Reason.READY, 0.0, ("equivalent",), False)
    plain = explain(music, demo_course, p_known=0.2, attempts=0)
    assert "interests you" not in plain
    liked = explain(replace(music, topics=("music",)), demo_course, p_known=0.2, attempts=0)
    assert liked == plain + " It is about music, which you said interests you."
    both = replace(music, topics=("cooking", "music"))
    assert explain(both, demo_course, p_known=0.2, attempts=0).endswith(
        "It is about cooking and music, which you said interests you."
    )
