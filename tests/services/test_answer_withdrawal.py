"""Withdrawing an answer (an xAPI statement voided, or an educator's decision) replays the learner
model without it: a replay of an untouched record gives back the same state, a withdrawn answer
leaves the state it would have been without it, and the answer is kept whole (both backends)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.adapters.xapi.learnloop_ids import attempt_statement_id, regraded_statement_id
from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.learner_export import learner_export
from learnloop.reports.review_views import placement_page
from learnloop.services.answer_withdrawal import restore_answer, withdraw_answer
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import DEFAULT_PUBLIC_URL, record_attempt
from learnloop.services.lrs import authenticate_client, create_client, store_statements
from learnloop.services.mastery_overrides import override_mastery
from learnloop.services.model_replay import replay_learner_model
from learnloop.services.placement import answer_placement, start_placement
from learnloop.storage.statement_lookup import statements_by_id
from learnloop.storage.tables import (
    Attempt,
    AuditEvent,
    Mastery,
    MasteryEvent,
    MemoryCard,
    ReviewEvent,
    WithdrawnAnswer,
)
from tests.conftest import World

BASE = DEFAULT_PUBLIC_URL
H5P = "https://h5p.example.org/content/naming-fractions"  # the demo's parts-practice lists it
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def state(world: World, user_id: int) -> dict[str, Any]:
    """The learner's whole model state, with answers named by their place in the record."""
    with world.db.reading() as s:
        ids = list(
            s.scalars(select(Attempt.id).where(Attempt.user_id == user_id).order_by(Attempt.id))
        )
        place = {a: i for i, a in enumerate(ids)}
        counted = list(
            s.scalars(
                select(Attempt.counted).where(Attempt.user_id == user_id).order_by(Attempt.id)
            )
        )
        mastery = sorted(
            (m.objective_key, round(m.p_known, 12), m.attempts, m.correct, m.recent, m.mastered,
             m.mastered_at, m.threshold, m.min_attempts, m.updated_at)
            for m in s.scalars(select(Mastery).where(Mastery.user_id == user_id))
        )  # fmt: skip
        events = sorted(
            (place[e.attempt_id], e.objective_key, round(e.p_before, 12), round(e.p_after, 12),
             e.mastered, e.created_at)
            for e in s.scalars(select(MasteryEvent).where(MasteryEvent.user_id == user_id))
        )  # fmt: skip
        cards = sorted(
            (c.objective_key, round(c.stability, 9), round(c.difficulty, 9), c.due, c.last_review,
             c.reviews, c.lapses, c.needs_practice, c.refresh_right)
            for c in s.scalars(select(MemoryCard).where(MemoryCard.user_id == user_id))
        )  # fmt: skip
        reviews = sorted(
            (r.objective_key, -1 if r.attempt_id is None else place[r.attempt_id], r.rating,
             r.reviewed_at)
            for r in s.scalars(select(ReviewEvent).where(ReviewEvent.user_id == user_id))
        )  # fmt: skip
    return {"counted": counted, "mastery": mastery, "events": events, "cards": cards,
            "reviews": reviews}  # fmt: skip


def open_items(world: World, user_id: int) -> list[tuple[str, str]]:
    with world.db.reading() as s:
        mastered = set(
            s.scalars(
                select(Mastery.objective_key).where(
                    Mastery.user_id == user_id, Mastery.mastered.is_(True)
                )
            )
        )
    course = world.course
    return [
        (a.key, item)
        for a in course.activities.values()
        if all(not course.graph.missing_prerequisites(o, mastered) for o in a.objectives)
        for item in a.items
    ]


def practise(
    world: World, learner: Viewer, rng: np.random.Generator, *, answers: int, start: datetime
) -> datetime:
    """``answers`` answers on open activities, right three times in four, hours to days apart."""
    now = start
    for _ in range(answers):
        choices = open_items(world, learner.user_id)
        activity, item = choices[int(rng.integers(len(choices)))]
        right = bool(rng.random() < 0.75)
        record_attempt(
            world.db, learner, activity_key=activity, item_key=item,
            response=answer_for(world.course, item, right), now=now,
        )  # fmt: skip
        now += timedelta(hours=float(rng.exponential(30.0)))
    return now


