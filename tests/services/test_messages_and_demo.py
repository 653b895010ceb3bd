from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.domain import Course
from learnloop.domain.learner_model import MIN_ANSWERS_TO_FIT
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.services.demo import setup_demo
from learnloop.services.demo_past_class import DEMO_PAST_CLASS, DEMO_PAST_LEARNERS
from learnloop.services.messages import send_feedback
from learnloop.storage import Database
from learnloop.storage.tables import (
    Attempt,
    ClassMember,
    CourseLearnerModel,
    FeedbackMessage,
    ItemReport,
    Mastery,
    ProjectReview,
    ProjectSubmission,
    Reflection,
    SchoolClass,
    User,
    XapiStatement,
)
from tests.conftest import World, demo_media


def test_feedback_goes_from_the_class_educator_to_a_class_learner(world: World) -> None:
    send_feedback(
        world.db,
        world.educator,
        class_id=world.class_id,
        learner_id=world.learner.user_id,
        body=" Well done ",
    )
    with world.db.reading() as s:
        (message,) = s.scalars(select(FeedbackMessage)).all()
    assert (message.recipient_id, message.body) == (world.learner.user_id, "Well done")


def test_feedback_respects_class_scopes(world: World) -> None:
    with pytest.raises(PermissionDenied):
        send_feedback(
            world.db,
            world.other_educator,
            class_id=world.class_id,
            learner_id=world.learner.user_id,
            body="x",
        )
    with pytest.raises(NotFound):
        send_feedback(
            world.db,
            world.educator,
            class_id=world.class_id,
            learner_id=world.outsider.user_id,
            body="x",
        )
    with pytest.raises(PermissionDenied):
        send_feedback(
            world.db,
            world.other_learner,
            class_id=world.class_id,
            learner_id=world.learner.user_id,
            body="x",
        )
    with pytest.raises(InvalidInput) as info:
        send_feedback(
            world.db,
            world.educator,
            class_id=world.class_id,
            learner_id=world.learner.user_id,
            body="  ",
        )
    assert info.value.field == "body"


def counts(db: Database) -> tuple[int, ...]:
    with db.reading() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in (
                User,
                ClassMember,
                Attempt,
                Mastery,
                ProjectSubmission,
                ProjectReview,
                Reflection,
            )
        )


def test_demo_builds_a_class_with_history_and_a_second_run_changes_nothing(
    db: Database, hasher: PasswordHasher, demo_course: Course
) -> None:
    first = setup_demo(
        db, hasher, demo_course, password="demo-password", media=demo_media(demo_course)
    )
    assert first.created
    assert len(first.learners) >= 12
    before = counts(db)
    with db.reading() as s:
        per_learner = s.execute(
            select(Attempt.user_id, func.count()).group_by(Attempt.user_id)
        ).all()
        mastered = s.execute(
            select(Mastery.user_id, func.count()).where(Mastery.mastered).group_by(Mastery.user_id)
        ).all()
    assert len(per_learner) >= 12  # every simulated learner has a history
    with db.reading() as s:
        stored = list(s.scalars(select(XapiStatement.stored).order_by(XapiStatement.seq)))
    assert len(stored) == sum(n for _, n in per_learner)  # each answer is a statement
    assert stored == sorted(stored)  # recorded in time order across the class, as the LRS reads
    assert len({n for _, n in mastered}) >= 3  # and they are not all at the same place
    with db.reading() as s:
        work = s.execute(
            select(ProjectSubmission.activity_key, ProjectReview.id)
            .outerjoin(ProjectReview, ProjectReview.submission_id == ProjectSubmission.id)
        ).all()  # fmt: skip
    # learners far enough along hand in work, and the teacher has reviewed some of it
    assert len(work) >= 4
    assert {key for key, _ in work} >= {"fraction-strips"}
    assert 0 < sum(review is not None for _, review in work) < len(work)
    with db.reading() as s:
        shared = list(s.scalars(select(Reflection.shared)))
    assert sorted(shared) == [False, True, True]  # reflections, some shared with the teacher
    with db.reading() as s:
        reports = s.execute(
            select(User.username, ItemReport.kind, ItemReport.resolved_at.is_not(None))
            .join(User, User.id == ItemReport.user_id)
            .order_by(User.username)
        ).all()  # fmt: skip
    # questions reported: the teacher answered one, the other waits on the items page
    assert [tuple(r) for r in reports] == [("chloe", "unclear", False), ("dev", "typo", True)]
    # last year's class: ended, the same teacher, its learners' answers before this year's
    with db.reading() as s:
        past = s.scalars(select(SchoolClass).where(SchoolClass.name == DEMO_PAST_CLASS)).one()
        members = dict(
            s.execute(
                select(User.username, ClassMember.role)
                .join(ClassMember, ClassMember.user_id == User.id)
                .where(ClassMember.class_id == past.id)
            ).all()
        )
        last_past, first_now = (
            s.scalar(
                select(func.max(Attempt.created_at) if ended else func.min(Attempt.created_at))
                .join(ClassMember, ClassMember.user_id == Attempt.user_id)
                .where(ClassMember.class_id == (past.id if ended else first.class_id))
            )
            for ended in (True, False)
        )
        past_answers = len(
            s.scalars(
                select(Attempt.id).where(Attempt.user_id.in_(
                    select(User.id).where(User.username.in_([u for u, _ in DEMO_PAST_LEARNERS]))
                ))
            ).all()
        )  # fmt: skip
        model = s.get(CourseLearnerModel, past.course_id)
    assert past.ended_at is not None
    assert past.created_at < past.ended_at
    assert members == {"teacher": "educator"} | {u: "learner" for u, _ in DEMO_PAST_LEARNERS}
    assert last_past is not None
    assert first_now is not None
    assert last_past < first_now
    assert past_answers > 300
    # so the course's learner model is fitted, on both classes' counted answers
    assert model is not None
    assert model.kind == "bkt"
    assert model.answers >= MIN_ANSWERS_TO_FIT
    assert model.auc is not None
    assert 0.5 < model.auc < 1
    again = setup_demo(
        db, hasher, demo_course, password="demo-password", media=demo_media(demo_course)
    )
    assert not again.created
    assert again.class_id == first.class_id
    assert counts(db) == before
