"""Items and misconceptions for one class: which items work, which wrong answers recur, who
shows which mistaken idea. Read-only; three queries whatever the size of the class.

First tries only for the rates (later tries follow hints and feedback); every answer for the
wrong-answer counts and the misconceptions, as each wrong answer is evidence of how someone
thinks. Thresholds are the pedagogy settings ``item_*`` and ``misconception_min_answers``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from learnloop.config import PedagogySettings
from learnloop.domain import Course, Role, Viewer
from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.engine.grouping import first_try_statistics
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Attempt, ClassMember, User

__all__ = [
    "ItemAnalysis",
    "ItemRow",
    "LearnerShowing",
    "MisconceptionRow",
    "WrongAnswerRow",
    "item_analysis",
    "learners_query",
    "misconception_rows",
]

WRONG_ANSWERS_SHOWN = 3  # the most frequent wrong answers listed per item: the ones worth a tag
# A correlation this close to zero is noise at a class's size: "poor", not a suspected wrong key.
NEGATIVE_BELOW = -0.05


@dataclass(frozen=True)
class WrongAnswerRow:
    text: str
    answers: int
    learners: int
    misconceptions: tuple[str, ...]  # titles
    tags: tuple[str, ...] = ()  # the same misconceptions' keys


@dataclass(frozen=True)
class ItemRow:
    key: str
    prompt: str  # HTML, sanitized when the course was loaded
    objectives: tuple[str, ...]  # titles
    learners: int  # of the class, with a first try
    answers: int
    p_first: float | None  # share right at the first try; None: nobody tried
    discrimination: float | None  # item-rest correlation; None: too few learners or no spread
    flags: tuple[tuple[str, str], ...]  # (code, sentence): hard, easy, poor, negative
    wrong_answers: tuple[WrongAnswerRow, ...]


@dataclass(frozen=True)
class LearnerShowing:
    learner_id: int
    display_name: str
    answers: int
    last_at: datetime


@dataclass(frozen=True)
class MisconceptionRow:
    key: str
    title: str
    description: str
    learners: tuple[LearnerShowing, ...]  # those who show it (enough answers), most answers first
    answers: int  # answers of the class that revealed it
    items: tuple[str, ...]  # item keys where it showed


@dataclass(frozen=True)
class ItemAnalysis:
    class_id: int
    class_name: str
    course: Course
    learners: int
    items: tuple[ItemRow, ...]  # items with flags first, then by first-try rate, lowest first
    misconceptions: tuple[MisconceptionRow, ...]
    min_learners: int
    min_answers: int
    discrimination_min: float
    discrimination_min_learners: int

    def activity_of(self, item_key: str) -> str | None:
        """The key of the first activity that asks the item, where its answer key is shown."""
        return next((a.key for a in self.course.activities.values() if item_key in a.items), None)

    @property
    def tried(self) -> tuple[ItemRow, ...]:
        """The items someone in the class has answered, in the order of ``items``."""
        return tuple(r for r in self.items if r.learners)

    @property
    def untried(self) -> dict[str, tuple[str, ...]]:
        """Item keys nobody in the class has answered yet, by objective title (an item of several
        objectives under its first), in the course's order."""
        tried = {r.key for r in self.items if r.learners}
        by_objective: dict[str, list[str]] = {}
        for key, item in self.course.items.items():
            if key not in tried:
                title = self.course.objectives[item.objectives[0]].title
                by_objective.setdefault(title, []).append(key)
        return {title: tuple(keys) for title, keys in by_objective.items()}


def learners_query(class_id: int) -> Select[int, str]:
    """The class's learners (id, display name), by name."""
    return (
        select(User.id, User.display_name)
        .join(ClassMember, ClassMember.user_id == User.id)
        .where(ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value)
        .order_by(User.display_name)
    )


def _flags(
    p: float | None, d: float | None, n: int, pedagogy: PedagogySettings, words: Wording
) -> tuple[tuple[str, str], ...]:
    if p is None or n < pedagogy.item_min_learners:
        return ()
    out: list[tuple[str, str]] = []
    if p < pedagogy.item_hard_below:
        out.append(("hard", words(
            "only %(percent)s right at the first try: does an activity teach it?",
            percent=words.percent(p))))  # fmt: skip
    elif p > pedagogy.item_easy_above:
        out.append(("easy", words(
            "%(percent)s right at the first try: it tells you little", percent=words.percent(p))))  # fmt: skip
    if d is not None and d < NEGATIVE_BELOW:
        out.append(
            ("negative", words(
                "discrimination %(d)s: learners who do well elsewhere miss it more often; check "
                "the key and the wording", d=format(d, "+.2f")))
        )  # fmt: skip
    elif d is not None and d < pedagogy.item_discrimination_min:
        out.append(
            ("poor", words(
                "discrimination %(d)s: it hardly separates those who know the objective from "
                "those who do not", d=format(d, "+.2f")))
        )  # fmt: skip
    return tuple(out)


