"""A class's life (both backends): an admin renames it, ends it and reopens it. An ended class
keeps its records, readable as before; nothing new starts in it; its open assignments leave its
learners' lists and reminders, and its educators' digests leave it out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.config import PedagogySettings
from learnloop.content.catalogs import Catalogs
from learnloop.content.roster_csv import read_roster
from learnloop.exceptions import (
    ContentError,
    DuplicateName,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from learnloop.reports.assignments import class_assignments, my_assignments
from learnloop.reports.class_views import class_overview, classes_for
from learnloop.reports.learner_classes import my_classes
from learnloop.reports.reminders import due_class_digests, due_digests
from learnloop.services.assignments import assign_activity, change_due_day, withdraw_assignment
from learnloop.services.class_codes import join_class, open_joining
from learnloop.services.class_groups import disband_group, form_group
from learnloop.services.class_lifecycle import delete_class, end_class, rename_class, reopen_class
from learnloop.services.classes import add_members, remove_member
from learnloop.services.demo_practice import answer_for
from learnloop.services.discussion import post_message
from learnloop.services.item_reports import report_item
from learnloop.services.learning import record_attempt
from learnloop.services.messages import send_feedback, send_feedback_to_learners
from learnloop.services.projects import review_submission, submit_work
from learnloop.services.reminders import want_reminders
from learnloop.services.rosters import import_roster
from learnloop.storage.tables import (
    Assignment,
    Attempt,
    AuditEvent,
    ClassGroup,
    ClassGroupMember,
    ClassJoinCode,
    ClassMember,
    DiscussionPost,
    FeedbackMessage,
    ItemReport,
    Mastery,
    ProjectReview,
    ProjectSubmission,
    SchoolClass,
    User,
)
from tests.conftest import World, unlock_activity

LEVELS = {"scaling": 2, "working": 1, "mixed-numbers": 1, "checking": 0}

PEDAGOGY = PedagogySettings()
NOW = datetime.now(UTC).replace(microsecond=0)
LONG_AGO = NOW - timedelta(days=90)


def _count(world: World, table: Any) -> int:
    with world.db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _assign(w: World, due_days: int = 2, now: datetime = NOW) -> None:
    assign_activity(
        w.db, w.educator, class_id=w.class_id, activity_key="parts-read",
        learner_ids=[w.learner.user_id], due_on=(now + timedelta(days=due_days)).date(), now=now,
    )  # fmt: skip


def test_only_an_admin_ends_reopens_or_renames_a_class(world: World) -> None:
    for viewer in (world.educator, world.learner):
        for act in (
            lambda v: end_class(world.db, v, class_id=world.class_id),
            lambda v: reopen_class(world.db, v, class_id=world.class_id),
            lambda v: rename_class(world.db, v, class_id=world.class_id, name="7B old"),
        ):
            with pytest.raises(PermissionDenied):
                act(viewer)
    with pytest.raises(NotFound):
        end_class(world.db, world.admin, class_id=world.class_id + 100)
    with world.db.reading() as s:
        row = s.get(SchoolClass, world.class_id)
        assert row is not None
        assert (row.name, row.ended_at) == ("7B", None)


def test_ending_closes_the_code_and_is_recorded_and_reopening_undoes_it(world: World) -> None:
    code = open_joining(world.db, world.educator, class_id=world.class_id).code
    end_class(world.db, world.admin, class_id=world.class_id, now=NOW)
    assert _count(world, ClassJoinCode) == 0
    with pytest.raises(InvalidInput) as twice:
        end_class(world.db, world.admin, class_id=world.class_id)
    assert twice.value.field == "class"
    [summary] = [c for c in classes_for(world.db, world.admin) if c.id == world.class_id]
    assert summary.ended_at == NOW
    assert [c.ended_at for c in my_classes(world.db, world.learner)] == [NOW]
    with pytest.raises(InvalidInput):  # the code went with the end
        join_class(world.db, world.outsider, code=code)
    reopen_class(world.db, world.admin, class_id=world.class_id, now=NOW + timedelta(days=1))
    with pytest.raises(InvalidInput) as not_ended:
        reopen_class(world.db, world.admin, class_id=world.class_id)
    assert not_ended.value.field == "class"
    assert [c.ended_at for c in my_classes(world.db, world.learner)] == [None]
    with world.db.reading() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.subject == "7B")))
    assert actions[-3:] == ["class.join_code_opened", "class.ended", "class.reopened"]


def _starts(w: World) -> list[Callable[[], object]]:
    """Everything that would start something new in the world's class."""
    ids = [w.learner.user_id, w.other_learner.user_id]
    return [
        lambda: _assign(w),
        lambda: send_feedback(w.db, w.educator, class_id=w.class_id, learner_id=ids[0], body="Hi"),
        lambda: send_feedback_to_learners(
            w.db, w.educator, class_id=w.class_id, learner_ids=ids, body="Hi all"
        ),
        lambda: form_group(w.db, w.educator, class_id=w.class_id, name="Pairs", learner_ids=ids),
        lambda: post_message(
            w.db, w.educator, activity_key="parts-read", body="Look", class_id=w.class_id
        ),
        lambda: open_joining(w.db, w.educator, class_id=w.class_id),
        lambda: add_members(w.db, w.admin, class_id=w.class_id, usernames="teacher2"),
    ]


