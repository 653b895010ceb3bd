"""A class's records as tables to download: its mastery (a row per learner, a pair of columns per
objective), its items' statistics (a row per item, as the items page shows them) and every answer
its learners gave in its course (a row per answer).

Educators keep marks in spreadsheets, hand them to a school's office and look at them in tools of
their own; the pages and the JSON API show the same records, these tables put them where those
tools read them. The columns are stable names, not the reader's language, so a spreadsheet or a
script made for one export reads the next (docs/api.md lists them). Only the class's educators and
admins get them, as the class overview.

The answers are read in pages of ``ANSWER_PAGE`` rows inside one read transaction, so the whole
class's history (a year group of 200 with a year of answers holds hundreds of thousands) goes out
as it is read, from one consistent snapshot, never whole in Python's memory. PostgreSQL hands the
rows over from a server-side cursor (the server process stays flat); SQLite first sorts the
class's answers by time, in its own memory up to its cache setting and on disk past it
(BENCHMARKS.md, "A class's answers as a download").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from learnloop.config import PedagogySettings
from learnloop.content.markdown import plain_text
from learnloop.domain import Course, Role, Viewer
from learnloop.reports.class_views import class_overview
from learnloop.reports.item_analysis import WRONG_ANSWERS_SHOWN, item_analysis
from learnloop.reports.item_reports import open_reports_by_item
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Attempt, ClassMember, User

__all__ = [
    "ANSWER_COLUMNS",
    "ANSWER_PAGE",
    "Cell",
    "ExportTable",
    "class_answers_table",
    "class_items_table",
    "class_mastery_table",
]

Cell = str | int | float | bool | datetime | date | None

# Rows fetched from the database at a time while the answers stream out: large enough that the
# round trips cost little, small enough that memory stays flat whatever the class's size.
ANSWER_PAGE = 1000

ANSWER_COLUMNS = (
    "answered_at",  # UTC, ISO 8601
    "username",
    "display_name",
    "activity",
    "item",
    "objectives",  # the item's objectives' keys, space-separated
    "answer",  # what the learner answered, as they see it
    "correct",
    "counted",  # false when the worked solution had been shown: kept, but no evidence
    "misconceptions",  # keys the answer revealed, space-separated
    "source",  # app, or xapi for content outside learnloop that reported it
)


@dataclass(frozen=True)
class ExportTable:
    """A header and its rows; ``rows`` may be read once, as the table goes out."""

    name: str  # for the file: the class's name in ASCII, and what the table holds
    header: tuple[str, ...]
    rows: Iterator[tuple[Cell, ...]]


def _file_name(class_name: str, class_id: int, what: str) -> str:
    """``year-7-fractions-mastery``: the class's name in lower-case ASCII letters and digits,
    else its id."""
    ascii_name = unicodedata.normalize("NFKD", class_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"{slug or f'class-{class_id}'}-{what}"


def class_mastery_table(
    db: Database, viewer: Viewer, class_id: int, pedagogy: PedagogySettings
) -> ExportTable:
    """The class overview as a table: per learner their objectives mastered, their latest score
    (when the course has a score test), the objectives they are stuck on, then for each objective
    in prerequisite order its estimate (blank before any answer) and its state (mastered,
    in-progress, ready or locked)."""
    o = class_overview(db, viewer, class_id, pedagogy)
    keys = [key for key, _ in o.objectives]
    stuck: dict[int, list[str]] = {}
    for s in o.stuck:
        stuck.setdefault(s.learner_id, []).append(s.objective)
    header = (
        "username", "display_name", "mastered", "objectives", "stuck_on",
        "score", "score_low", "score_high", "score_date",
        *(column for key in keys for column in (key, f"{key}:state")),
    )  # fmt: skip

    def rows() -> Iterator[tuple[Cell, ...]]:
        for row in o.learners:
            score = row.score
            yield (
                row.username, row.display_name, row.mastered, len(keys),
                " ".join(sorted(stuck.get(row.id, ()), key=keys.index)),
                score.score if score else None, score.low if score else None,
                score.high if score else None, score.finished_at.date() if score else None,
                *(
                    value
                    for cell in row.cells
                    for value in (
                        None if cell.p_known is None else round(cell.p_known, 3), cell.state
                    )
                ),
            )  # fmt: skip

    return ExportTable(_file_name(o.name, class_id, "mastery"), header, rows())


def class_items_table(
    db: Database, viewer: Viewer, class_id: int, pedagogy: PedagogySettings
) -> ExportTable:
    """The items page as a table, a row per item of the course in its order (those nobody has
    answered yet too, with blanks): how many learners tried it, the share right at the first try,
    its discrimination, its flags, its most frequent wrong answers with their counts, and how many
    of the class's learners' reports on it wait for a look."""
    a = item_analysis(db, viewer, class_id, pedagogy)
    reported = open_reports_by_item(db, viewer, class_id)
    course = a.course
    rows_by_key = {r.key: r for r in a.items}
    header = (
        "item", "objectives", "prompt", "learners", "answers", "p_first", "discrimination",
        "flags",
        *(f"wrong_{n}{part}" for n in range(1, WRONG_ANSWERS_SHOWN + 1)
          for part in ("", "_answers", "_misconceptions")),
        "reports_open",
    )  # fmt: skip

    def rows() -> Iterator[tuple[Cell, ...]]:
        for key, item in course.items.items():
            r = rows_by_key[key]
            wrong: list[Cell] = []
            for w in r.wrong_answers:
                wrong += [w.text, w.answers, " ".join(w.tags)]
            wrong += [None] * (3 * WRONG_ANSWERS_SHOWN - len(wrong))
            yield (
                key, " ".join(item.objectives), plain_text(item.prompt), r.learners, r.answers,
                None if r.p_first is None else round(r.p_first, 3),
                None if r.discrimination is None else round(r.discrimination, 3),
                " ".join(code for code, _ in r.flags), *wrong, reported.get(key, 0),
            )  # fmt: skip

    return ExportTable(_file_name(a.class_name, class_id, "items"), header, rows())


def class_answers_table(db: Database, viewer: Viewer, class_id: int) -> ExportTable:
    """Every answer the class's learners gave in its course, oldest first. Who may read it is
    checked here, before anything is sent; the rows are read as they are sent."""
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
        name = _file_name(school_class.name, class_id, "answers")
        course_id = school_class.course_id
    return ExportTable(name, ANSWER_COLUMNS, _answer_rows(db, class_id, course_id, course))


def _answer_rows(
    db: Database, class_id: int, course_id: int, course: Course
) -> Iterator[tuple[Cell, ...]]:
    objectives = {key: " ".join(item.objectives) for key, item in course.items.items()}
    query = (
        select(
            Attempt.created_at, User.username, User.display_name, Attempt.activity_key,
            Attempt.item_key, Attempt.answer_text, Attempt.correct, Attempt.counted,
            Attempt.misconceptions, Attempt.statement_id,
        )
        .join(User, User.id == Attempt.user_id)
        .join(ClassMember, ClassMember.user_id == Attempt.user_id)
        .where(
            ClassMember.class_id == class_id,
            ClassMember.role == Role.LEARNER.value,
            Attempt.course_id == course_id,
        )
        .order_by(Attempt.created_at, Attempt.id)
        .execution_options(yield_per=ANSWER_PAGE)
    )  # fmt: skip
    with db.reading() as s:
        for row in s.execute(query):
            yield (
                row.created_at, row.username, row.display_name, row.activity_key, row.item_key,
                objectives.get(row.item_key, ""), row.answer_text, row.correct, row.counted,
                row.misconceptions, "app" if row.statement_id is None else "xapi",
            )  # fmt: skip
