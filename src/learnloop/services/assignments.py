"""Educators assign activities (product.md, Educator: "the educator can assign"): to one learner,
a group or the whole class, with an optional note; later they change its due day, withdraw it
(from everyone who has not done it, or from some) or leave it. The learner sees it first on their
home, beside the recommended next steps, and can still choose anything else that is unlocked.

One transaction for the whole list: a learner outside the class, or one for whom the activity is
still locked (its prerequisites not mastered), refuses it all, naming them, so that nobody is
told to do what they cannot open; or, asked with ``open_only`` (a whole class, where some are not
there yet), it goes to those it is open for and the result names the others. A learner who
already has the activity assigned and not done is left as they are (its due day too). The
learner, or every item answered since, marks it done.

Given to the whole class (``whole_class``), the list is the class's learners when the
transaction runs, and a learner who joins later gets it too (``give_whole_class_work``, called
wherever a learner joins: a code, an admin, a roster, an LTI launch), with the act's note and due
day, unless its due day has passed (nobody joins a class already overdue) or it is still locked
for them. Withdrawn as a whole, it stops going to newcomers.

A due day is optional. It is a calendar day in UTC, as goal dates are: today at the earliest (an
assignment due yesterday would be born overdue) and at most ``MAX_DUE_DAYS`` ahead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Activity, Course, Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_role, require_running
from learnloop.storage.assignment_progress import act_key, answered_since_assigned, is_done
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Assignment, ClassMember, Mastery, SchoolClass, User

__all__ = [
    "MAX_DUE_DAYS",
    "MAX_NOTE_LENGTH",
    "Assigned",
    "Withdrawn",
    "assign_activity",
    "change_due_day",
    "give_whole_class_work",
    "mark_done",
    "withdraw_assignment",
]

MAX_NOTE_LENGTH = 500
# How far ahead a due day may be: a school year. A date further out is nearly always a typo (the
# year mistyped), and an assignment that far away is not what the learner's home is for.
MAX_DUE_DAYS = 366


@dataclass(frozen=True)
class Assigned:
    assigned: tuple[str, ...]  # display names of the learners who got it
    already: tuple[str, ...]  # those who had it open already
    locked: tuple[str, ...] = ()  # those left out because it is still locked for them (open_only)


@dataclass(frozen=True)
class Withdrawn:
    activity_title: str
    withdrawn: int  # learners it was taken from
    kept: int  # learners who had done it: it stays on their record, done


def _check_due_day(due_on: date | None, now: datetime) -> None:
    if due_on is None:
        return
    today = now.astimezone(UTC).date()
    if due_on < today:
        raise InvalidInput("due_on", "a due day cannot be in the past")
    if due_on > today + timedelta(days=MAX_DUE_DAYS):
        raise InvalidInput("due_on", "choose a day at most %(days)s days ahead", days=MAX_DUE_DAYS)


def assign_activity(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    learner_ids: list[int],
    activity_key: str,
    note: str = "",
    due_on: date | None = None,
    now: datetime | None = None,
    open_only: bool = False,
    whole_class: bool = False,
) -> Assigned:
    """Assign ``activity_key`` to ``learner_ids`` of the class, or with ``whole_class`` to every
    learner of the class now and to those who join it later (``learner_ids`` then unused)."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput("note", "use at most %(max)s characters", max=MAX_NOTE_LENGTH)
    ids = list(dict.fromkeys(learner_ids))
    if not ids and not whole_class:
        raise InvalidInput("learner_ids", "choose at least one learner")
    now = now or datetime.now(UTC)
    _check_due_day(due_on, now)
    with db.transaction() as s:
        school_class = require_running(require_class_educator(s, viewer, class_id))
        course = course_by_id(s, school_class.course_id)
        activity = course.activities.get(activity_key)
        if activity is None:
            raise InvalidInput(
                "activity",
                "the course has no activity %(activity_key)s",
                activity_key=repr(activity_key),
            )
        if whole_class:  # the class's learners as this transaction finds them
            ids = list(
                s.scalars(
                    select(ClassMember.user_id).where(
                        ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value
                    )
                )
            )
            if not ids:
                raise InvalidInput("learner_ids", "the class has no learners yet")
        members = {
            u.id: u
            for u in s.scalars(
                select(User)
                .join(ClassMember, ClassMember.user_id == User.id)
                .where(
                    ClassMember.class_id == class_id,
                    ClassMember.role == Role.LEARNER.value,
                    User.id.in_(ids),
                )
            )
        }
        outside = [i for i in ids if i not in members]
        if outside:
            raise NotFound(
                "learner(s) %(names)s are not in this class", names=", ".join(map(str, outside))
            )
        locked_ids = _locked_for(s, school_class.course_id, course, activity, ids)
        locked = [members[i].display_name for i in locked_ids]
        if open_only:  # leave them out, and say so
            ids = [i for i in ids if i not in set(locked_ids)]
            if not ids:
                raise InvalidInput(
                    "learner_ids",
                    "%(title)s is still locked for every learner chosen: nothing assigned",
                    title=activity.title,
                )
        elif locked:
            raise InvalidInput(
                "learner_ids",
                "%(title)s is still locked for %(names)s: nothing assigned",
                title=activity.title,
                names=", ".join(locked),
            )
        open_for = set(
            s.scalars(
                select(Assignment.learner_id).where(
                    Assignment.class_id == class_id, Assignment.activity_key == activity_key,
                    Assignment.learner_id.in_(ids), Assignment.done_at.is_(None),
                )
            )
        )  # fmt: skip
        given = []
        for i in ids:
            if i in open_for:
                continue
            s.add(
                Assignment(
                    class_id=class_id, learner_id=i, activity_key=activity_key,
                    educator_id=viewer.user_id, note=note, created_at=now, due_on=due_on,
                    whole_class=whole_class,
                )
            )  # fmt: skip
            given.append(members[i].display_name)
        already = tuple(members[i].display_name for i in ids if i in open_for)
        return Assigned(tuple(given), already, tuple(locked) if open_only else ())