def test_nothing_new_starts_in_an_ended_class_and_nothing_is_kept(world: World) -> None:
    end_class(world.db, world.admin, class_id=world.class_id)
    for start in _starts(world):
        with pytest.raises(InvalidInput) as refused:
            start()
        assert refused.value.field == "class"
        assert "7B has ended" in str(refused.value)
    # a learner's own post: their class has ended, so there is no class to post in
    with pytest.raises(NotFound):
        post_message(world.db, world.learner, activity_key="parts-read", body="Anyone?")
    for table in (Assignment, FeedbackMessage, ClassGroup, DiscussionPost, ClassJoinCode):
        assert _count(world, table) == 0
    # the other class runs as before
    post_message(world.db, world.outsider, activity_key="parts-read", body="Anyone?")
    assert _count(world, DiscussionPost) == 1
    # reopened, the same things work again
    reopen_class(world.db, world.admin, class_id=world.class_id)
    for start in _starts(world)[:-1]:
        start()


def test_tidying_up_goes_on_and_the_records_stay_readable(world: World) -> None:
    _assign(world)
    ids = [world.learner.user_id, world.other_learner.user_id]
    group = form_group(world.db, world.educator, class_id=world.class_id, name="Pairs",
                       learner_ids=ids)  # fmt: skip
    end_class(world.db, world.admin, class_id=world.class_id)
    (act,) = class_assignments(world.db, world.educator, world.class_id).assignments
    with pytest.raises(InvalidInput):
        change_due_day(world.db, world.educator, class_id=world.class_id, assignment_id=act.id,
                       due_on=None)  # fmt: skip
    overview = class_overview(world.db, world.educator, world.class_id, PEDAGOGY)
    assert overview.ended_at is not None
    assert [row.id for row in overview.learners] == sorted(
        ids, key=lambda i: {world.learner.user_id: "Lea", world.other_learner.user_id: "Omar"}[i]
    )
    withdraw_assignment(world.db, world.educator, class_id=world.class_id, assignment_id=act.id)
    disband_group(world.db, world.educator, group)
    remove_member(world.db, world.admin, class_id=world.class_id, user_id=ids[1])
    assert _count(world, Assignment) == 0
    assert _count(world, ClassGroup) == 0


def test_an_ended_classs_work_leaves_its_learners_and_educators_lists(world: World) -> None:
    for viewer, address in ((world.learner, "lea@example.org"), (world.educator, "t@example.org")):
        want_reminders(world.db, viewer, email=address, frequency="daily", language="en",
                       now=LONG_AGO)  # fmt: skip
    _assign(world, due_days=1, now=NOW - timedelta(days=3))  # overdue since yesterday

    def learner_news() -> list[int]:
        return [d.user_id for d in due_digests(world.db, PEDAGOGY, NOW, Catalogs.load().wording)]

    assert len(my_assignments(world.db, world.learner, world.course_id, world.course)) == 1
    assert learner_news() == [world.learner.user_id]
    assert [
        c.class_name for d in due_class_digests(world.db, PEDAGOGY, NOW) for c in d.classes
    ] == ["7B"]
    end_class(world.db, world.admin, class_id=world.class_id)
    assert my_assignments(world.db, world.learner, world.course_id, world.course) == []
    assert learner_news() == []
    assert due_class_digests(world.db, PEDAGOGY, NOW) == []
    reopen_class(world.db, world.admin, class_id=world.class_id)
    assert len(my_assignments(world.db, world.learner, world.course_id, world.course)) == 1


