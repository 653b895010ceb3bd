"""The recommendation policy: ranked next steps, each with the reason it was chosen.

Rules, in order of weight:

1. Only objectives that are unlocked (all prerequisites mastered) and not yet mastered are
   offered for new learning.
2. Objectives on the shortest path to the learner's goal come first, nearest first.
3. Objectives already in progress come before new ones (finish what was started), unless the
   learner is wheel-spinning on one, in which case an activity of another modality is offered.
4. Among an objective's activities, the learner's preferred modalities come first, then what the
   learner has not done yet; the others stay available.
5. One recommendation per objective before a second for any, so the list interleaves objectives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from learnloop.engine.skill_graph import SkillGraph

__all__ = ["ActivityOption", "LearnerSnapshot", "Reason", "Recommendation", "recommend"]


class Reason(StrEnum):
    """Why a step is recommended (machine-readable; reports turn it into words)."""

    GOAL = "goal"  # on the shortest path to the learner's goal
    CONTINUE = "continue"  # started, not mastered yet
    READY = "ready"  # prerequisites mastered, not started
    START = "start"  # no prerequisites at all: a place to begin
    TRY_ANOTHER_WAY = "try_another_way"  # stuck with one modality; another is offered


@dataclass(frozen=True, slots=True)
class ActivityOption:
    key: str
    objectives: tuple[str, ...]
    modality: str
    minutes: int


@dataclass(frozen=True)
class LearnerSnapshot:
    """What the policy knows about a learner at one moment."""

    p_known: Mapping[str, float]
    mastered: frozenset[str]
    attempts: Mapping[str, int] = field(default_factory=dict)
    goal: str | None = None
    preferred_modalities: tuple[str, ...] = ()
    done_activities: frozenset[str] = frozenset()
    recent_modalities: Mapping[str, str] = field(default_factory=dict)  # objective -> last modality


@dataclass(frozen=True, slots=True)
class Recommendation:
    activity: str
    objective: str
    reason: Reason
    score: float
    # objectives the reason refers to: the prerequisites mastered, or the goal
    related: tuple[str, ...] = ()
    preferred: bool = False


# Weights of the policy's rules; the goal outranks everything, then finishing what is started.
_GOAL_WEIGHT = 100.0
_CONTINUE_WEIGHT = 20.0
_PREFERRED_WEIGHT = 8.0
_NOT_DONE_WEIGHT = 4.0


def recommend(
    graph: SkillGraph,
    activities: Sequence[ActivityOption],
    learner: LearnerSnapshot,
    *,
    limit: int,
    stuck_attempts: int,
) -> list[Recommendation]:
    """The ``limit`` best next steps for ``learner``, best first, interleaving objectives."""
    ready = graph.ready(learner.mastered)
    goal_path = graph.path_to(learner.goal, learner.mastered) if learner.goal else ()
    by_objective: dict[str, list[Recommendation]] = {}
    for objective in ready:
        attempts = learner.attempts.get(objective, 0)
        stuck = attempts >= stuck_attempts
        base = 0.0
        related: tuple[str, ...] = graph.prerequisites(objective)
        if objective in goal_path:
            reason = Reason.GOAL
            base += _GOAL_WEIGHT - goal_path.index(objective)
            related = (learner.goal,) if learner.goal else ()
        elif attempts > 0:
            reason = Reason.CONTINUE
            base += _CONTINUE_WEIGHT + learner.p_known.get(objective, 0.0)
        elif related:
            reason = Reason.READY
        else:
            reason = Reason.START
        base -= graph.depth[objective] * 0.1  # earlier objectives first, all else equal
        options: list[Recommendation] = []
        for act in activities:
            if objective not in act.objectives:
                continue
            score = base
            preferred = act.modality in learner.preferred_modalities
            if preferred:
                score += _PREFERRED_WEIGHT
            if act.key not in learner.done_activities:
                score += _NOT_DONE_WEIGHT
            act_reason = reason
            if stuck and act.modality != learner.recent_modalities.get(objective):
                act_reason = Reason.TRY_ANOTHER_WAY
                score += _PREFERRED_WEIGHT * 2
            options.append(
                Recommendation(act.key, objective, act_reason, score, related, preferred)
            )
        options.sort(key=lambda r: -r.score)
        if options:
            by_objective[objective] = options
    # Interleave: each objective's best option, then each one's second best, ...
    ranked: list[Recommendation] = []
    rounds = max((len(v) for v in by_objective.values()), default=0)
    seen: set[str] = set()
    for i in range(rounds):
        layer = [opts[i] for opts in by_objective.values() if i < len(opts)]
        for rec in sorted(layer, key=lambda r: -r.score):
            if rec.activity not in seen:
                seen.add(rec.activity)
                ranked.append(rec)
    return ranked[:limit]
