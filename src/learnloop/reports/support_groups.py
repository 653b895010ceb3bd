"""Suggested small groups for targeted support, from the learner model (product.md, "groups ...
suggested from the learner model: similar needs for targeted support, or mixed for peer help").

Two kinds, each with a reason an educator can check:

- **objective**: learners whose most pressing need is the same objective. A learner's need is
  the unlocked, unmastered objective they have answered most on (ties: the earlier in the course);
  a learner who has started nothing unlocked needs the first ready objective. Members are ordered
  by their estimate, so that each group holds learners at a similar point, and each group is
  offered peer helpers: learners who mastered that objective, the highest estimates first.
- **misconception**: learners who show the same mistaken idea (``misconception_min_answers``
  answers revealed it), most answers first.

Groups hold at most ``group_size_max`` learners (engine.grouping.balanced_groups); a need that
only one learner has gives no group, as one learner is not a group.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from learnloop.config import PedagogySettings
from learnloop.domain import Course, Viewer
from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.engine.grouping import assign_helpers, balanced_groups
from learnloop.reports.item_analysis import learners_query, misconception_rows
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Attempt, Mastery

__all__ = ["HELPERS_PER_GROUP", "Member", "SupportGroup", "SupportGroups", "support_groups"]

HELPERS_PER_GROUP = 2  # peers who mastered the objective, offered per group: one may be away


@dataclass(frozen=True)
class Member:
    learner_id: int
    display_name: str
    p_known: float | None  # on the group's objective; None for misconception groups
    answers: int  # on the group's objective, or answers that revealed the misconception


@dataclass(frozen=True)
class SupportGroup:
    kind: str  # objective | misconception
    key: str  # the objective's or the misconception's key
    title: str
    reason: str  # plain language
    members: tuple[Member, ...]
    helpers: tuple[Member, ...]  # objective groups: peers who mastered it


@dataclass(frozen=True)
class SupportGroups:
    class_id: int
    class_name: str
    groups: tuple[SupportGroup, ...]
    ungrouped: tuple[tuple[int, str, str], ...]  # in no group at all: learner id, name, why
    max_size: int
    course: Course


def support_groups(
    db: Database,
    viewer: Viewer,
    class_id: int,
    pedagogy: PedagogySettings,
    *,
    words: Wording = IN_ENGLISH,
) -> SupportGroups:
    """Suggested groups of the class; reasons written with ``words``."""
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
        names = {int(i): str(n) for i, n in s.execute(learners_query(class_id))}
        rows = list(
            s.scalars(
                select(Mastery).where(
                    Mastery.user_id.in_(list(names)), Mastery.course_id == school_class.course_id
                )
            )
        )
        tagged = [
            (int(u), str(item), str(tags), at)
            for u, item, tags, at in s.execute(
                select(
                    Attempt.user_id, Attempt.item_key, Attempt.misconceptions, Attempt.created_at
                ).where(
                    Attempt.user_id.in_(list(names)),
                    Attempt.course_id == school_class.course_id,
                    Attempt.misconceptions != "",
                )
            )
        ]
    state: dict[int, dict[str, Mastery]] = defaultdict(dict)
    for m in rows:
        if m.objective_key in course.objectives:
            state[m.user_id][m.objective_key] = m
    order = list(course.graph.topological_order)
    needs: dict[str, list[Member]] = defaultdict(list)
    ungrouped: list[tuple[int, str, str]] = []
    for learner_id, name in names.items():
        mine = state.get(learner_id, {})
        if not any(m.attempts for m in mine.values()):
            ungrouped.append((learner_id, name, words("has not started the course")))
            continue
        mastered = {k for k, m in mine.items() if m.mastered}
        open_ = [k for k in order if k not in mastered and course.graph.is_unlocked(k, mastered)]
        if not open_:
            ungrouped.append((learner_id, name, words("has mastered every objective")))
            continue
        started = [k for k in open_ if k in mine and mine[k].attempts > 0]
        if started:
            need = max(started, key=lambda k: (mine[k].attempts, -order.index(k)))
            m = mine[need]
            needs[need].append(Member(learner_id, name, m.p_known, m.attempts))
        else:
            needs[open_[0]].append(Member(learner_id, name, None, 0))
    groups: list[SupportGroup] = []
    for key in order:
        members = sorted(needs.get(key, []), key=lambda x: (x.p_known or 0.0, x.display_name))
        if len(members) == 1:
            only = members[0]
            ungrouped.append(
                (
                    only.learner_id,
                    only.display_name,
                    words(
                        "the only one working on %(objective)s",
                        objective=course.objectives[key].title,
                    ),
                )
            )
            continue
        helpers_pool = sorted(
            (
                Member(u, names[u], mine[key].p_known, mine[key].attempts)
                for u, mine in state.items()
                if key in mine and mine[key].mastered
            ),
            key=lambda x: (-(x.p_known or 0.0), x.display_name),
        )
        cut = balanced_groups(members, pedagogy.group_size_max)
        helpers = assign_helpers(cut, helpers_pool, HELPERS_PER_GROUP)
        title = course.objectives[key].title
        for group, helping in zip(cut, helpers, strict=True):
            practised = [g for g in group if g.answers]
            estimates = [g.p_known for g in practised if g.p_known is not None]
            # the estimates' range tells apart the groups one objective is cut into
            reason = (
                words.plural(
                    "%(size)s learners working on %(objective)s, not mastered yet: estimates "
                    "%(low)s to %(high)s, %(num)s answer on average",
                    "%(size)s learners working on %(objective)s, not mastered yet: estimates "
                    "%(low)s to %(high)s, %(num)s answers on average",
                    round(sum(g.answers for g in practised) / len(practised)), size=len(group),
                    objective=title, low=words.percent(min(estimates)),
                    high=words.percent(max(estimates)),
                )
                if estimates
                else words(
                    "%(n)s learners working on %(objective)s, not mastered yet (not started: "
                    "ready to begin)", n=len(group), objective=title,
                )
            )  # fmt: skip
            groups.append(
                SupportGroup("objective", key, title, reason, tuple(group), tuple(helping))
            )
    for row in misconception_rows(course, names, tagged, pedagogy):
        members = [Member(x.learner_id, x.display_name, None, x.answers) for x in row.learners]
        for group in balanced_groups(members, pedagogy.group_size_max):
            reason = words(
                "%(n)s learners whose answers show the idea “%(idea)s” (%(min)s or more answers "
                "each)", n=len(group), idea=row.title, min=pedagogy.misconception_min_answers,
            )  # fmt: skip
            groups.append(
                SupportGroup("misconception", row.key, row.title, reason, tuple(group), ())
            )
    grouped = {m.learner_id for g in groups for m in g.members}
    return SupportGroups(
        class_id=class_id,
        class_name=school_class.name,
        groups=tuple(groups),
        ungrouped=tuple(sorted((u for u in ungrouped if u[0] not in grouped), key=lambda x: x[1])),
        max_size=pedagogy.group_size_max,
        course=course,
    )
