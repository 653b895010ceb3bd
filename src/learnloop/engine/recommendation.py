"""The recommendation policy: ranked next steps, each with the reason it was chosen.

Rules, in order of weight:

1. Only objectives that are unlocked (all prerequisites mastered) and not yet mastered are
   offered for new learning; a mastered objective whose review failed is offered again, first
   of all.
2. Objectives on the shortest path to the learner's goal come first, nearest first.
3. Objectives already in progress come before new ones (finish what was started), unless the
   learner is wheel-spinning on one, in which case an activity of another modality is offered.
4. Among an objective's activities, the learner's preferred modalities come first, then what the
   learner has not done yet, then what is about one of their interests; the others stay
   available.
5. One recommendation per objective before a second for any, so the list interleaves objectives.
6. Practice aims at a chance of success inside ``TARGET_SUCCESS``: among objectives of equal
   standing, those whose expected success is inside the band rank higher, and the further
   outside it, the lower.
7. Reviews that are due (mastered objectives whose predicted recall fell to the review
   threshold) are mixed in: one every ``REVIEW_EVERY`` places, the most forgotten first, so
   reviewing never crowds out new learning and is never postponed behind it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from learnloop.engine.skill_graph import SkillGraph

__all__ = [
    "REVIEW_EVERY",
    "TARGET_SUCCESS",
    "ActivityOption",
    "LearnerSnapshot",
    "Reason",
    "Recommendation",
    "band_distance",
    "recommend",
]


class Reason(StrEnum):
    """Why a step is recommended (machine-readable; reports turn it into words)."""

    GOAL = "goal"  # on the shortest path to the learner's goal
    CONTINUE = "continue"  # started, not mastered yet
    READY = "ready"  # prerequisites mastered, not started
    START = "start"  # no prerequisites at all: a place to begin
    TRY_ANOTHER_WAY = "try_another_way"  # stuck with one modality; another is offered
    REVIEW = "review"  # mastered, and due for review so that it stays mastered
    REFRESH = "refresh"  # a review was failed: back into practice until mastered again


# Practice works best when learners succeed about 70-85% of the time: hard enough to learn from
# errors, easy enough not to discourage (Wilson, Shenhav, Straccia & Cohen 2019, "The Eighty Five
# Percent Rule for optimal learning", Nature Communications 10:4646; Metcalfe & Kornell 2005 on
# the region of proximal learning).
TARGET_SUCCESS = (0.70, 0.85)
# A due review takes every third place in the list (the first place stays new learning).
REVIEW_EVERY = 3


@dataclass(frozen=True, slots=True)
class ActivityOption:
    key: str
    objectives: tuple[str, ...]
    modality: str
    minutes: int
    has_items: bool = True  # has questions (a review needs some)
    topics: frozenset[str] = frozenset()  # what it is about (the course's topic keys)


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
    expected_success: Mapping[str, float] = field(default_factory=dict)  # objective -> P(right)
    due_reviews: Mapping[str, float] = field(default_factory=dict)  # objective -> recall now
    refresh: frozenset[str] = frozenset()  # mastered objectives whose review was failed
    interests: frozenset[str] = frozenset()  # topic keys the learner's interests name


@dataclass(frozen=True, slots=True)
class Recommendation:
    activity: str
    objective: str
    reason: Reason
    score: float
    # objectives the reason refers to: the prerequisites mastered, or the goal
    related: tuple[str, ...] = ()
    preferred: bool = False
    expected_success: float | None = None  # the model's chance of a right answer, if known
    topics: tuple[str, ...] = ()  # the learner's interests the activity is about, sorted


# Weights of the policy's rules; the goal outranks everything, then finishing what is started.
_GOAL_WEIGHT = 100.0
_CONTINUE_WEIGHT = 20.0
_PREFERRED_WEIGHT = 8.0
_NOT_DONE_WEIGHT = 4.0
# Below the two above: an activity about what the learner likes wins among otherwise equal ones,
# never over their preferred kind of activity or over one they have not done.
_INTEREST_WEIGHT = 2.0
_BAND_WEIGHT = 3.0  # below the goal and "continue" weights: the band orders equals, no more


def _liked(act: ActivityOption, learner: LearnerSnapshot) -> tuple[str, ...]:
    """The learner's interests the activity is about, sorted."""
    return tuple(sorted(act.topics & learner.interests))


