"""Withdrawing an answer: what the replay of a learner's record costs, beside the live answers
that built it (same run, same database).

For each database (SQLite file, PostgreSQL when it runs) and each record length, one learner of
the demo course answers N questions through the app's own path (``record_attempt``: graded,
stored, model updated, xAPI statement), on open activities, right three times in four, hours
apart, so that objectives are mastered and reviews come due. Then an educator withdraws the
learner's first answer (``withdraw_answer``: the move, learnloop's voiding of its record, the
replay of the other N - 1 answers, the audit event), five times on five fresh learners; the median
is reported, with the replay's time per answer against the live path's.

No peer: Moodle regrades a quiz attempt and Open edX rescores one problem, but neither rebuilds a
learner model from its record; the ratio to the live path is the comparison a user would make
("does undoing one answer cost more than giving them all?"). Prints one JSON object.
Usage: withdrawal.py [--sizes 100,400,1600] [--systems sqlite,postgres]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import numpy as np
from argon2 import PasswordHasher
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select

from learnloop.content import load_course
from learnloop.content.course_media import media_bytes
from learnloop.domain import Course, Role, Viewer
from learnloop.services.accounts import register_user
from learnloop.services.answer_withdrawal import withdraw_answer
from learnloop.services.courses import add_to_class, create_class, import_course
from learnloop.services.demo import answer_for
from learnloop.services.learning import DEFAULT_PUBLIC_URL, record_attempt
from learnloop.services.onboarding import complete_onboarding
from learnloop.storage import Database, upgrade_database
from learnloop.storage.tables import Attempt, Mastery

sys.path.insert(0, str(Path(__file__).parent))
from lrs_speed import fresh_postgres

console = Console(stderr=True, width=120)
DEMO = Path(str(files("learnloop") / "demo" / "fractions"))
REPEATS = 5
PASSWORD = "a-bench-only-password"  # noqa: S105 (accounts of a throwaway database)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIGHT = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # not what is measured


def open_items(db: Database, course: Course, user_id: int) -> list[tuple[str, str]]:
    with db.reading() as s:
        mastered = set(
            s.scalars(
                select(Mastery.objective_key).where(
                    Mastery.user_id == user_id, Mastery.mastered.is_(True)
                )
            )
        )
    return [
        (a.key, item)
        for a in course.activities.values()
        if all(not course.graph.missing_prerequisites(o, mastered) for o in a.objectives)
        for item in a.items
    ]


def one_learner(
    db: Database, course: Course, class_id: int, educator: Viewer, name: str, answers: int,
    rng: np.random.Generator,
) -> tuple[float, float]:  # fmt: skip
    """Seconds for the live answers, seconds for withdrawing the first one."""
    learner = register_user(
        db, LIGHT, username=name,
        password=PASSWORD, display_name=name, role=Role.LEARNER,
    )  # fmt: skip
    add_to_class(db, class_id=class_id, user_id=learner.user_id)
    complete_onboarding(
        db, learner, course_id=None, goal_objective=None, goal_date=None, interests="",
        preferred_modalities=[],
    )  # fmt: skip
    now, live = T0, 0.0
    choices = open_items(db, course, learner.user_id)
    for n in range(answers):
        if n % 10 == 0:
            choices = open_items(db, course, learner.user_id)
        activity, item = choices[int(rng.integers(len(choices)))]
        right = bool(rng.random() < 0.75)
        started = time.perf_counter()
        record_attempt(
            db, learner, activity_key=activity, item_key=item,
            response=answer_for(course, item, right), now=now,
        )  # fmt: skip
        live += time.perf_counter() - started
        now += timedelta(hours=float(rng.exponential(10.0)))
    with db.reading() as s:
        first = s.scalar(
            select(Attempt.id).where(Attempt.user_id == learner.user_id).order_by(Attempt.id)
        )
    assert first is not None
    started = time.perf_counter()
    withdraw_answer(
        db, educator, class_id=class_id, learner_id=learner.user_id, attempt_id=first,
        reason="benchmark", public_url=DEFAULT_PUBLIC_URL, now=now,
    )  # fmt: skip
    return live, time.perf_counter() - started


def measure(system: str, sizes: list[int], work: Path) -> dict[str, object]:
    url = (
        f"sqlite:///{work / 'withdrawal.db'}"
        if system == "sqlite"
        else fresh_postgres("learnloop_withdrawal")
    )
    db = Database.from_url(url)
    upgrade_database(db.engine)
    course = load_course(DEMO)
    course_id, _ = import_course(db, course, media=media_bytes(DEMO, course))
    class_id = create_class(db, name="bench", course_id=course_id)
    educator = register_user(
        db, LIGHT, username="teacher",
        password=PASSWORD, display_name="Teacher", role=Role.EDUCATOR,
    )  # fmt: skip
    add_to_class(db, class_id=class_id, user_id=educator.user_id)
    rng = np.random.default_rng(2026)
    out: dict[str, object] = {}
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"{system}", total=len(sizes) * REPEATS)
        for size in sizes:
            runs = []
            for r in range(REPEATS):
                runs.append(one_learner(db, course, class_id, educator, f"l{size}-{r}", size, rng))
                bar.advance(task)
            live = statistics.median(x for x, _ in runs)
            undo = statistics.median(y for _, y in runs)
            per_live, per_replay = live / size, undo / (size - 1)
            out[str(size)] = {
                "live_ms_per_answer": per_live * 1000,
                "withdraw_ms": undo * 1000,
                "replay_ms_per_answer": per_replay * 1000,
                "replay_vs_live": per_replay / per_live,
            }
            console.print(
                f"{system} {size:5d} answers: live {per_live * 1000:6.2f} ms/answer, withdrawing "
                f"one {undo * 1000:8.1f} ms ({per_replay * 1000:5.2f} ms/answer replayed, "
                f"{per_replay / per_live:4.2f}× live)"
            )
    db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,400,1600")
    parser.add_argument("--systems", default="sqlite,postgres")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    result: dict[str, object] = {"repeats": REPEATS}
    with tempfile.TemporaryDirectory() as work:
        for system in args.systems.split(","):
            result[system] = measure(system, sizes, Path(work))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
