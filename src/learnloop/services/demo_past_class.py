"""Last school year's class in the demo: the same teacher's class on the same course, which
practised it months ago and has ended. Its answers are what a school's second year starts with,
enough for the course's learner model to be fitted on them (``services.models.fit_course_model``),
so the demo shows a fitted model, its held-out quality and an ended class beside the live one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np
from argon2 import PasswordHasher

from learnloop.domain import Course, Viewer
from learnloop.engine.simulation import SimulatedLearner
from learnloop.services.accounts import register_user
from learnloop.services.class_lifecycle import end_class
from learnloop.services.courses import add_to_class, create_class
from learnloop.services.demo_practice import in_time_order, misconception_habits, practise
from learnloop.storage import Database

__all__ = ["DEMO_PAST_CLASS", "DEMO_PAST_LEARNERS", "add_past_class"]

DEMO_PAST_CLASS = "Year 7 Fractions, last year (demo)"
DEMO_PAST_LEARNERS = (
    ("ada", "Ada Nowak"),
    ("bruno", "Bruno Costa"),
    ("carmen", "Carmen Ruiz"),
    ("dara", "Dara Byrne"),
    ("emeka", "Emeka Eze"),
    ("freya", "Freya Larsen"),
    ("gus", "Gus Jensen"),
    ("hana", "Hana Sato"),
    ("ivan", "Ivan Petrov"),
    ("jade", "Jade Wong"),
    ("kofi", "Kofi Mensah"),
    ("lena", "Lena Vogel"),
    ("mateo", "Mateo Silva"),
    ("nora", "Nora Ali"),
    ("oskar", "Oskar Lind"),
    ("priya", "Priya Nair"),
)
# When last year's class started (days before the demo's "now"), and how long it ran before
# its teacher ended it: a term of practice, well before this year's class began.
PAST_CLASS_STARTED_DAYS_AGO = 300
PAST_CLASS_WEEKS = 12
# Each past learner practised longer than this year's learners have so far (15 to 70 answers),
# most of them through the whole course, as a class that finished its year would have.
PAST_ANSWERS = (40, 90)


def add_past_class(
    db: Database,
    hasher: PasswordHasher,
    course: Course,
    course_id: int,
    teacher: Viewer,
    admin: Viewer,
    *,
    password: str,
    now: datetime,
    seed: int,
) -> int:
    """Make last year's class, record its learners' practice in the order of its times, and
    end it (the admin does, at the end of the term); returns its id."""
    started = now - timedelta(days=PAST_CLASS_STARTED_DAYS_AGO)
    class_id = create_class(db, name=DEMO_PAST_CLASS, course_id=course_id, now=started)
    add_to_class(db, class_id=class_id, user_id=teacher.user_id)
    runs: list[Iterator[datetime]] = []
    for i, (username, display) in enumerate(DEMO_PAST_LEARNERS):
        viewer = register_user(
            db, hasher, username=username, password=password, display_name=display, now=started
        )
        add_to_class(db, class_id=class_id, user_id=viewer.user_id)
        # Streams of their own, apart from this year's learners' ([seed, i] and [seed, i, 1]).
        own = np.random.default_rng([seed, 1000 + i])
        learner = SimulatedLearner.draw(course.graph, own)
        steps = int(own.integers(*PAST_ANSWERS))
        start = started + timedelta(days=int(own.integers(0, 7 * PAST_CLASS_WEEKS - 7)))
        wrong_answers = misconception_habits(course, [seed, 1000 + i, 1])
        runs.append(practise(db, course, viewer, learner, steps, start, own, wrong_answers))
    in_time_order(runs)
    end_class(db, admin, class_id=class_id, now=started + timedelta(weeks=PAST_CLASS_WEEKS))
    return class_id
