"""Overdue assignments in the reminders (both backends): past its due day, a learner who has not
done it hears that it is overdue; their educator hears of it in their class's news, with how
many have not done it, until everyone has or it is withdrawn; before the day, it is only assigned
work (the learner) and no news at all (the educator)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from learnloop.config import PedagogySettings
from learnloop.content.catalogs import Catalogs
from learnloop.domain.reminders import AssignedWork, ClassNews, OverdueWork
from learnloop.reports.assignments import class_assignments
from learnloop.reports.reminders import due_class_digests, due_digests
from learnloop.services.assignments import assign_activity, withdraw_assignment
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.reminders import want_reminders
from tests.conftest import World

PEDAGOGY = PedagogySettings()
AT = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)  # assigned yesterday
LONG_AGO = AT - timedelta(days=90)


def test_an_overdue_assignment_is_news_for_the_learner_and_the_educator(world: World) -> None:
    w = world
    due = AT.date() + timedelta(days=2)
    title = w.course.activities["parts-read"].title
    for viewer, address in ((w.learner, "lea@example.org"), (w.other_learner, "omar@example.org"),
                            (w.educator, "t@example.org")):  # fmt: skip
        want_reminders(w.db, viewer, email=address, frequency="daily", language="en",
                       now=LONG_AGO)  # fmt: skip
    assign_activity(
        w.db, w.educator, class_id=w.class_id, activity_key="parts-read", due_on=due, now=AT,
        learner_ids=[w.learner.user_id, w.other_learner.user_id],
    )  # fmt: skip
    for item in ("pw-1", "pw-2"):  # Omar does it
        record_attempt(
            w.db, w.other_learner, activity_key="parts-read", item_key=item,
            response=answer_for(w.course, item, True), now=AT + timedelta(hours=1),
        )  # fmt: skip

    def learners(at: datetime) -> dict[int, list[AssignedWork]]:
        digests = due_digests(w.db, PEDAGOGY, at, Catalogs.load().wording)
        return {d.user_id: d.assignments for d in digests}

    before = AT + timedelta(days=1)  # the day before it is due
    assert learners(before) == {w.learner.user_id: [AssignedWork(title, due, overdue=False)]}
    assert due_class_digests(w.db, PEDAGOGY, before) == []  # not late yet: nothing to tell
    late = AT + timedelta(days=3)  # the day after
    assert learners(late) == {w.learner.user_id: [AssignedWork(title, due, overdue=True)]}
    (educator,) = due_class_digests(w.db, PEDAGOGY, late)
    assert educator.classes == [ClassNews("7B", [], 0, 0, [OverdueWork(title, 1)])]

    (act,) = class_assignments(w.db, w.educator, w.class_id).assignments
    withdraw_assignment(w.db, w.educator, class_id=w.class_id, assignment_id=act.id)
    assert due_class_digests(w.db, PEDAGOGY, late) == []  # only Omar's, done, is left
    assert learners(late) == {}
