"""Progress against a goal: what is left, the pace a date needs, the learner's own pace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from learnloop.domain.goals import PACE_WINDOW_DAYS, GoalPace, goal_pace
from learnloop.engine import SkillGraph

# a -> b -> d, a -> c -> d: the goal d needs all four
GRAPH = SkillGraph({"a": (), "b": ("a",), "c": ("a",), "d": ("b", "c")})
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def pace(mastered: set[str], times: list[datetime], goal_date: date | None) -> GoalPace:
    return goal_pace(GRAPH, "d", "D", goal_date, mastered, times, NOW)


def test_on_track_or_behind_is_the_recent_pace_against_the_date() -> None:
    two_this_fortnight = [NOW - timedelta(days=3), NOW - timedelta(days=10)]
    soon = pace({"a", "b"}, two_this_fortnight, NOW.date() + timedelta(days=7))
    assert (soon.status, soon.remaining, soon.days_left) == ("behind", 2, 7)
    assert soon.per_week == 1.0
    assert soon.needed_per_week == 2.0
    assert soon.projected == NOW.date() + timedelta(weeks=2)
    later = pace({"a", "b"}, two_this_fortnight, NOW.date() + timedelta(days=21))
    assert later.status == "on-track"
    assert later.sentence == (
        "On track. 2 objectives to go in 21 days: about 0.7 a week; at your pace of 1.0 a week "
        "you get there by 16 March."
    )


def test_behind_when_the_pace_does_not_reach_the_date() -> None:
    one_long_ago_one_recent = [NOW - timedelta(days=60), NOW - timedelta(days=2)]
    p = pace({"a", "b"}, one_long_ago_one_recent, NOW.date() + timedelta(days=14))
    assert p.status == "behind"
    assert p.per_week == 0.5  # only the mastery inside the window counts
    assert p.projected == NOW.date() + timedelta(weeks=4)
    assert "A later date, or more practice a week" in p.sentence


def test_the_other_states() -> None:
    assert pace({"a", "b", "c", "d"}, [], None).status == "done"
    assert (
        pace(set(), [], None).sentence
        == "4 objectives to go to D. Set a date to see the pace it needs."
    )
    overdue = pace({"a"}, [], NOW.date() - timedelta(days=1))
    assert overdue.status == "overdue"
    start = pace(
        {"a"}, [NOW - timedelta(days=PACE_WINDOW_DAYS + 1)], NOW.date() + timedelta(days=30)
    )
    assert (start.status, start.per_week, start.remaining) == ("starting", None, 3)
    assert start.sentence == "3 objectives to go in 30 days: about 0.7 a week."