def band_distance(p: float, band: tuple[float, float] = TARGET_SUCCESS) -> float:
    """How far a chance of success lies outside the target band (0 inside it)."""
    low, high = band
    return max(low - p, p - high, 0.0)


def recommend(
    graph: SkillGraph,
    activities: Sequence[ActivityOption],
    learner: LearnerSnapshot,
    *,
    limit: int,
    stuck_attempts: int,
) -> list[Recommendation]:
    """The ``limit`` best next steps for ``learner``, best first, interleaving objectives."""
    # A failed review puts a mastered objective back among those to practise.
    unlocked = set(graph.ready(learner.mastered)) | set(learner.refresh)
    ready = tuple(k for k in graph.topological_order if k in unlocked)
    goal_path = graph.path_to(learner.goal, learner.mastered) if learner.goal else ()
    by_objective: dict[str, list[Recommendation]] = {}
    for objective in ready:
        attempts = learner.attempts.get(objective, 0)
        stuck = attempts >= stuck_attempts
        base = 0.0
        related: tuple[str, ...] = graph.prerequisites(objective)
        if objective in learner.refresh:
            # a forgotten foundation comes before new learning, even toward the goal
            reason = Reason.REFRESH
            base += _GOAL_WEIGHT + 1.0
        elif objective in goal_path:
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
        success = learner.expected_success.get(objective)
        if success is not None:
            base += _BAND_WEIGHT * (1.0 - min(1.0, band_distance(success) / 0.35))
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
            liked = _liked(act, learner)
            if liked:
                score += _INTEREST_WEIGHT
            act_reason = reason
            if stuck and act.modality != learner.recent_modalities.get(objective):
                act_reason = Reason.TRY_ANOTHER_WAY
                score += _PREFERRED_WEIGHT * 2
            options.append(
                Recommendation(
                    act.key, objective, act_reason, score, related, preferred, success, liked
                )
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
    # a review never repeats a step already shown: an activity serving two objectives is one step
    reviews = _reviews(activities, learner, {r.activity for r in ranked[:limit]})
    # Mix the due reviews in: places REVIEW_EVERY - 1, 2 * REVIEW_EVERY - 1, ... (0-based).
    for n, rec in enumerate(reviews):
        ranked.insert(min(len(ranked), REVIEW_EVERY * (n + 1) - 1), rec)
    return ranked[:limit]


def _reviews(
    activities: Sequence[ActivityOption], learner: LearnerSnapshot, taken: set[str]
) -> list[Recommendation]:
    """One review per due objective, most forgotten first, on its preferred kind of practice
    (practice with questions, because a review is a test of recall), on an activity not in
    ``taken`` nor used by another review (an objective with no other is left for later)."""
    out: list[Recommendation] = []
    for objective, recall in sorted(learner.due_reviews.items(), key=lambda kv: kv[1]):
        if objective in learner.refresh:
            continue  # already back in practice
        options = [
            a for a in activities
            if objective in a.objectives and a.has_items and a.key not in taken
        ]  # fmt: skip
        if not options:
            continue
        options.sort(
            key=lambda a: (
                a.modality not in learner.preferred_modalities,
                a.key in learner.done_activities,
                not _liked(a, learner),
            )
        )
        act = options[0]
        taken = taken | {act.key}
        preferred = act.modality in learner.preferred_modalities
        liked = _liked(act, learner)
        out.append(
            Recommendation(act.key, objective, Reason.REVIEW, 0.0, (), preferred, recall, liked)
        )
    return out