def misconception_rows(
    course: Course,
    names: dict[int, str],
    tagged: Iterable[tuple[int, str, str, datetime]],
    pedagogy: PedagogySettings,
) -> tuple[MisconceptionRow, ...]:
    """Per misconception of the course, who shows it: ``tagged`` holds (learner, item, the
    answer's space-separated tags, when) for the class's answers that revealed any."""
    shown: dict[str, dict[int, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    shown_items: dict[str, set[str]] = defaultdict(set)
    for user_id, item_key, tags, at in tagged:
        if item_key not in course.items:  # an item the course no longer has
            continue
        for tag in tags.split():
            shown[tag][user_id].append(at)
            shown_items[tag].add(item_key)
    out = []
    for tag, m in course.misconceptions.items():
        by_learner = shown.get(tag, {})
        showing = sorted(
            (
                LearnerShowing(u, names[u], len(times), max(times))
                for u, times in by_learner.items()
                if len(times) >= pedagogy.misconception_min_answers
            ),
            key=lambda x: (-x.answers, x.display_name),
        )
        out.append(
            MisconceptionRow(
                key=tag,
                title=m.title,
                description=m.description,
                learners=tuple(showing),
                answers=sum(len(t) for t in by_learner.values()),
                items=tuple(sorted(shown_items.get(tag, set()))),
            )
        )
    out.sort(key=lambda r: (-len(r.learners), -r.answers, r.title))
    return tuple(out)


def item_analysis(
    db: Database,
    viewer: Viewer,
    class_id: int,
    pedagogy: PedagogySettings,
    *,
    words: Wording = IN_ENGLISH,
) -> ItemAnalysis:
    """Per item and misconception of the class's course; flags written with ``words``."""
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
        learners = list(s.execute(learners_query(class_id)))
        names = {int(i): str(n) for i, n in learners}
        attempts = list(
            s.execute(
                select(
                    Attempt.user_id, Attempt.item_key, Attempt.correct, Attempt.answer_text,
                    Attempt.misconceptions, Attempt.created_at,
                )
                .where(Attempt.user_id.in_(list(names)), Attempt.course_id == school_class.course_id)
                .order_by(Attempt.id)
            )
        )  # fmt: skip
    keys = list(course.items)
    index = {k: i for i, k in enumerate(keys)}
    first_try: dict[tuple[int, int], bool] = {}
    answers: Counter[str] = Counter()
    wrong: dict[str, Counter[str]] = defaultdict(Counter)
    wrong_learners: dict[tuple[str, str], set[int]] = defaultdict(set)
    wrong_tags: dict[tuple[str, str], set[str]] = defaultdict(set)
    for user_id, item_key, correct, text, tags, _at in attempts:
        i = index.get(item_key)
        if i is None:  # an item the course no longer has
            continue
        first_try.setdefault((user_id, i), bool(correct))
        answers[item_key] += 1
        if not correct:
            wrong[item_key][text] += 1
            wrong_learners[(item_key, text)].add(user_id)
        wrong_tags[(item_key, text)].update(tags.split())
    stats = first_try_statistics(first_try, len(keys), pedagogy.item_discrimination_min_learners)

    def title(tag: str) -> str:
        m = course.misconceptions.get(tag)
        return m.title if m else tag

    rows = []
    for key in keys:
        i = index[key]
        n = int(stats.learners[i])
        p = None if n == 0 else float(stats.p_first[i])
        d_raw = float(stats.discrimination[i])
        d = None if math.isnan(d_raw) else d_raw
        item = course.items[key]
        rows.append(
            ItemRow(
                key=key,
                prompt=item.prompt,
                objectives=tuple(course.objectives[o].title for o in item.objectives),
                learners=n,
                answers=answers[key],
                p_first=p,
                discrimination=d,
                flags=_flags(p, d, n, pedagogy, words),
                wrong_answers=tuple(
                    WrongAnswerRow(
                        text, count, len(wrong_learners[(key, text)]),
                        tuple(title(t) for t in sorted(wrong_tags[(key, text)])),
                        tuple(sorted(wrong_tags[(key, text)])),
                    )
                    for text, count in wrong[key].most_common(WRONG_ANSWERS_SHOWN)
                ),
            )
        )  # fmt: skip
    rows.sort(key=lambda r: (not r.flags, r.p_first if r.p_first is not None else 2.0, r.key))
    tagged = ((u, item, tags, at) for u, item, _, _, tags, at in attempts if tags)
    misconceptions = misconception_rows(course, names, tagged, pedagogy)
    return ItemAnalysis(
        class_id=class_id,
        class_name=school_class.name,
        course=course,
        learners=len(names),
        items=tuple(rows),
        misconceptions=misconceptions,
        min_learners=pedagogy.item_min_learners,
        min_answers=pedagogy.misconception_min_answers,
        discrimination_min=pedagogy.item_discrimination_min,
        discrimination_min_learners=pedagogy.item_discrimination_min_learners,
    )
