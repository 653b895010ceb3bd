"""A simulated class on a course: three policies, the same synthetic learners, what each costs
and what each leaves behind.

- ``fixed``: the course's practice in its written order (objectives in prerequisite order, every
  question of every activity), then again from the start, as a learner working through a
  textbook until they know it all;
- ``random``: any activity the platform has unlocked (prerequisites mastered), chosen at random;
- ``learnloop``: the platform's own policy (``engine.recommend``) with its BKT mastery, target
  success band, and FSRS reviews of mastered objectives (``domain.reviews``).

Learners are ``engine.synthetic_learners`` (gradual learning with forgetting, not BKT). Each
day every learner has one session of up to ``per_day`` questions. Reported per policy:
``practice_to_mastery``, the mean number of questions answered until every objective was truly
mastered (among the learners who got there within the days simulated; ``reached`` is their
share), and ``retention_30d``, the mean chance of a right answer on an average question of an
objective 30 days after the learner truly mastered it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from learnloop.domain import Course
from learnloop.domain.reviews import (
    MIN_REVIEWS_TO_FIT,
    MemoryCard,
    ReviewScheduler,
    rating_for,
    review_history,
)
from learnloop.engine import (
    ActivityOption,
    BayesianKnowledgeTracing,
    LearnerSnapshot,
    ResponseLog,
    recommend,
)
from learnloop.engine.memory import FSRSMemoryModel
from learnloop.engine.synthetic_learners import SyntheticLearner, draw_learners

__all__ = ["POLICIES", "PolicyResult", "simulate_class"]

POLICIES = ("fixed", "random", "learnloop")
RETENTION_DAYS = 30
_T0 = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)


@dataclass(frozen=True)
class PolicyResult:
    practice_to_mastery: float
    reached: float  # share of learners who truly mastered every objective
    retention_30d: float
    retention_samples: int
    questions_answered: float  # mean per learner over the whole simulation
    truly_mastered: float  # share of learners whose true recall reached mastery on everything
    # mean objectives mastered (platform's judgement) after q questions, q = 0, step, 2 step, ...
    mastered_curve: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class _Platform:
    """What the platform knows of one learner: BKT mastery and review cards."""

    p_known: dict[str, float]
    attempts: dict[str, int] = field(default_factory=dict)
    mastered: set[str] = field(default_factory=set)
    cards: dict[str, MemoryCard] = field(default_factory=dict)
    refresh: set[str] = field(default_factory=set)
    done: set[str] = field(default_factory=set)
    next_item: dict[str, int] = field(default_factory=dict)
    mastered_day: dict[str, int] = field(default_factory=dict)  # first declared mastered
    position: int = 0  # where the fixed sequence has got to
    reviews: list[tuple[str, datetime, int]] = field(
        default_factory=list
    )  # objective, when, rating


def _record(
    course: Course,
    platform: _Platform,
    scheduler: ReviewScheduler,
    item: str,
    right: bool,
    when: datetime,
) -> None:
    for key in course.items[item].objectives:
        objective = course.objectives[key]
        card = platform.cards.get(key)
        if key in platform.mastered and card is not None and scheduler.is_due(card, when):
            platform.cards[key] = scheduler.review(card, rating_for(right, 0), when)
            platform.reviews.append((key, when, rating_for(right, 0)))
            if not right:
                platform.refresh.add(key)
        platform.p_known[key] = objective.bkt.update(platform.p_known[key], right)
        platform.attempts[key] = platform.attempts.get(key, 0) + 1
        if objective.mastery.is_mastered(platform.p_known[key], platform.attempts[key]):
            if key not in platform.mastered:
                platform.mastered.add(key)
                platform.cards[key] = scheduler.start(when)
                platform.reviews.append((key, when, 3))
            platform.refresh.discard(key)


def _next_item(course: Course, platform: _Platform, activity: str) -> str:
    items = course.activities[activity].items
    i = platform.next_item.get(activity, 0)
    platform.next_item[activity] = i + 1
    platform.done.add(activity)
    return items[i % len(items)]


Chooser = Callable[[_Platform, datetime, np.random.Generator], str | None]


def _fixed(course: Course) -> Chooser:
    order = course.graph.topological_order
    sequence = [
        (a.key, item)
        for key in order
        for a in course.activities.values()
        if a.objectives[0] == key
        for item in a.items
    ]

    def choose(platform: _Platform, when: datetime, rng: np.random.Generator) -> str | None:
        i = platform.position
        platform.position += 1
        return sequence[i % len(sequence)][1]

    return choose


def _random(course: Course) -> Chooser:
    practice = [a for a in course.activities.values() if a.items]

    def choose(platform: _Platform, when: datetime, rng: np.random.Generator) -> str | None:
        open_ = [
            a
            for a in practice
            if all(course.graph.is_unlocked(o, platform.mastered) for o in a.objectives)
        ]
        act = open_[int(rng.integers(len(open_)))]
        return _next_item(course, platform, act.key)

    return choose


def _learnloop(course: Course, scheduler: ReviewScheduler) -> Chooser:
    options = [
        ActivityOption(a.key, a.objectives, a.modality.value, a.minutes, bool(a.items))
        for a in course.activities.values()
    ]

    def choose(platform: _Platform, when: datetime, rng: np.random.Generator) -> str | None:
        due = {
            k: scheduler.recall(c, when)
            for k, c in platform.cards.items()
            if scheduler.is_due(c, when)
        }
        snapshot = LearnerSnapshot(
            p_known=platform.p_known,
            mastered=frozenset(platform.mastered),
            attempts=platform.attempts,
            done_activities=frozenset(platform.done),
            expected_success={
                k: o.bkt.predict(platform.p_known[k]) for k, o in course.objectives.items()
            },
            due_reviews=due,
            refresh=frozenset(platform.refresh),
        )
        recs = recommend(course.graph, options, snapshot, limit=6, stuck_attempts=10**6)
        for rec in recs:
            if course.activities[rec.activity].items:
                return _next_item(course, platform, rec.activity)
        return None

    return choose


def fit_course_model(
    course: Course, *, learners: int, days: int, seed: int
) -> tuple[Course, tuple[float, ...]]:
    """What the platform learns from a course's history, learnt here from pilot cohorts of other
    synthetic learners: BKT parameters (``engine.BayesianKnowledgeTracing``) from a cohort that
    practised at random, then FSRS parameters (``engine.memory.FSRSMemoryModel``) from the
    reviews of a cohort that followed learnloop with those BKT parameters."""
    rows: list[tuple[int, int, int]] = []
    _run_policy(course, "random", learners=learners, days=days, per_day=20, seed=seed, log=rows)
    table = np.array(rows, dtype=np.int64)
    log = ResponseLog.from_columns(table[:, 0], table[:, 1], table[:, 2])
    model = BayesianKnowledgeTracing(n_restarts=2).fit(log)
    fitted = replace(
        course,
        objectives={
            k: replace(o, bkt=model.params_for(i))
            for i, (k, o) in enumerate(course.objectives.items())
        },
    )
    reviews: list[tuple[int, str, datetime, int]] = []
    _run_policy(
        fitted,
        "learnloop",
        learners=learners,
        days=days,
        per_day=20,
        seed=seed + 1,
        review_log=reviews,
    )
    history = review_history(sorted(reviews, key=lambda r: (r[0], r[1], r[2])))
    if (~history.first).sum() < MIN_REVIEWS_TO_FIT:
        return fitted, tuple(ReviewScheduler().parameters)
    return fitted, FSRSMemoryModel().fit(history).parameters_


def _run_policy(
    course: Course,
    policy: str,
    *,
    learners: int,
    days: int,
    per_day: int,
    seed: int,
    log: list[tuple[int, int, int]] | None = None,
    review_log: list[tuple[int, str, datetime, int]] | None = None,
    memory_parameters: tuple[float, ...] | None = None,
) -> PolicyResult:
    rng = np.random.default_rng(seed)  # the same learners and questions for every policy
    objectives = tuple(course.graph.topological_order)
    prereqs = {k: course.objectives[k].prerequisites for k in objectives}
    people = draw_learners(objectives, prereqs, learners, rng)
    difficulty = {k: float(rng.normal(0.0, 0.5)) for k in course.items}
    answer_rng = np.random.default_rng(seed + 1)
    scheduler = ReviewScheduler(memory_parameters)
    chooser = {
        "fixed": _fixed(course),
        "random": _random(course),
        "learnloop": _learnloop(course, scheduler),
    }[policy]
    to_mastery: list[int] = []
    retention: list[float] = []
    truly = 0
    answered = 0
    firsts: list[list[int]] = []  # per learner: question count at each objective's mastery
    index = {k: i for i, k in enumerate(course.objectives)}
    for n, person in enumerate(people):
        platform = _Platform({k: o.bkt.prior for k, o in course.objectives.items()})
        count = 0
        finished = False
        mastered_after: list[int] = []
        for day in range(days):
            when = _T0 + timedelta(days=day)
            for key, at in platform.mastered_day.items():
                if day == at + RETENTION_DAYS:
                    retention.append(_p_average(person, key, day))
            for _ in range(per_day):
                if finished and policy != "learnloop":
                    break  # the course is done; only learnloop schedules reviews after it
                item = chooser(platform, when, answer_rng)
                if item is None:
                    break
                key = course.items[item].objectives[0]
                right = person.answer(key, difficulty[item], day, answer_rng)
                if log is not None:
                    log.append((n, index[key], int(right)))
                count += 1
                _record(course, platform, scheduler, item, right, when)
                for k in platform.mastered:
                    if k not in platform.mastered_day:
                        platform.mastered_day[k] = day
                        mastered_after.append(count)
                if not finished and len(platform.mastered_day) == len(course.objectives):
                    finished = True
                    to_mastery.append(count)
        answered += count
        firsts.append(mastered_after)
        truly += person.all_mastered()
        if review_log is not None:
            review_log.extend((n, key, when, rating) for key, when, rating in platform.reviews)
    return PolicyResult(
        practice_to_mastery=float(np.mean(to_mastery)) if to_mastery else float("nan"),
        reached=len(to_mastery) / learners,
        retention_30d=float(np.mean(retention)) if retention else float("nan"),
        retention_samples=len(retention),
        questions_answered=answered / learners,
        truly_mastered=truly / learners,
        mastered_curve=_curve(firsts),
    )


def _curve(firsts: list[list[int]], points: int = 40) -> list[tuple[int, float]]:
    last = max((max(f) for f in firsts if f), default=0)
    step = max(1, -(-last // points))
    return [
        (q, float(np.mean([sum(1 for c in f if c <= q) for f in firsts])))
        for q in range(0, last + step, step)
    ]


def _p_average(person: SyntheticLearner, key: str, day: int) -> float:
    return person.p_right(key, 0.0, float(day))


def simulate_class(
    course: Course,
    *,
    learners: int,
    days: int,
    seed: int,
    per_day: int = 20,
    policies: tuple[str, ...] = POLICIES,
    progress: Callable[[str], None] | None = None,
    pilot_learners: int | None = None,
) -> dict[str, PolicyResult]:
    """Every policy on the same synthetic learners; learnloop with the models fitted on pilot
    cohorts (``pilot_learners`` each, default at least 100) of other learners."""
    out = {}
    fitted, memory = fit_course_model(
        course, learners=pilot_learners or max(learners, 100), days=days, seed=seed + 7919
    )
    if progress:
        progress("fitting the course's model on a pilot cohort")
    for policy in policies:
        out[policy] = _run_policy(
            fitted,
            policy,
            learners=learners,
            days=days,
            per_day=per_day,
            seed=seed,
            memory_parameters=memory,
        )
        if progress:
            progress(policy)
    return out