def test_replaying_an_untouched_record_gives_back_the_same_state(
    world: World, rng: np.random.Generator
) -> None:
    learner = world.learner
    start_placement(world.db, learner, T0)
    while (page := placement_page(world.db, learner)).question is not None:
        key = page.question.key
        answer_placement(
            world.db, learner, item_key=key, now=T0,
            response=answer_for(world.course, key, world.course.items[key].objectives[0]
                                in ("parts-of-a-whole", "number-line")),
        )  # fmt: skip
    now = practise(world, learner, rng, answers=40, start=T0 + timedelta(hours=1))
    mastered = [m[0] for m in state(world, learner.user_id)["mastery"] if m[5]]
    override_mastery(
        world.db, world.educator, class_id=world.class_id, learner_id=learner.user_id,
        objective=mastered[0], action="practice", reason="forgot it in class", now=now,
    )  # fmt: skip
    practise(world, learner, rng, answers=60, start=now + timedelta(days=3))
    before = state(world, learner.user_id)
    # the record exercised what a replay must rebuild
    assert any(m[5] for m in before["mastery"])
    assert any(not m[5] for m in before["mastery"])
    assert any(r[1] >= 0 for r in before["reviews"])  # reviews that were answers
    assert not all(before["counted"])  # answers that were no evidence
    with world.db.transaction() as s:
        replay = replay_learner_model(s, learner.user_id, world.course_id)
    assert replay.answers == 100
    assert replay.recounted == 0
    assert replay.mastered_after == replay.mastered_before
    assert state(world, learner.user_id) == before


def test_a_withdrawn_answer_leaves_the_state_it_would_have_been_without_it(
    world: World, rng: np.random.Generator
) -> None:
    """Two learners answer the same script at the same times; one gives one answer more, which
    an educator withdraws: their states are then the same."""
    course = world.course
    first = [(a, i) for a, i in open_items(world, world.learner.user_id)]
    script = [
        (*first[int(rng.integers(len(first)))], bool(rng.random() < 0.6),
         T0 + timedelta(hours=7 * n))
        for n in range(30)
    ]  # fmt: skip
    extra_at = 5
    activity, item, _, when = script[extra_at]
    extra = (activity, item, True, when - timedelta(minutes=1))
    for learner, answers in (
        (world.learner, [*script[:extra_at], extra, *script[extra_at:]]),
        (world.other_learner, script),
    ):
        for a, i, right, t in answers:
            record_attempt(
                world.db, learner, activity_key=a, item_key=i,
                response=answer_for(course, i, right), now=t,
            )  # fmt: skip
    with world.db.reading() as s:
        extra_id = s.scalars(
            select(Attempt.id).where(Attempt.user_id == world.learner.user_id).order_by(Attempt.id)
        ).all()[extra_at]
    assert state(world, world.learner.user_id) != state(world, world.other_learner.user_id)
    done = withdraw_answer(
        world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
        attempt_id=extra_id, reason="Her brother answered this one.", public_url=BASE,
        now=T0 + timedelta(days=30),
    )  # fmt: skip
    assert state(world, world.learner.user_id) == state(world, world.other_learner.user_id)
    assert done.voided_statement is not None
    with world.db.reading() as s:
        kept = s.get(WithdrawnAnswer, extra_id)
        assert s.get(Attempt, extra_id) is None
        stored = statements_by_id(s, [attempt_statement_id(BASE, extra_id), done.voided_statement])
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "answer.withdrawn")).all()
    assert kept is not None
    assert (kept.item_key, kept.correct, kept.created_at) == (item, True, extra[3])
    assert (kept.reason, kept.withdrawn_by) == ("Her brother answered this one.", "teacher")
    assert kept.voiding_statement_id == done.voided_statement
    # learnloop's own record of the answer is voided in the LRS, by the educator
    assert stored[attempt_statement_id(BASE, extra_id)].voided
    voiding = stored[done.voided_statement].statement
    assert voiding["object"] == {"objectType": "StatementRef",
                                 "id": attempt_statement_id(BASE, extra_id)}  # fmt: skip
    assert voiding["actor"]["account"]["name"] == "teacher"
    assert [(e.actor, e.subject, e.details["attempt"]) for e in audit] == [
        ("teacher", "lea", extra_id)
    ]
    # the learner's own download lists it, with the reason
    export = learner_export(world.db, world.learner, public_url=BASE, now=T0)
    assert [(r["id"], r["reason"]) for r in export["tables"]["withdrawn_answers"]] == [
        (extra_id, "Her brother answered this one.")
    ]


