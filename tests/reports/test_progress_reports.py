"""The class's page of every learner's report (a parents' evening) gives, for each learner, the
report their own page gives, read for the whole class at once: its number of queries does not
grow with the class. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import event, func, select

from learnloop.domain import Course, Role, Viewer
from learnloop.reports.learner_state import load_learner_state, load_learner_states
from learnloop.reports.progress_report import class_progress_reports, progress_report
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class, import_course
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.models import fit_course_model
from learnloop.storage import Database
from learnloop.storage.tables import Attempt
from tests.conftest import World, demo_media
from tests.services.test_course_models import T0, history, learner_on

NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # a Monday evening


def _answer(world: World, who: Viewer, n: int, *, days_ago: int, right_every: int) -> None:
    items = list(world.course.activities["parts-practice"].items)
    for i in range(n):
        item = items[i % len(items)]
        record_attempt(world.db, who, activity_key="parts-practice", item_key=item,
                       response=answer_for(world.course, item, i % right_every != 0),
                       now=NOW - timedelta(days=days_ago, minutes=n - i))  # fmt: skip


@contextmanager
def _counting(db: Database) -> Iterator[list[int]]:
    count = [0]

    def seen(*_: object) -> None:
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield count
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def _classmate(world: World, name: str, hasher: PasswordHasher) -> Viewer:
    viewer = register_user(world.db, hasher, username=name, password="long enough pass",
                           display_name=name.title(), role=Role.LEARNER)  # fmt: skip
    add_to_class(world.db, class_id=world.class_id, user_id=viewer.user_id)
    return viewer


def test_each_learners_report_is_the_one_their_own_page_gives(
    world: World, hasher: PasswordHasher
) -> None:
    _answer(world, world.learner, 5, days_ago=40, right_every=2)
    _answer(world, world.learner, 12, days_ago=2, right_every=4)
    _answer(world, world.other_learner, 7, days_ago=9, right_every=3)
    quiet = _classmate(world, "quinn", hasher)  # in the class, no answer yet

    name, reports = class_progress_reports(world.db, world.educator, world.class_id, now=NOW)
    assert name == "7B"
    by_name = sorted((world.learner, world.other_learner, quiet), key=lambda v: v.display_name)
    one_by_one = [
        progress_report(world.db, world.educator, who.user_id, class_id=world.class_id, now=NOW)
        for who in by_name
    ]
    assert reports == one_by_one
    with world.db.reading() as s:
        counted = dict(s.execute(
            select(Attempt.user_id, func.count()).where(Attempt.counted.is_(True))
            .group_by(Attempt.user_id)
        ).all())  # fmt: skip
    assert [r.answers for r in reports] == [counted.get(v.user_id, 0) for v in by_name]
    assert [r.learner for r in reports] == ["Lea", "Omar", "Quinn"]
    assert 0 < sum(w.answers for w in reports[0].weeks) < reports[0].answers  # older: not shown
    assert reports[0].count("in-progress") >= 1


def test_the_class_page_reads_in_as_many_queries_for_thirty_as_for_two(
    world: World, hasher: PasswordHasher
) -> None:
    _answer(world, world.learner, 6, days_ago=1, right_every=2)
    with _counting(world.db) as two:
        class_progress_reports(world.db, world.educator, world.class_id, now=NOW)
    for n in range(28):
        _answer(world, _classmate(world, f"pupil{n}", hasher), 3, days_ago=n % 10, right_every=2)
    with _counting(world.db) as thirty:
        _, reports = class_progress_reports(world.db, world.educator, world.class_id, now=NOW)
    assert len(reports) == 30
    assert thirty[0] == two[0]


def test_the_batched_states_equal_the_states_read_one_by_one_with_a_recency_model(
    db: Database, hasher: PasswordHasher, demo_course: Course
) -> None:
    course = replace(demo_course, slug="fractions-recency", model_kind="best-lr+recency")
    course_id, _ = import_course(db, course, media=demo_media(course))
    history(db, hasher, course, course_id)
    assert fit_course_model(db, course_id, T0).fitted
    items = list(course.activities["parts-practice"].items)
    learners = [learner_on(db, hasher, course_id, name) for name in ("anna", "bodhi", "cyril")]
    for n, learner in enumerate(learners[:2]):
        for i in range(9 + 5 * n):  # more than the model reads for the second
            record_attempt(db, learner, activity_key="parts-practice", item_key=items[i % 4],
                           response=answer_for(course, items[i % 4], n == 0 and i % 3 != 0),
                           now=T0)  # fmt: skip
    ids = [v.user_id for v in learners]
    with db.reading() as s:
        together = load_learner_states(s, ids, course_id, T0)
        alone = {i: load_learner_state(s, i, T0, course_id=course_id) for i in ids}
    assert together[ids[0]].model is not None
    assert together[ids[0]].model.uses_recent
    for i in ids:
        a, b = together[i], alone[i]
        assert a.recent == b.recent
        assert {k: m.p_known for k, m in a.mastery.items()} == {
            k: m.p_known for k, m in b.mastery.items()
        }
        assert (a.done_activities, a.last_modality, set(a.cards)) == (
            b.done_activities, b.last_modality, set(b.cards)
        )  # fmt: skip
        assert a.started == b.started
        assert a.expected_success() == b.expected_success()
    assert together[ids[1]].recent != together[ids[0]].recent
    assert together[ids[2]].recent == ""
