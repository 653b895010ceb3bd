"""A class's tables to download: the mastery table agrees with the class overview, the items table
with the items page, the answers
table holds every answer of the class's learners in its course and nobody else's, oldest first,
read in pages; who may have them is checked before anything is read. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learnloop.config import PedagogySettings
from learnloop.exceptions import NotFound, PermissionDenied
from learnloop.reports import class_exports
from learnloop.reports.class_exports import (
    ANSWER_COLUMNS,
    class_answers_table,
    class_items_table,
    class_mastery_table,
)
from learnloop.reports.class_views import class_overview
from learnloop.reports.item_analysis import item_analysis
from learnloop.services.classes import leave_class
from learnloop.services.item_reports import report_item, resolve_item_report
from learnloop.services.learning import record_attempt
from tests.conftest import World

STRICT = PedagogySettings(stuck_min_attempts=3)


def _answer(w: World, who: str, activity: str, item: str, response: str | list[str]) -> None:
    viewer = getattr(w, who)
    record_attempt(w.db, viewer, activity_key=activity, item_key=item, response=response)


def test_the_mastery_table_is_the_class_overview_row_by_row(world: World) -> None:
    w = world
    for item, response in [("pw-3", "b"), ("pw-5", "b"), ("pw-7", ["a"])]:  # three misses
        _answer(w, "learner", "parts-practice", item, response)
    _answer(w, "other_learner", "parts-read", "pw-1", "a")
    _answer(w, "outsider", "parts-read", "pw-1", "a")  # another class: not in this table

    table = class_mastery_table(w.db, w.educator, w.class_id, STRICT)
    overview = class_overview(w.db, w.educator, w.class_id, STRICT)
    keys = list(w.course.graph.topological_order)
    assert table.name == "7b-mastery"
    assert table.header[:9] == (
        "username", "display_name", "mastered", "objectives", "stuck_on",
        "score", "score_low", "score_high", "score_date",
    )  # fmt: skip
    assert table.header[9:11] == (keys[0], f"{keys[0]}:state")
    assert len(table.header) == 9 + 2 * len(keys)
    rows = {row[0]: row for row in table.rows}
    assert set(rows) == {"lea", "omar"}
    lea = rows["lea"]
    assert lea[1:5] == ("Lea", 0, len(keys), "parts-of-a-whole")
    assert lea[5:9] == (None, None, None, None)  # the demo course's score test: none taken
    (lea_row,) = [r for r in overview.learners if r.username == "lea"]
    first = lea_row.cells[0]
    assert first.p_known is not None
    assert lea[9:11] == (round(first.p_known, 3), "in-progress")
    assert lea[11:13] == (None, "locked")  # nothing answered: blank, and what stops it
    omar = rows["omar"]
    assert omar[4] == ""  # stuck on nothing
    assert omar[10] == "in-progress"
    assert omar[9] is not None
    assert omar[9] > lea[9]


def test_the_answers_table_holds_the_class_learners_answers_oldest_first(world: World) -> None:
    w = world
    _answer(w, "learner", "parts-read", "pw-1", "b")  # wrong, with its misconception
    _answer(w, "other_learner", "parts-practice", "pw-4", "-3")
    _answer(w, "learner", "parts-read", "pw-1", "a")
    _answer(w, "outsider", "parts-read", "pw-1", "a")  # another class's learner

    table = class_answers_table(w.db, w.educator, w.class_id)
    assert table.name == "7b-answers"
    assert table.header == ANSWER_COLUMNS
    rows = [dict(zip(table.header, row, strict=True)) for row in table.rows]
    assert [(r["username"], r["item"], r["correct"]) for r in rows] == [
        ("lea", "pw-1", False),
        ("omar", "pw-4", False),
        ("lea", "pw-1", True),
    ]
    first = rows[0]
    assert first["display_name"] == "Lea"
    assert first["activity"] == "parts-read"
    assert first["objectives"] == "parts-of-a-whole"
    assert first["misconceptions"] == "top-bottom-roles"
    assert first["counted"] is True
    assert first["source"] == "app"
    assert rows[1]["answer"] == "-3"
    times = [r["answered_at"] for r in rows]
    assert times == sorted(times)
    assert all(isinstance(t, datetime) and t.tzinfo == UTC for t in times)


def test_answers_are_read_in_pages_without_losing_or_repeating_any(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    items = ["pw-3", "pw-5", "pw-4", "pw-6", "pw-7"]
    for n, item in enumerate(items):
        who = "learner" if n % 2 == 0 else "other_learner"
        response: str | list[str] = ["a"] if item == "pw-7" else ("a" if item != "pw-4" else "2")
        _answer(w, who, "parts-practice", item, response)
    monkeypatch.setattr(class_exports, "ANSWER_PAGE", 2)
    rows = list(class_answers_table(w.db, w.educator, w.class_id).rows)
    assert [row[4] for row in rows] == items


def test_the_admin_has_the_tables_and_nobody_else_but_the_class_educator(world: World) -> None:
    w = world
    _answer(w, "learner", "parts-read", "pw-1", "a")
    assert [r[1] for r in class_answers_table(w.db, w.admin, w.class_id).rows] == ["lea"]
    assert len(list(class_mastery_table(w.db, w.admin, w.class_id, STRICT).rows)) == 2
    for viewer in (w.learner, w.other_educator, w.outsider):
        with pytest.raises(PermissionDenied):
            class_answers_table(w.db, viewer, w.class_id)  # refused before a row is read
        with pytest.raises(PermissionDenied):
            class_mastery_table(w.db, viewer, w.class_id, STRICT)
        with pytest.raises(PermissionDenied):
            class_items_table(w.db, viewer, w.class_id, STRICT)
    with pytest.raises(NotFound):
        class_answers_table(w.db, w.educator, 999_999)


def test_a_learner_who_left_takes_their_answers_out_of_the_class_tables(world: World) -> None:
    w = world
    _answer(w, "learner", "parts-read", "pw-1", "a")
    _answer(w, "other_learner", "parts-read", "pw-1", "a")
    leave_class(w.db, w.other_learner, class_id=w.class_id)
    assert [r[1] for r in class_answers_table(w.db, w.educator, w.class_id).rows] == ["lea"]
    assert [r[0] for r in class_mastery_table(w.db, w.educator, w.class_id, STRICT).rows] == ["lea"]


def test_the_items_table_is_the_items_page_a_row_per_item_of_the_course(world: World) -> None:
    w = world
    _answer(w, "learner", "parts-practice", "pw-4", "7/12")
    _answer(w, "learner", "parts-practice", "pw-4", "5/12")  # a second try: counted, not first
    _answer(w, "other_learner", "parts-practice", "pw-4", "7/12")
    _answer(w, "other_learner", "parts-practice", "pw-3", "a")
    _answer(w, "outsider", "parts-practice", "pw-4", "5/7")  # another class: not here

    table = class_items_table(w.db, w.educator, w.class_id, STRICT)
    assert table.name == "7b-items"
    assert table.header == (
        "item", "objectives", "prompt", "learners", "answers", "p_first", "discrimination",
        "flags", "wrong_1", "wrong_1_answers", "wrong_1_misconceptions", "wrong_2",
        "wrong_2_answers", "wrong_2_misconceptions", "wrong_3", "wrong_3_answers",
        "wrong_3_misconceptions", "reports_open",
    )  # fmt: skip
    rows = {row[0]: row for row in table.rows}
    assert list(rows) == list(w.course.items)  # every item, in the course's order
    pw4 = rows["pw-4"]
    assert pw4[1] == "parts-of-a-whole"
    assert str(pw4[2]).startswith("A class has 12 pupils and 5 of them walk to school.")
    assert "<" not in str(pw4[2])  # the prompt's words, not its HTML
    assert pw4[3:6] == (2, 3, 0.0)  # two learners, three answers, nobody right at first
    assert pw4[8:11] == ("7/12", 2, "")
    assert pw4[11:17] == (None,) * 6  # no second or third wrong answer
    assert pw4[17] == 0  # nobody reported it
    page = {r.key: r for r in item_analysis(w.db, w.educator, w.class_id, STRICT).items}
    for key, row in rows.items():
        assert row[3:6] == (page[key].learners, page[key].answers, page[key].p_first)
        assert row[7] == " ".join(code for code, _ in page[key].flags)
    assert rows["pw-3"][5] == 1.0
    assert rows["pw-5"][3:8] == (0, 0, None, None, "")  # nobody tried it: blanks


def test_the_items_table_counts_the_reports_that_wait(world: World) -> None:
    w = world
    for viewer in (w.learner, w.other_learner, w.outsider):  # the outsider is in 8C
        report_item(w.db, viewer, activity_key="parts-practice", item_key="pw-4", kind="unclear",
                    comment="which walk?")  # fmt: skip
    answered = report_item(w.db, w.learner, activity_key="parts-practice", item_key="pw-3",
                           kind="typo", comment="")  # fmt: skip
    resolve_item_report(w.db, w.educator, answered, reply="")
    rows = {row[0]: row for row in class_items_table(w.db, w.educator, w.class_id, STRICT).rows}
    assert (rows["pw-4"][-1], rows["pw-3"][-1], rows["pw-5"][-1]) == (2, 0, 0)
