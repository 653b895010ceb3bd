"""The demo: the fractions course, a class of learners with a simulated history, their educator.

The history is made the way real use would make it: each simulated learner (with a hidden true
state the platform never sees) picks an unlocked objective, answers its items through
``record_attempt``, and moves on when the platform says they have mastered it. The learners'
answers are recorded in the order of their times, across the class, as a live class's would be
(so the LRS's storage order is the order of its statements' "stored" times).

Before this year's class answers, the same teacher's class of last year practises and ends
(``demo_past_class``); with both classes' answers the course's learner model is fitted, as the
nightly ``learnloop fit-model`` would have done (``services.models``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.domain import Course, Modality, Role, Viewer
from learnloop.engine.simulation import SimulatedLearner
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class, create_class, import_course
from learnloop.services.demo_class_work import assign_to_class, hand_in_work, report_questions
from learnloop.services.demo_past_class import add_past_class
from learnloop.services.demo_practice import in_time_order, misconception_habits, practise
from learnloop.services.messages import reply_to_feedback, send_feedback
from learnloop.services.models import fit_course_model
from learnloop.services.onboarding import complete_onboarding
from learnloop.services.reflections import write_reflection
from learnloop.services.score_bank import calibrate_score_bank, import_calibration_answers
from learnloop.storage import Database
from learnloop.storage.tables import SchoolClass

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


class _OneHashForAll(PasswordHasher):
    """The demo's accounts share one password, printed for anyone to read, so it is hashed once
    (with the instance's parameters) and that hash kept for every demo account: argon2 takes
    about 0.18 s a hash by design, 5 s of the demo's set-up for its 33 accounts. A shared salt
    tells nothing that the printed password does not; every account made later has its own."""

    def __init__(self, like: PasswordHasher) -> None:
        super().__init__(
            time_cost=like.time_cost, memory_cost=like.memory_cost, parallelism=like.parallelism,
            hash_len=like.hash_len, salt_len=like.salt_len, encoding=like.encoding, type=like.type,
        )  # fmt: skip
        self._hashes: dict[str | bytes, str] = {}

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        if salt is not None:
            return super().hash(password, salt=salt)
        if password not in self._hashes:
            self._hashes[password] = super().hash(password)
        return self._hashes[password]


@dataclass(frozen=True)
class DemoLogins:
    created: bool
    admin: str
    educator: str
    learners: tuple[str, ...]
    newcomer: str
    class_id: int


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
    hasher = _OneHashForAll(hasher)
    admin = register_user(
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
        # in which the class's answers are recorded (in_time_order interleaves them).
        own = np.random.default_rng([seed, i])
        learner = SimulatedLearner.draw(course.graph, own)
        steps = int(own.integers(15, 70))
        start = now - timedelta(days=14) + timedelta(hours=int(own.integers(0, 48)))
        # Which wrong answers they give comes from a second stream ([seed, i, 1]).
        wrong_answers = misconception_habits(course, [seed, i, 1])
        runs.append(practise(db, course, viewer, learner, steps, start, own, wrong_answers))
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
        progress("recording last year's class")
    add_past_class(
        db, hasher, course, course_id, teacher, admin, password=password, now=now, seed=seed
    )  # fmt: skip
    if progress:
        progress("recording the class's answers in time order")
    in_time_order(runs)
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
    if progress:
        progress("fitting the course's learner model")
    # As the nightly `learnloop fit-model` would have done last night, on both classes' answers.
    fit_course_model(db, course_id, now - timedelta(hours=8))
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