def _lrs(world: World, hasher: PasswordHasher) -> Any:
    made = create_client(world.db, hasher, name="h5p", can_write=True)
    return authenticate_client(world.db, hasher, made.key, made.secret)


def _h5p(world: World, scaled: float) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": BASE, "name": world.learner.username}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": H5P},
        "result": {"score": {"scaled": scaled}},
    }


def _voiding(target: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:h5p@school.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }


def test_voiding_the_statement_an_answer_came_from_withdraws_it(
    world: World, hasher: PasswordHasher
) -> None:
    caller = _lrs(world, hasher)
    store_statements(world.db, caller, [_h5p(world, 0.9)], base_url=BASE)
    before = state(world, world.learner.user_id)
    wrong = _h5p(world, 0.2)
    store_statements(world.db, caller, [wrong], base_url=BASE)
    assert state(world, world.learner.user_id) != before
    void = _voiding(wrong["id"])
    store_statements(world.db, caller, [void], base_url=BASE)
    assert state(world, world.learner.user_id) == before
    with world.db.reading() as s:
        kept = s.scalars(select(WithdrawnAnswer)).one()
        assert s.scalar(select(Attempt.id).where(Attempt.statement_id == wrong["id"])) is None
    assert (kept.statement_id, kept.voiding_statement_id, kept.withdrawn_by) == (
        wrong["id"],
        void["id"],
        "",
    )
    assert kept.reason == f"xAPI statement {wrong['id']} voided"
    # a statement and its voiding in one batch: nothing counts
    pair = _h5p(world, 0.95)
    store_statements(world.db, caller, [pair, _voiding(pair["id"])], base_url=BASE)
    assert state(world, world.learner.user_id) == before


def test_voiding_learnloops_record_of_an_in_app_answer_from_outside_withdraws_nothing(
    world: World, hasher: PasswordHasher
) -> None:
    outcome = record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", True), now=T0,
    )  # fmt: skip
    before = state(world, world.learner.user_id)
    void = _voiding(attempt_statement_id(BASE, outcome.attempt_id))
    store_statements(world.db, _lrs(world, hasher), [void], base_url=BASE)
    assert state(world, world.learner.user_id) == before
    with world.db.reading() as s:
        assert s.scalars(select(WithdrawnAnswer)).all() == []


def test_who_may_withdraw_and_a_refused_withdrawal_changes_nothing(world: World) -> None:
    outcome = record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", True), now=T0,
    )  # fmt: skip
    before = state(world, world.learner.user_id)

    def attempt(viewer: Viewer, **changes: Any) -> None:
        args: dict[str, Any] = {
            "class_id": world.class_id, "learner_id": world.learner.user_id,
            "attempt_id": outcome.attempt_id, "reason": "wrong person", "public_url": BASE,
        }  # fmt: skip
        withdraw_answer(world.db, viewer, **(args | changes))

    for viewer in (world.learner, world.other_learner, world.outsider):
        with pytest.raises(PermissionDenied):
            attempt(viewer)
    with pytest.raises(PermissionDenied):
        attempt(world.other_educator)
    with pytest.raises(NotFound):  # the answer is not this learner's
        attempt(world.educator, learner_id=world.other_learner.user_id)
    with pytest.raises(NotFound):
        attempt(world.educator, attempt_id=outcome.attempt_id + 1000)
    with pytest.raises(InvalidInput) as empty:
        attempt(world.educator, reason="   ")
    assert empty.value.field == "reason"
    with pytest.raises(InvalidInput) as long:
        attempt(world.educator, reason="x" * 501)
    assert long.value.field == "reason"
    assert state(world, world.learner.user_id) == before
    with world.db.reading() as s:
        assert s.scalars(select(WithdrawnAnswer)).all() == []
    attempt(world.admin)
    with world.db.reading() as s:
        assert [w.withdrawn_by for w in s.scalars(select(WithdrawnAnswer))] == ["admin"]