def _locked_for(
    s: Session, course_id: int, course: Course, activity: Activity, ids: Sequence[int]
) -> list[int]:
    """Those of ``ids`` for whom ``activity`` is still locked (a prerequisite not mastered)."""
    mastered: dict[int, set[str]] = {i: set() for i in ids}
    for user_id, key in s.execute(
        select(Mastery.user_id, Mastery.objective_key).where(
            Mastery.user_id.in_(ids), Mastery.course_id == course_id, Mastery.mastered
        )
    ):
        mastered[user_id].add(key)
    return [
        i
        for i in ids
        if any(not course.graph.is_unlocked(o, mastered[i]) for o in activity.objectives)
    ]


def give_whole_class_work(
    s: Session, school_class: SchoolClass, learner_id: int, now: datetime
) -> int:
    """In the caller's transaction, as ``learner_id`` joins the class: give them each act the
    class was given as a whole whose due day has not passed, that is open to them and that they
    do not have open already; how many."""
    acts: dict[tuple[object, ...], Assignment] = {}
    for a in s.scalars(
        select(Assignment)
        .where(Assignment.class_id == school_class.id, Assignment.whole_class)
        .order_by(Assignment.id)
    ):
        if a.due_on is None or a.due_on >= now.astimezone(UTC).date():
            acts.setdefault(act_key(a), a)
    if not acts:
        return 0
    course = course_by_id(s, school_class.course_id)
    open_already = set(
        s.scalars(
            select(Assignment.activity_key).where(
                Assignment.class_id == school_class.id, Assignment.learner_id == learner_id,
                Assignment.done_at.is_(None),
            )
        )
    )  # fmt: skip
    given = 0
    for a in acts.values():
        activity = course.activities.get(a.activity_key)
        if activity is None or a.activity_key in open_already:
            continue
        if _locked_for(s, school_class.course_id, course, activity, [learner_id]):
            continue
        s.add(
            Assignment(
                class_id=school_class.id, learner_id=learner_id, activity_key=a.activity_key,
                educator_id=a.educator_id, note=a.note, created_at=a.created_at,
                due_on=a.due_on, whole_class=True,
            )
        )  # fmt: skip
        open_already.add(a.activity_key)
        given += 1
    return given


