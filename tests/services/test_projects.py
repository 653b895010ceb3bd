"""Project work: a learner hands in work on an unlocked project or hands-on activity, the
class's educator gives rubric feedback, the learner reads it; nobody outside the class sees the
work (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.learner_export import learner_export
from learnloop.reports.projects import class_work, learner_work, submission_for_review
from learnloop.services.accounts import register_user
from learnloop.services.class_groups import disband_group, form_group
from learnloop.services.courses import add_to_class
from learnloop.services.erasure import delete_account
from learnloop.services.onboarding import complete_onboarding
from learnloop.services.projects import MAX_WORK_LENGTH, review_submission, submit_work
from learnloop.storage.tables import ProjectReview, ProjectSubmission
from tests.conftest import PASSWORD, World, unlock_activity

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
URL = "https://learn.example.org"
RECIPE = "recipe-project"  # the demo's project, with a rubric of four criteria of three levels
TOP = {"scaling": 2, "working": 2, "mixed-numbers": 1, "checking": 0}


def test_work_handed_in_gets_rubric_feedback_the_learner_reads(world: World) -> None:
    unlock_activity(world, world.learner, RECIPE)
    first = submit_work(
        world.db, world.learner, activity_key=RECIPE, body="  For 6: 1 1/2 × 3/2 = 2 1/4 cups\n",
        now=T0,
    )  # fmt: skip
    [mine] = learner_work(world.db, world.learner, RECIPE)
    assert (mine.id, mine.body, mine.review) == (first, "For 6: 1 1/2 × 3/2 = 2 1/4 cups", None)
    waiting = class_work(world.db, world.educator, world.class_id)
    assert [(w.id, w.learner, w.activity_title) for w in waiting.awaiting] == [
        (first, "Lea", "Project — scale a recipe")
    ]
    assert review_submission(
        world.db, world.educator, first, levels=TOP, comment="Check the sugar.",
        now=T0 + timedelta(hours=1),
    ) == (world.class_id, world.learner.user_id)  # fmt: skip
    [mine] = learner_work(world.db, world.learner, RECIPE)
    assert mine.review is not None
    assert (mine.review.educator, mine.review.comment) == ("Teacher", "Check the sugar.")
    assert [(lv.key, lv.level, lv.index, lv.top) for lv in mine.review.levels] == [
        ("scaling", "Every amount", 2, 2),
        ("working", "Clear working throughout", 2, 2),
        ("mixed-numbers", "Some mixed numbers", 1, 2),
        ("checking", "No check", 0, 2),
    ]
    after = class_work(world.db, world.educator, world.class_id)
    assert (after.awaiting, [w.id for w in after.reviewed]) == ([], [first])
    with world.db.reading() as s:
        row = s.scalars(select(ProjectReview)).one()
    assert (row.educator_id, row.levels) == (world.educator.user_id, TOP)


def test_a_better_version_supersedes_the_unreviewed_one_and_a_second_review_replaces(
    world: World,
) -> None:
    unlock_activity(world, world.learner, RECIPE)
    v1 = submit_work(world.db, world.learner, activity_key=RECIPE, body="draft", now=T0)
    v2 = submit_work(
        world.db, world.learner, activity_key=RECIPE, body="better", now=T0 + timedelta(days=1)
    )
    assert [w.id for w in class_work(world.db, world.educator, world.class_id).awaiting] == [v2]
    this, rubric, others = submission_for_review(world.db, world.educator, v2)
    assert (this.body, len(rubric), [o.id for o in others]) == ("better", 4, [v1])
    review_submission(world.db, world.educator, v2, levels=TOP, comment="Good.")
    review_submission(world.db, world.admin, v2, levels={**TOP, "checking": 2}, comment="")
    with world.db.reading() as s:
        rows = list(s.scalars(select(ProjectReview)))
    assert [(r.submission_id, r.educator_id, r.levels["checking"], r.comment) for r in rows] == [
        (v2, world.admin.user_id, 2, "")
    ]
    assert [w.body for w in learner_work(world.db, world.learner, RECIPE)] == ["better", "draft"]


@pytest.mark.parametrize(
    ("levels", "field"),
    [
        ({k: v for k, v in TOP.items() if k != "working"}, "levels.working"),
        ({**TOP, "working": 3}, "levels.working"),
        ({**TOP, "working": -1}, "levels.working"),
        ({**TOP, "neatness": 1}, "levels"),
    ],
)
def test_a_review_needs_one_valid_level_for_every_criterion(
    world: World, levels: dict[str, int], field: str
) -> None:
    unlock_activity(world, world.learner, RECIPE)
    work = submit_work(world.db, world.learner, activity_key=RECIPE, body="mine")
    with pytest.raises(InvalidInput) as info:
        review_submission(world.db, world.educator, work, levels=levels, comment="")
    assert info.value.field == field
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ProjectReview)) == 0


def test_work_without_a_rubric_needs_a_comment(world: World) -> None:
    unlock_activity(world, world.learner, "measuring-cups")  # hands-on, no rubric
    work = submit_work(
        world.db, world.learner, activity_key="measuring-cups", body="1/3 + 1/2 = 5/6"
    )
    with pytest.raises(InvalidInput) as info:
        review_submission(world.db, world.educator, work, levels={}, comment="  ")
    assert info.value.field == "comment"
    review_submission(world.db, world.educator, work, levels={}, comment="Neat strips.")
    [mine] = learner_work(world.db, world.learner, "measuring-cups")
    assert mine.review is not None
    assert (mine.review.levels, mine.review.comment) == ([], "Neat strips.")


def test_what_cannot_be_handed_in_is_refused_and_nothing_is_stored(world: World) -> None:
    with pytest.raises(PermissionDenied):  # the recipe project is still locked for Lea
        submit_work(world.db, world.learner, activity_key=RECIPE, body="early")
    with pytest.raises(InvalidInput) as info:  # a reading: answers, not work
        submit_work(world.db, world.learner, activity_key="parts-read", body="an essay")
    assert info.value.field == "activity"
    with pytest.raises(NotFound):
        submit_work(world.db, world.learner, activity_key="no-such-activity", body="x")
    unlock_activity(world, world.learner, RECIPE)
    for body in ("", "   \n", "x" * (MAX_WORK_LENGTH + 1)):
        with pytest.raises(InvalidInput) as info:
            submit_work(world.db, world.learner, activity_key=RECIPE, body=body)
        assert info.value.field == "body"
    with pytest.raises(PermissionDenied):  # only learners hand in work
        submit_work(world.db, world.educator, activity_key=RECIPE, body="mine")
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ProjectSubmission)) == 0


def test_nobody_outside_the_class_sees_or_reviews_the_work(world: World) -> None:
    unlock_activity(world, world.learner, RECIPE)
    work = submit_work(world.db, world.learner, activity_key=RECIPE, body="mine")
    for viewer in (world.other_educator, world.other_learner, world.outsider, world.learner):
        with pytest.raises(NotFound):  # the same answer as for work that does not exist
            submission_for_review(world.db, viewer, work)
        with pytest.raises(NotFound):
            review_submission(world.db, viewer, work, levels=TOP, comment="")
    with pytest.raises(NotFound):
        review_submission(world.db, world.educator, work + 1000, levels=TOP, comment="")
    with pytest.raises(PermissionDenied):
        class_work(world.db, world.other_educator, world.class_id)
    assert learner_work(world.db, world.other_learner, RECIPE) == []  # a classmate's stays hers
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ProjectReview)) == 0


def test_work_leaves_with_the_learners_data_and_account(world: World) -> None:
    unlock_activity(world, world.learner, RECIPE)
    work = submit_work(world.db, world.learner, activity_key=RECIPE, body="mine")
    review_submission(world.db, world.educator, work, levels=TOP, comment="ok")
    exported = learner_export(world.db, world.learner, public_url=URL, now=T0)
    assert [r["body"] for r in exported["tables"]["project_submissions"]] == ["mine"]
    name = world.learner.username
    erased = delete_account(world.db, world.admin, username=name, confirm=name, public_url=URL)
    assert erased.rows["project_submissions"] == 1
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ProjectSubmission)) == 0
        assert s.scalar(select(func.count()).select_from(ProjectReview)) == 0


def test_group_work_is_the_groups(world: World, hasher: PasswordHasher) -> None:
    """Handed in for a group: every member sees it and its feedback, any member's better version
    supersedes it, nobody else may hand in for the group; disbanded, it stays its author's."""
    for viewer in (world.learner, world.other_learner):
        unlock_activity(world, viewer, RECIPE)
    team = form_group(world.db, world.educator, class_id=world.class_id, name="Bakers",
                      learner_ids=[world.learner.user_id, world.other_learner.user_id])  # fmt: skip
    first = submit_work(world.db, world.learner, activity_key=RECIPE, body="ours", group_id=team)
    [seen] = learner_work(world.db, world.other_learner, RECIPE)
    assert (seen.id, seen.group, seen.learner) == (first, "Bakers", "Lea")
    review_submission(world.db, world.educator, first, levels=TOP, comment="Good team work.")
    [seen] = learner_work(world.db, world.other_learner, RECIPE)
    assert seen.review is not None
    assert seen.review.comment == "Good team work."
    better = submit_work(world.db, world.other_learner, activity_key=RECIPE, body="ours, v2",
                         group_id=team)  # fmt: skip
    assert [w.id for w in class_work(world.db, world.educator, world.class_id).awaiting] == [better]
    _, _, others = submission_for_review(world.db, world.educator, better)
    assert [o.id for o in others] == [first]  # the group's earlier version, by another member
    pia = register_user(world.db, hasher, username="pia", password=PASSWORD, display_name="Pia")
    add_to_class(world.db, class_id=world.class_id, user_id=pia.user_id)
    complete_onboarding(world.db, pia, course_id=None, goal_objective="add-unlike",
                        goal_date=None, interests="", preferred_modalities=[])  # fmt: skip
    unlock_activity(world, pia, RECIPE)
    for group in (team, team + 1000):  # a classmate outside the group; a group that is none
        with pytest.raises(NotFound):
            submit_work(world.db, pia, activity_key=RECIPE, body="x", group_id=group)
    disband_group(world.db, world.educator, team)
    assert [w.id for w in learner_work(world.db, world.learner, RECIPE)] == [first]
    assert [w.id for w in learner_work(world.db, world.other_learner, RECIPE)] == [better]
