"""The demo class's work with its teacher: project work handed in (half of it with rubric
feedback), two assignments with due days, one overdue, and two reports of a problem with a
question, one answered, so that every educator's page of the demo has something to show."""

from __future__ import annotations

from datetime import datetime, timedelta

from learnloop.domain import Course, Viewer
from learnloop.exceptions import PermissionDenied
from learnloop.services.assignments import assign_activity
from learnloop.services.item_reports import report_item, resolve_item_report
from learnloop.services.projects import review_submission, submit_work
from learnloop.storage import Database

__all__ = [
    "DEMO_REVIEW_COMMENT",
    "DEMO_WORK",
    "assign_to_class",
    "hand_in_work",
    "report_questions",
]


# Work the demo learners hand in on the course's project and hands-on activities, most advanced
# first: each learner hands in on the first of these that is unlocked for them.
DEMO_WORK = {
    "recipe-project": "Pancakes for 6 (× 3/2): flour 1 1/2 × 3/2 = 2 1/4 cups, milk 1 × 3/2 = 1 1/2 "
    "cups, 2 eggs × 3/2 = 3 eggs, sugar 1/4 × 3/2 = 3/8 cup.\nFor 2 (× 1/2): flour 3/4 cup, milk "
    "1/2 cup, 1 egg, sugar 1/8 cup.\nCheck: every amount for 6 is bigger than for 4.",
    "measuring-cups": "1/2 + 1/4 = 3/4: three quarter cups filled the same bowl. 1/3 + 1/2 was a "
    "bit less than a cup: 5/6. My own: 1/4 + 1/3 = 3/12 + 4/12 = 7/12.",
    "fraction-strips": "1/2 lines up with 2/4 and 4/8. 1/4 lines up with 2/8. 1/3 lines up with "
    "nothing, it is between 1/4 and 1/2. Photo: https://example.org/my-strips.jpg",
}
# Every other piece of demo work gets the teacher's feedback, so the educator's page shows both.
DEMO_REVIEW_COMMENT = "Clear and careful. Next time, say how you checked your answer."


def hand_in_work(
    db: Database, course: Course, teacher: Viewer, learners: list[Viewer], now: datetime
) -> None:
    handed = 0
    for viewer in learners:
        for key, body in DEMO_WORK.items():
            if key not in course.activities:
                continue
            try:
                work = submit_work(
                    db, viewer, activity_key=key, body=body, now=now - timedelta(hours=20 - handed)
                )
            except PermissionDenied:  # still locked for this learner: the next one
                continue
            if handed % 2 == 0:
                rubric = course.activities[key].rubric
                review_submission(
                    db, teacher, work, levels={c.key: len(c.levels) - 1 - (handed // 2) % 2
                                               for c in rubric},
                    comment=DEMO_REVIEW_COMMENT, now=now - timedelta(hours=2),
                )  # fmt: skip
            handed += 1
            break


def assign_to_class(
    db: Database,
    course: Course,
    teacher: Viewer,
    class_id: int,
    learners: list[Viewer],
    now: datetime,
) -> None:
    """Two assignments of the first objective's activities (never locked): a reading given to the
    whole class a week ago, due four days ago (overdue for those who have not answered it since),
    and its practice given to three learners (not the first two, whom the browser tests assign it)
    yesterday, due in five days."""
    first = course.graph.topological_order[0]
    reading, practice = sorted(
        (a for a in course.activities_for(first) if set(a.objectives) == {first}),
        key=lambda a: len(a.items),
    )[:2]
    week_ago = now - timedelta(days=7)
    assign_activity(
        db, teacher, class_id=class_id, learner_ids=[v.user_id for v in learners],
        activity_key=reading.key, note="Read this again before our next lesson.",
        due_on=(week_ago + timedelta(days=3)).date(), now=week_ago,
    )  # fmt: skip
    yesterday = now - timedelta(days=1)
    assign_activity(
        db, teacher, class_id=class_id, learner_ids=[v.user_id for v in learners[2:5]],
        activity_key=practice.key, due_on=(yesterday + timedelta(days=6)).date(), now=yesterday,
    )  # fmt: skip


def report_questions(
    db: Database, course: Course, teacher: Viewer, learners: list[Viewer], now: datetime
) -> None:
    """Two reports on the first questions of the first objective's practice (never locked): the
    third learner's, still open, and the fourth's, which the teacher answered."""
    first = course.graph.topological_order[0]
    practice = max(
        (a for a in course.activities_for(first) if set(a.objectives) == {first}),
        key=lambda a: len(a.items),
    )
    open_one, answered = practice.items[:2]
    report_item(
        db, learners[2], activity_key=practice.key, item_key=open_one, kind="unclear",
        comment="Does 'the shaded part' mean the dark one or the light one?",
        now=now - timedelta(hours=5),
    )  # fmt: skip
    made = report_item(
        db, learners[3], activity_key=practice.key, item_key=answered, kind="typo",
        comment="The picture does not load for me.", now=now - timedelta(days=2),
    )  # fmt: skip
    resolve_item_report(
        db, teacher, made, reply="Thanks! It loads now: try again and tell me if not.",
        now=now - timedelta(days=1),
    )  # fmt: skip
