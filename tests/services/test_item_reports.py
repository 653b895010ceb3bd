"""Reports of a problem with a question: the learner sends one (a second thought replaces the
first while it is open), an educator of their class or an admin answers it, nobody else sees or
answers it; the report is the learner's data (both backends)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learnloop.domain.item_reports import MAX_REPORT_COMMENT, MAX_REPORT_REPLY
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.item_reports import (
    ANSWERED_SHOWN,
    class_item_reports,
    course_item_reports,
    my_item_reports,
)
from learnloop.reports.learner_export import learner_export
from learnloop.services.erasure import delete_account
from learnloop.services.item_reports import (
    report_item,
    resolve_item_report,
    resolve_reports_on_item,
)
from learnloop.storage.tables import AuditEvent, ItemReport
from tests.conftest import World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
URL = "https://x.example"


def _report(world: World, viewer: object = None, item: str = "pw-3", minutes: int = 0,
            kind: str = "answer-key", comment: str = "  3/4 should be right\n") -> int:  # fmt: skip
    return report_item(
        world.db, viewer or world.learner, activity_key="parts-practice", item_key=item,  # type: ignore[arg-type]
        kind=kind, comment=comment, now=T0 + timedelta(minutes=minutes),
    )  # fmt: skip


def _count(world: World) -> int:
    with world.db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(ItemReport)) or 0)


def test_a_second_report_while_open_replaces_the_first(world: World) -> None:
    first = _report(world)
    again = _report(world, minutes=3, kind="unclear", comment="I meant: the wording is unclear")
    assert again == first
    assert _count(world) == 1
    [mine] = my_item_reports(world.db, world.learner)
    assert (mine.item_key, mine.activity_key, mine.kind, mine.comment, mine.at, mine.open) == (
        "pw-3", "parts-practice", "unclear", "I meant: the wording is unclear",
        T0 + timedelta(minutes=3), True,
    )  # fmt: skip
    assert mine.prompt is not None
    assert mine.prompt == world.course.items["pw-3"].prompt


def test_an_educator_of_the_class_answers_and_the_learner_reads_the_answer(world: World) -> None:
    made = _report(world)
    resolve_item_report(world.db, world.educator, made, reply="  Fixed: 3/4 is right now. ",
                        now=T0 + timedelta(hours=1))  # fmt: skip
    [mine] = my_item_reports(world.db, world.learner)
    assert (mine.open, mine.resolved_at, mine.reply) == (
        False,
        T0 + timedelta(hours=1),
        "Fixed: 3/4 is right now.",
    )
    with world.db.reading() as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "item_report.resolved")
        ).one()
    assert (event.actor, event.subject, event.details) == (
        "teacher",
        "lea",
        {"report": made, "item": "pw-3", "kind": "answer-key"},
    )
    with pytest.raises(InvalidInput) as answered:
        resolve_item_report(world.db, world.admin, made, reply="again")
    assert answered.value.field == "report"
    # once answered, a new report is a new one, and the learner's list shows the newest
    newer = _report(world, minutes=120, kind="typo", comment="")
    assert newer != made
    assert _count(world) == 2
    assert [(r.id, r.open) for r in my_item_reports(world.db, world.learner)] == [(newer, True)]


def test_each_reader_sees_the_reports_of_their_scope(world: World) -> None:
    lea = _report(world)
    omar = _report(world, world.other_learner, item="pw-4", minutes=1, kind="typo", comment="")
    olga = _report(world, world.outsider, minutes=2, kind="unclear", comment="which one?")
    resolve_item_report(world.db, world.educator, lea, reply="", now=T0 + timedelta(hours=1))
    # the class's educator: open first (oldest first), then answered
    assert [r.id for r in class_item_reports(world.db, world.educator, world.class_id)] == [
        omar, lea,
    ]  # fmt: skip
    assert [r.id for r in class_item_reports(world.db, world.other_educator,
                                             world.other_class_id)] == [olga]  # fmt: skip
    assert [(r.id, r.username) for r in course_item_reports(world.db, world.admin, "fractions")] == [
        (omar, "omar"), (olga, "olga"), (lea, "lea"),
    ]  # fmt: skip
    assert [r.id for r in my_item_reports(world.db, world.other_learner)] == [omar]
    with pytest.raises(PermissionDenied):
        class_item_reports(world.db, world.other_educator, world.class_id)
    with pytest.raises(PermissionDenied):
        class_item_reports(world.db, world.learner, world.class_id)
    for viewer in (world.educator, world.learner):
        with pytest.raises(PermissionDenied):
            course_item_reports(world.db, viewer, "fractions")


def test_nobody_outside_the_learners_class_answers_a_report(world: World) -> None:
    made = _report(world)
    for viewer in (world.other_educator, world.learner, world.other_learner, world.outsider):
        with pytest.raises(NotFound):
            resolve_item_report(world.db, viewer, made, reply="done")
    with pytest.raises(NotFound):
        resolve_item_report(world.db, world.admin, made + 100, reply="")
    resolve_item_report(world.db, world.admin, made, reply="")  # an admin answers any
    assert not my_item_reports(world.db, world.learner)[0].open


def test_only_learners_report_and_only_on_their_course(world: World) -> None:
    for viewer in (world.educator, world.admin):
        with pytest.raises(PermissionDenied):
            _report(world, viewer)
    with pytest.raises(NotFound):
        report_item(world.db, world.learner, activity_key="no-such", item_key="pw-3",
                    kind="typo", comment="")  # fmt: skip
    assert _count(world) == 0


@pytest.mark.parametrize(
    ("item", "kind", "comment", "field"),
    [
        ("pw-3", "broken", "", "kind"),
        ("pw-3", "", "", "kind"),
        ("pw-3", "other", "   ", "comment"),  # "something else" says what
        ("pw-3", "typo", "x" * (MAX_REPORT_COMMENT + 1), "comment"),
        ("no-such-item", "typo", "", "item"),
    ],
)
def test_a_bad_report_names_its_field_and_keeps_nothing(
    world: World, item: str, kind: str, comment: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as bad:
        _report(world, item=item, kind=kind, comment=comment)
    assert bad.value.field == field
    assert _count(world) == 0


def test_a_too_long_answer_is_refused_and_the_report_stays_open(world: World) -> None:
    made = _report(world)
    with pytest.raises(InvalidInput) as bad:
        resolve_item_report(world.db, world.educator, made, reply="y" * (MAX_REPORT_REPLY + 1))
    assert bad.value.field == "reply"
    assert my_item_reports(world.db, world.learner)[0].open


def test_answered_reports_beyond_the_latest_are_left_off_the_lists(world: World) -> None:
    made = []
    for n in range(ANSWERED_SHOWN + 2):
        made.append(_report(world, minutes=n))
        resolve_item_report(world.db, world.educator, made[-1], reply="",
                            now=T0 + timedelta(minutes=n, seconds=30))  # fmt: skip
    listed = [r.id for r in class_item_reports(world.db, world.educator, world.class_id)]
    assert listed == made[::-1][:ANSWERED_SHOWN]


def test_the_report_is_the_learners_data_not_the_answerers(world: World) -> None:
    made = _report(world)
    resolve_item_report(world.db, world.educator, made, reply="Thanks, fixed.")
    exported = learner_export(world.db, world.learner, public_url=URL, now=T0)
    assert [(r["item_key"], r["reply"]) for r in exported["tables"]["item_reports"]] == [
        ("pw-3", "Thanks, fixed.")
    ]
    # deleting the educator who answered leaves the learner's report and its answer
    delete_account(world.db, world.admin, username="teacher", confirm="teacher", public_url=URL)
    assert my_item_reports(world.db, world.learner)[0].reply == "Thanks, fixed."
    erased = delete_account(world.db, world.admin, username="lea", confirm="lea", public_url=URL)
    assert erased.rows["item_reports"] == 1
    assert _count(world) == 0


def test_answered_from_a_class_page_it_must_be_that_classs_report(world: World) -> None:
    olga = _report(world, world.outsider)  # in the other class
    with pytest.raises(PermissionDenied):  # the other class is not theirs
        resolve_item_report(world.db, world.educator, olga, reply="", class_id=world.other_class_id)
    with pytest.raises(NotFound):  # an admin, but the report is not from this class
        resolve_item_report(world.db, world.admin, olga, reply="", class_id=world.class_id)
    resolve_item_report(
        world.db, world.other_educator, olga, reply="", class_id=world.other_class_id
    )
    assert not my_item_reports(world.db, world.outsider)[0].open


def test_reports_sent_at_once_leave_one_open_report(world: World) -> None:
    """Eight of the learner's reports on one item at the same moment (a double click, two tabs):
    one open report, saying what the last one said, and no error."""
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def send(n: int) -> None:
        start.wait()
        try:
            _report(world, kind="typo", comment=f"tab {n}")
        except BaseException as exc:  # the test reports any
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with world.db.reading() as s:
        rows = list(s.scalars(select(ItemReport)))
    assert len(rows) == 1
    assert rows[0].resolved_at is None
    with pytest.raises(IntegrityError), world.db.transaction() as s:  # the index itself
        s.add(ItemReport(user_id=world.learner.user_id, course_id=world.course_id,
                         activity_key="parts-practice", item_key="pw-3", kind="typo", comment="",
                         created_at=T0, reply=""))  # fmt: skip


def test_every_open_report_on_a_question_is_answered_at_once(world: World) -> None:
    lea = _report(world)
    omar = _report(world, world.other_learner, minutes=1, kind="answer-key", comment="me too")
    olga = _report(world, world.outsider, minutes=2)  # 8C's
    elsewhere = _report(world, item="pw-4", minutes=3)  # another question
    done = resolve_reports_on_item(world.db, world.educator, item_key="pw-3",
                                   reply=" The key is fixed. ", class_id=world.class_id)  # fmt: skip
    assert done == 2
    answered = {r.id: r for r in course_item_reports(world.db, world.admin, "fractions")}
    assert [answered[i].reply for i in (lea, omar)] == ["The key is fixed."] * 2
    assert answered[olga].open  # not this class's
    assert answered[elsewhere].open
    with world.db.reading() as s:
        subjects = sorted(s.scalars(select(AuditEvent.subject)
                                    .where(AuditEvent.action == "item_report.resolved")))  # fmt: skip
    assert subjects == ["lea", "omar"]  # one event a report, as if answered alone
    with pytest.raises(InvalidInput) as none_left:
        resolve_reports_on_item(world.db, world.educator, item_key="pw-3", reply="",
                                class_id=world.class_id)  # fmt: skip
    assert none_left.value.field == "item"
    with pytest.raises(PermissionDenied):  # not their class
        resolve_reports_on_item(world.db, world.other_educator, item_key="pw-4", reply="",
                                class_id=world.class_id)  # fmt: skip
    with pytest.raises(PermissionDenied):  # the course's list is an admin's
        resolve_reports_on_item(world.db, world.educator, item_key="pw-4", reply="",
                                course_slug="fractions")  # fmt: skip
    assert resolve_reports_on_item(world.db, world.admin, item_key="pw-3", reply="",
                                   course_slug="fractions") == 1  # Olga's  # fmt: skip
