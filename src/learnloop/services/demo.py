"""The demo: the fractions course, a class of learners with a simulated history, their educator.

The history is made the way real use would make it: each simulated learner (with a hidden true
state the platform never sees) picks an unlocked objective, answers its items through
``record_attempt``, and moves on when the platform says they have mastered it. The learners'
answers are recorded in the order of their times, across the class, as a live class's would be
(so the LRS's storage order is the order of its statements' "stored" times).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import numpy as np
from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.domain import Course, Modality, Role, Viewer
from learnloop.engine.simulation import SimulatedLearner
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class, create_class, import_course
from learnloop.services.demo_class_work import assign_to_class, hand_in_work, report_questions
from learnloop.services.learning import record_attempt
from learnloop.services.messages import reply_to_feedback, send_feedback
from learnloop.services.onboarding import complete_onboarding
from learnloop.services.reflections import write_reflection
from learnloop.services.score_bank import calibrate_score_bank, import_calibration_answers
from learnloop.storage import Database
from learnloop.storage.tables import Mastery, SchoolClass

__all__ = ["DEMO_CLASS", "DEMO_LEARNERS", "DemoLogins", "setup_demo"]

DEMO_CLASS = "Year 7 Fractions (demo)"
DEMO_LEARNERS = (
    ("amara", "Amara Okafor"),
    ("ben", "Ben Schulz"),
    ("chloe", "Chloé Martin"),
    ("dev", "Dev Patel"),
    ("elena", "Elena Rossi"),
    ("farid", "Farid Haddad"),
    ("grace", "Grace Kim"),
    ("hugo", "Hugo Almeida"),
    ("isla", "Isla Murphy"),
    ("jonas", "Jonas Berg"),
    ("keiko", "Keiko Tanaka"),
    ("liam", "Liam Walsh"),
    ("maya", "Maya Cohen"),
    ("noah", "Noah Fischer"),
)
DEMO_EDUCATOR = ("teacher", "Ms. Rivera")
DEMO_ADMIN = ("admin", "Site Admin")
# A fresh learner account with no history, to try the onboarding and the first steps.
DEMO_NEWCOMER = ("newcomer", "New Learner")


@dataclass(frozen=True)
class DemoLogins:
    created: bool
    admin: str
    educator: str
    learners: tuple[str, ...]
    newcomer: str
    class_id: int


# Share of demo learners who hold each of the course's misconceptions: enough that the
# educator's "Items and misconceptions" page has something to show in a class of 14.
MISCONCEPTION_SHARE = 0.3


def answer_for(
    course: Course,
    item_key: str,
    correct: bool,
    *,
    holds: frozenset[str] = frozenset(),
    rng: np.random.Generator | None = None,
) -> str | list[str]:
    """A response to ``item_key`` that is right or wrong as asked. A wrong one is the authored
    wrong answer of a misconception in ``holds`` when the item has one, else (with ``rng``) an
    authored wrong answer at random, else a plain wrong one."""
    item = course.items[item_key]
    if item.choices:
        right = [c.key for c in item.choices if c.correct]
        wrong = [c.key for c in item.choices if not c.correct]
        if not correct:
            tagged = [c.key for c in item.choices if c.misconception in holds and not c.correct]
            if tagged:
                wrong = tagged[:1] + [w for w in wrong if w != tagged[0]]
            elif rng is not None:
                wrong = [wrong[int(rng.integers(len(wrong)))]]
        if item.kind.value == "single_choice":
            return right[0] if correct else wrong[0]
        return right if correct else right[:-1] + wrong[:1]
    if item.order:  # ordering: the steps in order, or the first two swapped
        keys = [chr(97 + i) for i in range(len(item.order))]
        return keys if correct else [keys[1], keys[0], *keys[2:]]
    if item.pairs:  # matching: each left with its own right, or the first two crossed
        keys = [chr(97 + i) for i in range(len(item.pairs))]
        return keys if correct else [keys[1], keys[0], *keys[2:]]
    if not correct and item.wrong_answers:
        revealing = [w for w in item.wrong_answers if w.misconception in holds]
        if revealing:
            return _wrong_text(item.kind.value, revealing[0].match)
        if rng is not None and rng.random() < 0.5:
            pick = item.wrong_answers[int(rng.integers(len(item.wrong_answers)))]
            return _wrong_text(item.kind.value, pick.match)
    if item.answer is not None:
        # the right answer as stored; a wrong one written as a learner would, as a fraction
        return repr(item.answer) if correct else _wrong_text("numeric", repr(item.answer + 1.0))
    return item.accepted[0] if correct and item.accepted else "I am not sure"


def _wrong_text(kind: str, match: str) -> str:
    """What a learner would type for an authored wrong answer: a numeric one (stored as a float)
    as a fraction; a short-text one (a pattern) as the pattern's plain reading, when it matches."""
    if kind == "numeric":
        return str(Fraction(float(match)).limit_denominator(1000))
    plain = re.sub(r"\(.*?\)\?", "", match)  # optional groups left out
    plain = plain.replace("\\s*", "").replace("\\s+", " ").strip()
    return plain if re.fullmatch(match, plain, re.IGNORECASE) else "I am not sure"


