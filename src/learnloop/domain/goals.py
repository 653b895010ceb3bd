"""Progress against the learner's goal (product.md, Autonomy: "progress against goals"): how
many objectives are left on the way to it, the pace the goal date needs, the learner's own
recent pace, and what follows, in one plain sentence.

The pace counts objectives mastered through practice in the last ``PACE_WINDOW_DAYS``; those a
placement diagnostic found already known are left out, as they say nothing about speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.engine import SkillGraph

__all__ = ["PACE_WINDOW_DAYS", "GoalPace", "goal_pace"]

# Two weeks: long enough to hold a few masteries at a school's pace of one or two objectives a
# week, short enough that last month's burst or break does not set this week's forecast.
PACE_WINDOW_DAYS = 14


@dataclass(frozen=True)
class GoalPace:
    status: str  # done | no-date | overdue | starting | on-track | behind
    remaining: int  # objectives still to master on the way to the goal (the goal included)
    days_left: int | None
    needed_per_week: float | None
    per_week: float | None  # the learner's recent pace; None before any mastery in the window
    projected: date | None  # when the recent pace reaches the goal
    sentence: str


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
) -> GoalPace:
    """``practised_mastery_times``: when each objective mastered through practice was mastered."""
    remaining = len(graph.path_to(goal, mastered))
    today = now.date()
    since = now - timedelta(days=PACE_WINDOW_DAYS)
    recent = sum(1 for t in practised_mastery_times if t >= since)
    per_week = recent * 7 / PACE_WINDOW_DAYS if recent else None
    if remaining == 0:
        return GoalPace("done", 0, None, None, per_week, None,
                        words("You have mastered everything on the way to %(goal)s.", goal=goal_title))  # fmt: skip
    projected = today + timedelta(weeks=remaining / per_week) if per_week else None
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
    if per_week is None or projected is None:
        return GoalPace("starting", remaining, days_left, needed, None, None, f"{head}.")
    pace = words(
        "at your pace of %(per_week)s a week you get there by %(date)s",
        per_week=words.decimal(per_week),
        date=words.day_month(projected),
    )
    if projected <= goal_date:
        return GoalPace("on-track", remaining, days_left, needed, per_week, projected,
                        words("On track. %(head)s; %(pace)s.", head=head, pace=pace))  # fmt: skip
    return GoalPace("behind", remaining, days_left, needed, per_week, projected, words(
        "Behind. %(head)s; %(pace)s. A later date, or more practice a week, closes the gap.",
        head=head, pace=pace))  # fmt: skip