def test_a_class_is_renamed_to_a_free_name(world: World) -> None:
    assert rename_class(world.db, world.admin, class_id=world.class_id, name="  7B   2026 ") == (
        "7B 2026"
    )
    with pytest.raises(DuplicateName) as taken:
        rename_class(world.db, world.admin, class_id=world.class_id, name="8C")
    assert taken.value.field == "name"
    with pytest.raises(InvalidInput) as empty:
        rename_class(world.db, world.admin, class_id=world.class_id, name="   ")
    assert empty.value.field == "name"
    rename_class(world.db, world.admin, class_id=world.class_id, name="7B 2026")  # its own name
    with world.db.reading() as s:
        renamed = list(s.execute(select(AuditEvent.subject, AuditEvent.details)
                                 .where(AuditEvent.action == "class.renamed")))  # fmt: skip
    assert [tuple(r) for r in renamed] == [("7B 2026", {"class_id": world.class_id, "from": "7B"})]


def test_a_roster_names_an_ended_class_and_adds_nobody(
    world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    end_class(world.db, world.admin, class_id=world.class_id)
    roster = tmp_path / "roster.csv"
    roster.write_text("username,display_name,role,class,course\nzoe,Zoë,learner,7B,\n", "utf-8")
    with pytest.raises(ContentError) as refused:
        import_roster(world.db, hasher, read_roster(roster), source="roster.csv")
    assert [(i.line, i.message) for i in refused.value.issues] == [
        (2, "class '7B' has ended: an admin can reopen it")
    ]
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.username == "zoe")) == 0


def test_an_ended_class_is_deleted_with_what_belongs_to_it_and_learners_keep_theirs(
    world: World,
) -> None:
    w = world
    _assign(w)
    send_feedback(w.db, w.educator, class_id=w.class_id, learner_id=w.learner.user_id, body="Hi")
    form_group(w.db, w.educator, class_id=w.class_id, name="Pairs",
               learner_ids=[w.learner.user_id, w.other_learner.user_id])  # fmt: skip
    post_message(w.db, w.learner, activity_key="parts-read", body="Is 2/4 one half?")
    unlock_activity(w, w.learner, "recipe-project")
    work = submit_work(w.db, w.learner, activity_key="recipe-project", body="For 6: ...")
    review_submission(w.db, w.educator, work, levels=LEVELS, comment="Good")
    report_item(w.db, w.learner, activity_key="parts-practice", item_key="pw-3", kind="typo",
                comment="")  # fmt: skip
    record_attempt(w.db, w.learner, activity_key="parts-practice", item_key="pw-3",
                   response=answer_for(w.course, "pw-3", True))  # fmt: skip
    before = {t: _count(w, t) for t in (Attempt, Mastery, ItemReport, ClassMember)}

    with pytest.raises(InvalidInput) as running:
        delete_class(w.db, w.admin, class_id=w.class_id, confirm="7B")
    assert running.value.field == "class"
    end_class(w.db, w.admin, class_id=w.class_id)
    with pytest.raises(PermissionDenied):
        delete_class(w.db, w.educator, class_id=w.class_id, confirm="7B")
    with pytest.raises(InvalidInput) as mistyped:
        delete_class(w.db, w.admin, class_id=w.class_id, confirm="7C")
    assert mistyped.value.field == "confirm"
    assert _count(w, SchoolClass) == 2

    gone = delete_class(w.db, w.admin, class_id=w.class_id, confirm=" 7B ")
    assert gone.name == "7B"
    assert gone.rows == {
        "class_members": 3, "assignments": 1, "feedback_messages": 1, "class_groups": 1,
        "discussion_posts": 1, "project_submissions": 1,
    }  # fmt: skip
    for table in (Assignment, FeedbackMessage, ClassGroup, ClassGroupMember, DiscussionPost,
                  ProjectSubmission, ProjectReview):  # fmt: skip
        assert _count(w, table) == 0, table
    assert _count(w, SchoolClass) == 1  # 8C stays
    assert _count(w, ClassMember) == before[ClassMember] - 3
    for table in (Attempt, Mastery, ItemReport):  # the learners' own
        assert _count(w, table) == before[table], table
    with w.db.reading() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "class.deleted")).one()
    assert (event.subject, event.details["rows"]) == ("7B", gone.rows)