def mark_done(
    db: Database, viewer: Viewer, assignment_id: int, now: datetime | None = None
) -> None:
    """The learner says an assignment of theirs is done (anyone else: it does not exist)."""
    with db.transaction() as s:
        row = s.get(Assignment, assignment_id)
        if row is None or row.learner_id != viewer.user_id:
            raise NotFound(
                "assignment %(assignment_id)s does not exist", assignment_id=assignment_id
            )
        if row.done_at is None:
            row.done_at = now or datetime.now(UTC)


def _act(
    s: Session, viewer: Viewer, class_id: int, assignment_id: int
) -> tuple[SchoolClass, list[Assignment]]:
    """The class, and the rows of the act of assigning that ``assignment_id`` is one of, in the
    class, locked (on PostgreSQL) so that two educators changing it at once take turns: the second
    reads the act as the first left it."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    school_class = require_class_educator(s, viewer, class_id)
    handle = s.scalars(
        select(Assignment)
        .where(Assignment.id == assignment_id, Assignment.class_id == class_id)
        .with_for_update()
    ).first()
    if handle is None:
        raise NotFound(
            "assignment %(assignment_id)s does not exist in this class", assignment_id=assignment_id
        )
    key = act_key(handle)
    same_time = s.scalars(
        select(Assignment)
        .where(
            Assignment.class_id == class_id,
            Assignment.activity_key == handle.activity_key,
            Assignment.created_at == handle.created_at,
        )
        .with_for_update()
    )
    return school_class, [a for a in same_time if act_key(a) == key]


def change_due_day(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    assignment_id: int,
    due_on: date | None,
    now: datetime | None = None,
) -> int:
    """Give an act of assigning a new due day, or none, for every learner it went to (the same
    rule as when assigning: today to MAX_DUE_DAYS ahead). Any educator of the class may: a
    colleague covers for the one who assigned it. Returns how many learners it went to."""
    _check_due_day(due_on, now or datetime.now(UTC))
    with db.transaction() as s:
        school_class, rows = _act(s, viewer, class_id, assignment_id)
        require_running(school_class)
        for a in rows:
            a.due_on = due_on
        return len(rows)


def withdraw_assignment(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    assignment_id: int,
    learner_ids: Sequence[int] | None = None,
) -> Withdrawn:
    """Take an act of assigning back from the learners who have not done it, or only from
    ``learner_ids`` among them (a learner excused: absent, or given other work). Those who have
    done it keep it on their record as done: withdrawing corrects a to-do list, it does not erase
    work a learner finished. Their answers are never touched either way. A learner the act did
    not go to refuses the whole withdrawal, naming them."""
    with db.transaction() as s:
        school_class, rows = _act(s, viewer, class_id, assignment_id)
        if learner_ids is not None:
            chosen = set(learner_ids)
            if not chosen:
                raise InvalidInput("learner_ids", "choose at least one learner")
            outside = sorted(chosen - {a.learner_id for a in rows})
            if outside:
                raise InvalidInput(
                    "learner_ids",
                    "learner(s) %(ids)s were not given this assignment: nothing withdrawn",
                    ids=", ".join(map(str, outside)),
                )
            rows = [a for a in rows if a.learner_id in chosen]
        course = course_by_id(s, school_class.course_id)
        activity = course.activities.get(rows[0].activity_key)
        if activity is None:  # the course no longer has it: done only by the learner's word
            done = [a for a in rows if a.done_at is not None]
        else:
            answered = answered_since_assigned(s, rows, course)
            done = [a for a in rows if is_done(a, answered, course)]
        for a in rows:
            if a not in done:
                s.delete(a)
            elif learner_ids is None:  # withdrawn as a whole: no newcomer gets it any more
                a.whole_class = False
        title = activity.title if activity else rows[0].activity_key
        return Withdrawn(title, len(rows) - len(done), len(done))