def _simulate(
    db: Database,
    course: Course,
    viewer: Viewer,
    learner: SimulatedLearner,
    steps: int,
    start: datetime,
    rng: np.random.Generator,
    habits: tuple[frozenset[str], np.random.Generator] | None = None,
) -> Iterator[datetime]:
    """Practise like a learner who follows the platform's gating, for ``steps`` answers: yields
    the time of the next answer, and records it when resumed."""
    when = start
    for _ in range(steps):
        when += timedelta(minutes=float(rng.uniform(1, 6)))
        yield when
        with db.reading() as s:
            mastered = set(
                s.scalars(
                    select(Mastery.objective_key).where(
                        Mastery.user_id == viewer.user_id, Mastery.mastered
                    )
                )
            )
        ready = course.graph.ready(mastered)
        if not ready:
            return
        objective = ready[0]
        activity = next(
            (
                a
                for a in course.activities_for(objective)
                if a.items and set(a.objectives) <= set(ready) | mastered
            ),
            None,
        )
        if activity is None:
            return
        item_key = activity.items[int(rng.integers(len(activity.items)))]
        correct = learner.answer(objective, rng)
        record_attempt(
            db,
            viewer,
            activity_key=activity.key,
            item_key=item_key,
            response=answer_for(
                course,
                item_key,
                correct,
                holds=habits[0] if habits else frozenset(),
                rng=habits[1] if habits else None,
            ),
            now=when,
        )


