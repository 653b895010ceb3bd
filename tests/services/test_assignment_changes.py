"""Changing an assignment after it is made (both backends): a new due day, or none, for every
learner of that act of assigning and nobody else's; a bad day changes nothing; withdrawing takes
it from those who have not done it and leaves it, done, with those who have, and no answer
changes; only the class's educators and admins may, and only in their class."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from threading import Thread

import pytest
from sqlalchemy import func, select

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.assignments import assignments_for_me, class_assignments
from learnloop.services.assignments import (
    MAX_DUE_DAYS,
    assign_activity,
    change_due_day,
    mark_done,
    withdraw_assignment,
)
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage.tables import Assignment, Attempt
from tests.conftest import World, unlock_activity

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY0 = T0.date()


def _assign(w: World, activity: str, who: list[int], *, due: date | None, at: datetime) -> int:
    """Assign, and return the id of the act (the class view's handle for it)."""
    assign_activity(
        w.db, w.educator, class_id=w.class_id, learner_ids=who, activity_key=activity,
        due_on=due, now=at,
    )  # fmt: skip
    acts = class_assignments(w.db, w.educator, w.class_id).assignments
    return next(a.id for a in acts if a.activity_key == activity and a.assigned_at == at)


def _due_days(w: World) -> dict[tuple[int, str], date | None]:
    with w.db.reading() as s:
        return {(a.learner_id, a.activity_key): a.due_on for a in s.scalars(select(Assignment))}


def test_a_new_due_day_reaches_every_learner_of_that_act_and_no_other(world: World) -> None:
    w = world
    lea, omar = w.learner.user_id, w.other_learner.user_id
    reading = _assign(w, "parts-read", [lea, omar], due=DAY0 + timedelta(days=2), at=T0)
    _assign(w, "parts-practice", [lea], due=DAY0 + timedelta(days=2), at=T0)
    later = DAY0 + timedelta(days=9)
    assert change_due_day(
        w.db, w.educator, class_id=w.class_id, assignment_id=reading, due_on=later, now=T0
    ) == 2  # fmt: skip
    assert _due_days(w) == {
        (lea, "parts-read"): later,
        (omar, "parts-read"): later,
        (lea, "parts-practice"): DAY0 + timedelta(days=2),  # another act: untouched
    }
    # still one act, and any of its rows is a handle to it: a second change, then none at all
    acts = class_assignments(w.db, w.educator, w.class_id).assignments
    assert [(a.activity_key, len(a.learners)) for a in acts] == [
        ("parts-practice", 1),
        ("parts-read", 2),
    ]
    with w.db.reading() as s:
        omars = s.scalar(
            select(Assignment.id).where(
                Assignment.learner_id == omar, Assignment.activity_key == "parts-read"
            )
        )
    assert omars is not None
    assert omars != reading
    change_due_day(
        w.db, w.admin, class_id=w.class_id, assignment_id=omars, due_on=None, now=T0
    )  # an admin may; None takes the due day away
    assert _due_days(w)[(lea, "parts-read")] is None
    assert [a.due_on for a in assignments_for_me(w.db, w.learner)] == [
        DAY0 + timedelta(days=2),
        None,
    ]


def test_a_bad_due_day_changes_nothing(world: World) -> None:
    w = world
    due = DAY0 + timedelta(days=2)
    act = _assign(w, "parts-read", [w.learner.user_id], due=due, at=T0)
    before = _due_days(w)
    for bad in (DAY0 - timedelta(days=1), DAY0 + timedelta(days=MAX_DUE_DAYS + 1)):
        with pytest.raises(InvalidInput) as refused:
            change_due_day(
                w.db, w.educator, class_id=w.class_id, assignment_id=act, due_on=bad, now=T0
            )
        assert refused.value.field == "due_on"
    assert _due_days(w) == before


def test_withdrawing_keeps_it_for_those_who_did_it_and_touches_no_answer(world: World) -> None:
    w = world
    lea, omar = w.learner.user_id, w.other_learner.user_id
    act = _assign(w, "parts-read", [lea, omar], due=DAY0 + timedelta(days=1), at=T0)
    for item in ("pw-1", "pw-2"):  # Lea answers both of the reading's questions: done
        record_attempt(
            w.db, w.learner, activity_key="parts-read", item_key=item,
            response=answer_for(w.course, item, True), now=T0 + timedelta(minutes=5),
        )  # fmt: skip
    record_attempt(  # Omar answers one: not done
        w.db, w.other_learner, activity_key="parts-read", item_key="pw-1",
        response=answer_for(w.course, "pw-1", False), now=T0 + timedelta(minutes=6),
    )  # fmt: skip
    with w.db.reading() as s:
        answers = s.scalar(select(func.count()).select_from(Attempt))

    out = withdraw_assignment(w.db, w.educator, class_id=w.class_id, assignment_id=act)
    assert (out.activity_title, out.withdrawn, out.kept) == ("What is a fraction?", 1, 1)
    assert assignments_for_me(w.db, w.other_learner) == []
    assert [(a.activity_key, a.done) for a in assignments_for_me(w.db, w.learner)] == [
        ("parts-read", True)
    ]
    (left,) = class_assignments(w.db, w.educator, w.class_id).assignments
    assert [(p.display_name, p.done) for p in left.learners] == [("Lea", True)]
    assert not left.overdue(DAY0 + timedelta(days=30))  # done by everyone it still counts
    with w.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == answers


def test_withdrawn_from_everyone_it_is_gone_and_said_done_counts_as_done(world: World) -> None:
    w = world
    lea, omar = w.learner.user_id, w.other_learner.user_id
    act = _assign(w, "parts-practice", [lea, omar], due=None, at=T0)
    (lea_own,) = assignments_for_me(w.db, w.learner)
    mark_done(w.db, w.learner, lea_own.id)  # Lea says she did it: that counts too
    out = withdraw_assignment(w.db, w.educator, class_id=w.class_id, assignment_id=act)
    assert (out.withdrawn, out.kept) == (1, 1)

    other = _assign(w, "parts-read", [lea, omar], due=None, at=T0 + timedelta(hours=1))
    out = withdraw_assignment(w.db, w.admin, class_id=w.class_id, assignment_id=other)
    assert (out.withdrawn, out.kept) == (2, 0)
    acts = class_assignments(w.db, w.educator, w.class_id).assignments
    assert [a.activity_key for a in acts] == ["parts-practice"]
    assert assignments_for_me(w.db, w.other_learner) == []
    with pytest.raises(NotFound):  # gone: its handle no longer names anything
        withdraw_assignment(w.db, w.educator, class_id=w.class_id, assignment_id=other)


def test_only_the_class_educators_and_admins_change_and_only_in_their_class(
    world: World,
) -> None:
    w = world
    act = _assign(w, "parts-read", [w.learner.user_id], due=None, at=T0)
    day = DAY0 + timedelta(days=3)
    for viewer in (w.learner, w.other_learner, w.other_educator, w.outsider):
        with pytest.raises(PermissionDenied):
            change_due_day(w.db, viewer, class_id=w.class_id, assignment_id=act, due_on=day, now=T0)
        with pytest.raises(PermissionDenied):
            withdraw_assignment(w.db, viewer, class_id=w.class_id, assignment_id=act)
    # the other educator, in their own class, cannot reach this class's assignment through it
    with pytest.raises(NotFound):
        change_due_day(
            w.db, w.other_educator, class_id=w.other_class_id, assignment_id=act, due_on=day,
            now=T0,
        )  # fmt: skip
    with pytest.raises(NotFound):
        withdraw_assignment(w.db, w.other_educator, class_id=w.other_class_id, assignment_id=act)
    assert _due_days(w) == {(w.learner.user_id, "parts-read"): None}


def test_one_learner_can_be_excused_and_the_rest_keep_it(world: World) -> None:
    w = world
    lea, omar, olga = w.learner.user_id, w.other_learner.user_id, w.outsider.user_id
    act = _assign(w, "parts-read", [lea, omar], due=DAY0 + timedelta(days=3), at=T0)
    with pytest.raises(InvalidInput) as nobody:
        withdraw_assignment(
            w.db, w.educator, class_id=w.class_id, assignment_id=act, learner_ids=[]
        )  # none ticked is an error, never "everyone"
    assert nobody.value.field == "learner_ids"
    with pytest.raises(InvalidInput) as stranger:
        withdraw_assignment(
            w.db, w.educator, class_id=w.class_id, assignment_id=act, learner_ids=[omar, olga]
        )
    assert stranger.value.values == {"ids": str(olga)}  # names who it did not go to
    assert len(_due_days(w)) == 2  # refused: nothing withdrawn
    out = withdraw_assignment(
        w.db, w.educator, class_id=w.class_id, assignment_id=act, learner_ids=[omar]
    )
    assert (out.withdrawn, out.kept) == (1, 0)
    assert assignments_for_me(w.db, w.other_learner) == []
    (left,) = class_assignments(w.db, w.educator, w.class_id).assignments
    assert [p.display_name for p in left.learners] == ["Lea"]  # still one act, for Lea
    assert left.id == act  # Lea's row, the act's handle, is still there


def test_two_educators_changing_one_act_at_once_take_turns(world: World) -> None:
    """Each change reads the act as the last one left it (the act's rows are locked first), so
    none is lost and the act never splits into rows with different due days."""
    w = world
    act = _assign(w, "parts-read", [w.learner.user_id, w.other_learner.user_id], due=None,
                  at=T0)  # fmt: skip
    counts: list[int] = []

    def change(viewer: Viewer, offset: int) -> None:
        for n in range(15):
            day = DAY0 + timedelta(days=offset + n)
            counts.append(change_due_day(w.db, viewer, class_id=w.class_id, assignment_id=act,
                                         due_on=day, now=T0))  # fmt: skip

    threads = [Thread(target=change, args=(w.educator, 1)),
               Thread(target=change, args=(w.admin, 100))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts == [2] * 30  # every change found both learners' rows
    assert len(set(_due_days(w).values())) == 1  # one act, one due day


def test_open_only_leaves_out_those_it_is_locked_for_and_names_them(world: World) -> None:
    w = world
    lea, omar = w.learner.user_id, w.other_learner.user_id
    unlock_activity(w, w.learner, "number-line-read")  # Lea: what a fraction means, mastered
    with pytest.raises(InvalidInput):  # without open_only: all or nothing
        assign_activity(w.db, w.educator, class_id=w.class_id, learner_ids=[lea, omar],
                        activity_key="number-line-read", now=T0)  # fmt: skip
    done = assign_activity(w.db, w.educator, class_id=w.class_id, learner_ids=[lea, omar],
                           activity_key="number-line-read", now=T0, open_only=True)  # fmt: skip
    assert (done.assigned, done.already, done.locked) == (("Lea",), (), ("Omar",))
    assert assignments_for_me(w.db, w.other_learner) == []
    with pytest.raises(InvalidInput) as nobody:  # locked for everyone chosen: nothing to give
        assign_activity(w.db, w.educator, class_id=w.class_id, learner_ids=[omar],
                        activity_key="number-line-read", now=T0, open_only=True)  # fmt: skip
    assert nobody.value.field == "learner_ids"