def test_an_answer_after_a_withdrawn_last_one_takes_a_new_id(world: World) -> None:
    """SQLite would give the largest id again; learnloop's statement of an answer is named after
    its id, and the withdrawn answer keeps both."""
    first = record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", False), now=T0,
    )  # fmt: skip
    withdraw_answer(
        world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
        attempt_id=first.attempt_id, reason="a test page", public_url=BASE,
    )  # fmt: skip
    second = record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", True), now=T0 + timedelta(minutes=5),
    )  # fmt: skip
    assert second.attempt_id > first.attempt_id
    assert second.counted  # the withdrawn miss is not a miss before it
    with world.db.reading() as s:
        ids = [attempt_statement_id(BASE, first.attempt_id),
               attempt_statement_id(BASE, second.attempt_id)]  # fmt: skip
        stored = statements_by_id(s, ids)
    assert stored[ids[0]].voided
    assert not stored[ids[1]].voided
    assert stored[ids[1]].statement["result"]["success"] is True


def test_an_answer_put_back_gives_back_the_state_before_it_was_withdrawn(
    world: World, rng: np.random.Generator, hasher: PasswordHasher
) -> None:
    practise(world, world.learner, rng, answers=30, start=T0)
    before = state(world, world.learner.user_id)
    with world.db.reading() as s:
        ids = s.scalars(
            select(Attempt.id).where(Attempt.user_id == world.learner.user_id).order_by(Attempt.id)
        ).all()
    chosen = ids[3]
    withdraw_answer(
        world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
        attempt_id=chosen, reason="clicked the wrong row", public_url=BASE,
    )  # fmt: skip
    assert state(world, world.learner.user_id) != before
    for viewer in (world.learner, world.other_educator):
        with pytest.raises(PermissionDenied):
            restore_answer(
                world.db, viewer, class_id=world.class_id, learner_id=world.learner.user_id,
                attempt_id=chosen, public_url=BASE,
            )  # fmt: skip
    with pytest.raises(NotFound):  # not withdrawn
        restore_answer(
            world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
            attempt_id=ids[4], public_url=BASE,
        )  # fmt: skip
    replay = restore_answer(
        world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
        attempt_id=chosen, public_url=BASE,
    )  # fmt: skip
    assert state(world, world.learner.user_id) == before
    assert replay.answers == 30
    with world.db.reading() as s:
        assert s.get(WithdrawnAnswer, chosen) is None
        records = statements_by_id(
            s, [attempt_statement_id(BASE, chosen), regraded_statement_id(BASE, chosen, 1)]
        )
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("answer.%"))
        ).all()
    old, new = (
        records[attempt_statement_id(BASE, chosen)],
        records[regraded_statement_id(BASE, chosen, 1)],
    )
    assert old.voided  # the record withdrawn stays voided; a new one says the answer counts
    assert not new.voided
    assert new.statement["result"] == old.statement["result"]
    assert sorted(actions) == ["answer.restored", "answer.withdrawn"]
    # an answer its content voided stays withdrawn
    caller = _lrs(world, hasher)
    sent = _h5p(world, 0.9)
    store_statements(world.db, caller, [sent], base_url=BASE)
    store_statements(world.db, caller, [_voiding(sent["id"])], base_url=BASE)
    with world.db.reading() as s:
        voided = s.scalars(
            select(WithdrawnAnswer.id).where(WithdrawnAnswer.statement_id == sent["id"])
        ).one()
    with pytest.raises(InvalidInput) as refused:
        restore_answer(
            world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
            attempt_id=voided, public_url=BASE,
        )  # fmt: skip
    assert refused.value.field == "answer"
