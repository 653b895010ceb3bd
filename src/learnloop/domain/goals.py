"""Progress against the learner's goal (product.md, Autonomy: "progress against goals"): how
many objectives are left on the way to it, the pace the goal date needs, the learner's own
recent pace, and what follows, in one plain sentence.

The pace counts objectives mastered through practice in the last ``PACE_WINDOW_DAYS``; those a
placement diagnostic found already known are left out, as they say nothing about speed.

Before there is a recent pace, the time the learner said they can give each week (onboarding's
"time available") gives the forecast instead: the minutes the course's authors expect each
objective on the way to take (``objective_minutes``), against those minutes a week. A recent pace,
once there is one, is what the learner actually does, and it wins.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from learnloop.domain.course import Course
from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.engine import SkillGraph

__all__ = ["MINUTES_STEP", "PACE_WINDOW_DAYS", "GoalPace", "goal_pace", "objective_minutes"]

# Two weeks: long enough to hold a few masteries at a school's pace of one or two objectives a
# week, short enough that last month's burst or break does not set this week's forecast.
PACE_WINDOW_DAYS = 14
# Minutes a week are said in steps of five: a forecast from authors' estimates is no finer.
MINUTES_STEP = 5


def objective_minutes(course: Course) -> dict[str, int]:
    """The minutes an objective is expected to take: its quickest activity that teaches (reading,
    video) and its quickest practice (an activity with questions), as the course's authors
    estimated them; one of the two when it has only that kind, its quickest activity when it
    has neither."""
    out: dict[str, int] = {}
    for key in course.objectives:
        activities = course.activities_for(key)
        practice = [a.minutes for a in activities if a.items]
        teaching = [a.minutes for a in activities if not a.items and not a.takes_work]
        total = min(practice, default=0) + min(teaching, default=0)
        out[key] = total or min((a.minutes for a in activities), default=0)
    return out


def _step_up(minutes: float) -> int:
    return int(math.ceil(minutes / MINUTES_STEP) * MINUTES_STEP)


@dataclass(frozen=True)
class GoalPace:
    status: str  # done | no-date | overdue | starting | on-track | behind
    remaining: int  # objectives still to master on the way to the goal (the goal included)
    days_left: int | None
    needed_per_week: float | None
    per_week: float | None  # the learner's recent pace; None before any mastery in the window
    projected: date | None  # when the recent pace (or, before one, the time available) gets there
    sentence: str
    minutes_left: int | None = None  # the authors' estimate of the time still needed


def goal_pace(
    graph: SkillGraph,
    goal: str,
    goal_title: str,
    goal_date: date | None,
    mastered: set[str],
    practised_mastery_times: list[datetime],
    now: datetime,
    *,
    words: Wording = IN_ENGLISH,
    weekly_minutes: int | None = None,
    minutes: Mapping[str, int] | None = None,
) -> GoalPace:
    """``practised_mastery_times``: when each objective mastered through practice was mastered;
    ``weekly_minutes``: the time the learner can give a week; ``minutes``: each objective's
    expected minutes (``objective_minutes``)."""
    path = graph.path_to(goal, mastered)
    remaining = len(path)
    minutes_left = sum(minutes.get(k, 0) for k in path) if minutes is not None else None
    today = now.date()
    since = now - timedelta(days=PACE_WINDOW_DAYS)
    recent = sum(1 for t in practised_mastery_times if t >= since)
    per_week = recent * 7 / PACE_WINDOW_DAYS if recent else None
    if remaining == 0:
        return GoalPace("done", 0, None, None, per_week, None,
                        words("You have mastered everything on the way to %(goal)s.", goal=goal_title))  # fmt: skip
    projected = today + timedelta(weeks=remaining / per_week) if per_week else None
    planned = None  # when the time available gets there, before there is a recent pace
    if per_week is None and weekly_minutes and minutes_left:
        planned = today + timedelta(weeks=minutes_left / weekly_minutes)
    if goal_date is None and planned is not None:
        return GoalPace("no-date", remaining, None, None, None, planned, words.plural(
            "%(num)s objective to go to %(goal)s: at %(minutes)s minutes a week you get there by "
            "%(date)s.",
            "%(num)s objectives to go to %(goal)s: at %(minutes)s minutes a week you get there by "
            "%(date)s.",
            remaining, goal=goal_title, minutes=weekly_minutes, date=words.day_month(planned),
        ), minutes_left)  # fmt: skip
    if goal_date is None:
        return GoalPace("no-date", remaining, None, None, per_week, projected, words.plural(
            "%(num)s objective to go to %(goal)s. Set a date to see the pace it needs.",
            "%(num)s objectives to go to %(goal)s. Set a date to see the pace it needs.",
            remaining, goal=goal_title))  # fmt: skip
    days_left = (goal_date - today).days
    if days_left < 0:
        return GoalPace("overdue", remaining, days_left, None, per_week, projected, words.plural(
            "Your date has passed with %(num)s objective to go: choose a new one.",
            "Your date has passed with %(num)s objectives to go: choose a new one.",
            remaining))  # fmt: skip
    needed = remaining * 7 / max(days_left, 1)
    to_go = words.plural("%(num)s objective to go", "%(num)s objectives to go", remaining)
    head = words.plural(
        "%(to_go)s in %(num)s day: about %(needed)s a week",
        "%(to_go)s in %(num)s days: about %(needed)s a week",
        days_left,
        to_go=to_go,
        needed=words.decimal(needed),
    )
    if planned is not None and weekly_minutes and minutes_left:
        plan = words(
            "at %(minutes)s minutes a week you get there by %(date)s",
            minutes=weekly_minutes, date=words.day_month(planned),
        )  # fmt: skip
        if planned <= goal_date:
            return GoalPace("on-track", remaining, days_left, needed, None, planned,
                            words("On track. %(head)s; %(plan)s.", head=head, plan=plan),
                            minutes_left)  # fmt: skip
        more = _step_up(minutes_left * 7 / max(days_left, 1))
        return GoalPace("behind", remaining, days_left, needed, None, planned, words(
            "Behind. %(head)s; %(plan)s. About %(more)s minutes a week, or a later date, closes "
            "the gap.", head=head, plan=plan, more=more), minutes_left)  # fmt: skip
    if per_week is None or projected is None:
        return GoalPace(
            "starting", remaining, days_left, needed, None, None, f"{head}.", minutes_left
        )
    pace = words(
        "at your pace of %(per_week)s a week you get there by %(date)s",
        per_week=words.decimal(per_week),
        date=words.day_month(projected),
    )
    if projected <= goal_date:
        return GoalPace("on-track", remaining, days_left, needed, per_week, projected,
                        words("On track. %(head)s; %(pace)s.", head=head, pace=pace),
                        minutes_left)  # fmt: skip
    return GoalPace("behind", remaining, days_left, needed, per_week, projected, words(
        "Behind. %(head)s; %(pace)s. A later date, or more practice a week, closes the gap.",
        head=head, pace=pace), minutes_left)  # fmt: skip
