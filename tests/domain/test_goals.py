"""Progress against a goal: what is left, the pace a date needs, the learner's own pace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from learnloop.domain import Course
from learnloop.domain.goals import PACE_WINDOW_DAYS, GoalPace, goal_pace, objective_minutes
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
        "you get there by March 16."
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


MINUTES = {"a": 30, "b": 60, "c": 60, "d": 90}


def planned(
    mastered: set[str], times: list[datetime], goal_date: date | None, weekly: int | None
) -> GoalPace:
    return goal_pace(
        GRAPH, "d", "D", goal_date, mastered, times, NOW, weekly_minutes=weekly, minutes=MINUTES
    )


def test_before_a_pace_of_their_own_the_time_available_forecasts_the_goal() -> None:
    # b, c and d are left: 210 minutes; at 70 a week, three weeks
    on_time = planned({"a"}, [], NOW.date() + timedelta(days=30), 70)
    assert (on_time.status, on_time.minutes_left) == ("on-track", 210)
    assert on_time.projected == NOW.date() + timedelta(weeks=3)
    assert on_time.sentence == (
        "On track. 3 objectives to go in 30 days: about 0.7 a week; at 70 minutes a week you get "
        "there by March 23."
    )
    late = planned({"a"}, [], NOW.date() + timedelta(days=14), 70)
    assert late.status == "behind"
    # 210 minutes in two weeks: 105 a week
    assert late.sentence.endswith("About 105 minutes a week, or a later date, closes the gap.")
    assert planned({"a"}, [], NOW.date() + timedelta(days=15), 70).sentence.endswith(
        "About 100 minutes a week, or a later date, closes the gap."  # 98 a week, said in fives
    )
    undated = planned(set(), [], None, 60)  # 240 minutes: four weeks
    assert (
        undated.sentence
        == "4 objectives to go to D: at 60 minutes a week you get there by March 30."
    )
    assert undated.projected == NOW.date() + timedelta(weeks=4)


def test_a_pace_of_their_own_wins_over_the_time_they_said() -> None:
    two_this_fortnight = [NOW - timedelta(days=3), NOW - timedelta(days=10)]
    own = planned({"a", "b"}, two_this_fortnight, NOW.date() + timedelta(days=7), 600)
    assert own.status == "behind"  # one a week against two needed, however many minutes
    assert "at your pace of 1.0 a week" in own.sentence
    assert "minutes" not in own.sentence
    # without minutes said, nothing changes
    assert planned({"a"}, [], NOW.date() + timedelta(days=30), None).status == "starting"


def test_an_objective_takes_its_quickest_teaching_and_its_quickest_practice(
    demo_course: Course,
) -> None:
    minutes = objective_minutes(demo_course)
    assert set(minutes) == set(demo_course.objectives)
    for key, total in minutes.items():
        activities = demo_course.activities_for(key)
        practice = min(a.minutes for a in activities if a.items)
        teaching = [a.minutes for a in activities if not a.items and not a.takes_work]
        assert total == practice + min(teaching, default=0)