def setup_demo(
    db: Database,
    hasher: PasswordHasher,
    course: Course,
    *,
    password: str,
    media: Mapping[str, bytes] | None = None,
    sources: Mapping[str, str] | None = None,
    now: datetime | None = None,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> DemoLogins:
    """Load the demo course (with the bytes of its media files and, when given, the text of its
    source files) and class; a second call finds them and changes nothing."""
    now = now or datetime.now(UTC)
    course_id, _ = import_course(db, course, media=media, sources=sources)
    names = DemoLogins(
        created=False,
        admin=DEMO_ADMIN[0],
        educator=DEMO_EDUCATOR[0],
        learners=tuple(u for u, _ in DEMO_LEARNERS),
        newcomer=DEMO_NEWCOMER[0],
        class_id=0,
    )
    with db.reading() as s:
        existing = s.scalar(select(SchoolClass.id).where(SchoolClass.name == DEMO_CLASS))
    if existing is not None:
        return DemoLogins(**{**names.__dict__, "class_id": existing})
    rng = np.random.default_rng(seed)
    register_user(
        db,
        hasher,
        username=DEMO_ADMIN[0],
        password=password,
        display_name=DEMO_ADMIN[1],
        role=Role.ADMIN,
    )
    teacher = register_user(
        db,
        hasher,
        username=DEMO_EDUCATOR[0],
        password=password,
        display_name=DEMO_EDUCATOR[1],
        role=Role.EDUCATOR,
    )
    class_id = create_class(db, name=DEMO_CLASS, course_id=course_id)
    add_to_class(db, class_id=class_id, user_id=teacher.user_id)
    newcomer = register_user(
        db, hasher, username=DEMO_NEWCOMER[0], password=password, display_name=DEMO_NEWCOMER[1]
    )
    add_to_class(db, class_id=class_id, user_id=newcomer.user_id)
    modalities = [m.value for m in Modality]
    keys = list(course.graph.topological_order)
    runs: list[Iterator[datetime]] = []
    learners: list[Viewer] = []
    for i, (username, display) in enumerate(DEMO_LEARNERS):
        if progress:
            progress(f"simulating {display}")
        viewer = register_user(
            db, hasher, username=username, password=password, display_name=display
        )
        add_to_class(db, class_id=class_id, user_id=viewer.user_id)
        learners.append(viewer)
        complete_onboarding(
            db,
            viewer,
            course_id=None,
            goal_objective=keys[-1] if i % 3 else keys[len(keys) // 2],
            goal_date=(now + timedelta(days=30 + 7 * (i % 4))).date(),
            interests=["cooking", "music", "football", "drawing", "games"][i % 5],
            preferred_modalities=list(rng.choice(modalities, size=2, replace=False)),
            weekly_minutes=(45, 60, 90, 120)[i % 4],
        )
        # Each learner draws from a stream of their own: a history does not depend on the order
        # in which the class's answers are recorded (_in_time_order interleaves them).
        own = np.random.default_rng([seed, i])
        learner = SimulatedLearner.draw(course.graph, own)
        steps = int(own.integers(15, 70))
        start = now - timedelta(days=14) + timedelta(hours=int(own.integers(0, 48)))
        # Which wrong answers they give comes from a second stream, so that the misconceptions
        # leave the history of right and wrong (and so every mastery) as it was without them.
        habits = np.random.default_rng([seed, i, 1])
        holds = frozenset(
            k for k in sorted(course.misconceptions) if habits.random() < MISCONCEPTION_SHARE
        )
        runs.append(
            _simulate(db, course, viewer, learner, steps, start, own, habits=(holds, habits))
        )
        if i in (1, 4):
            sent = send_feedback(
                db,
                teacher,
                class_id=class_id,
                learner_id=viewer.user_id,
                body="Good persistence this week. When an answer is marked wrong, read the hint "
                "before trying again: it usually points at the exact step to check.",
            )
            if i == 1:  # one learner answers, so that the class page shows a reply
                reply_to_feedback(
                    db, viewer, message_id=sent,
                    body="Thank you! The hint on common denominators helped me see my mistake.",
                )  # fmt: skip
    if progress:
        progress("recording the class's answers in time order")
    _in_time_order(runs)
    hand_in_work(db, course, teacher, learners, now)
    assign_to_class(db, course, teacher, class_id, learners, now)
    report_questions(db, course, teacher, learners, now)
    for viewer, (objective, well, hard, step, shared) in zip(
        learners, DEMO_REFLECTIONS, strict=False
    ):
        write_reflection(
            db, viewer, objective=objective if objective in course.objectives else "",
            went_well=well, still_hard=hard, next_step=step, shared=shared,
            now=now - timedelta(hours=3),
        )  # fmt: skip
    if course.score_test is not None:
        if progress:
            progress("calibrating the score test")
        import_calibration_answers(db, course_id, _past_cohort(course, seed))
        calibrate_score_bank(db, course_id, now)
    return DemoLogins(**{**names.__dict__, "created": True, "class_id": class_id})


# A class of 14 answers too few items to calibrate a score test, so the demo imports the answers
# of an earlier cohort (as a school would import last year's records): this many simulated
# learners, each answering this many of the bank's items once.
DEMO_PAST_COHORT = 200
DEMO_PAST_ITEMS = 30


def _past_cohort(course: Course, seed: int) -> list[tuple[str, str, bool]]:
    assert course.score_test is not None
    bank = course.score_test.bank_items(course)
    rng = np.random.default_rng([seed, 2])
    rows: list[tuple[str, str, bool]] = []
    for n in range(DEMO_PAST_COHORT):
        learner = SimulatedLearner.draw(course.graph, rng)
        for key in rng.choice(bank, size=min(DEMO_PAST_ITEMS, len(bank)), replace=False):
            objective = course.objectives[course.items[str(key)].objectives[0]]
            p = 1.0 - objective.bkt.slip if learner.known[objective.key] else objective.bkt.guess
            rows.append((f"past-{n}", str(key), bool(rng.random() < p)))
    return rows


# Reflections of the first demo learners (the educator reads the shared ones on their pages).
DEMO_REFLECTIONS = (
    (
        "parts-of-a-whole",
        "Drawing the pizzas helped me see the parts.",
        "Remembering which number is on the bottom.",
        "Say 'out of' when I read a fraction.",
        True,
    ),
    (
        "",
        "I finished more than I planned this week.",
        "Word problems: I do not know which operation to use.",
        "Ask in the discussion before guessing.",
        True,
    ),
    ("equivalent", "The fraction strips.", "", "Check with the strips before answering.", False),
)


def _in_time_order(runs: list[Iterator[datetime]]) -> None:
    """Advance every learner's run, always the one whose next answer comes first."""
    waiting = [(when, i) for i, run in enumerate(runs) if (when := next(run, None)) is not None]
    heapq.heapify(waiting)
    while waiting:
        _, i = heapq.heappop(waiting)
        upcoming = next(runs[i], None)
        if upcoming is not None:
            heapq.heappush(waiting, (upcoming, i))
