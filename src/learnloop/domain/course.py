"""A course: objectives (a prerequisite graph), activities that teach them, items that test them.

Text fields marked *HTML* hold authored Markdown already rendered and sanitized by the content
loader; everything else is plain text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from learnloop.engine import BKTParams, MasteryCriterion, SkillGraph

if TYPE_CHECKING:
    from learnloop.domain.score_test import ScoreTestSpec

__all__ = [
    "WORK_MODALITIES",
    "Activity",
    "Choice",
    "Course",
    "Item",
    "ItemKind",
    "MediaFile",
    "Misconception",
    "Modality",
    "Objective",
    "RubricCriterion",
    "Topic",
    "WrongAnswer",
]


class Modality(StrEnum):
    READING = "reading"
    VIDEO = "video"
    INTERACTIVE = "interactive"
    HANDS_ON = "hands-on"
    PROJECT = "project"


class ItemKind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMERIC = "numeric"
    SHORT_TEXT = "short_text"
    ORDERING = "ordering"
    MATCHING = "matching"


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    text: str  # HTML
    correct: bool
    feedback: str  # HTML: why this choice is right or wrong
    misconception: str = ""  # the key of the misconception this choice reveals, if any


@dataclass(frozen=True, slots=True)
class WrongAnswer:
    """An anticipated wrong answer to a numeric or short-text item, with feedback for it."""

    match: str  # a number (numeric items) or a regular expression (short-text items)
    feedback: str  # HTML
    misconception: str = ""  # the key of the misconception this answer reveals, if any


@dataclass(frozen=True, slots=True)
class Misconception:
    """A mistaken idea that some wrong answers reveal (course.yaml, misconceptions), so that an
    educator sees who holds it rather than only who got an item wrong."""

    key: str
    title: str  # plain text: the mistaken idea in a few words
    description: str = ""  # plain text: how it shows and what helps


@dataclass(frozen=True, slots=True)
class Topic:
    """What some activities are about (course.yaml, topics): cooking, sport, music. A learner whose
    interests name the topic, or one of its words, is offered those activities first among
    equals (domain.interests)."""

    key: str
    title: str  # plain text, as a learner reads it ("Cooking")
    words: tuple[str, ...] = ()  # lower case: other words for it a learner may write ("baking")


def _fixed_shuffle(seed: str, entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    ranked = sorted(entries, key=lambda e: hashlib.sha256(f"{seed}/{e[0]}".encode()).digest())
    if len(ranked) > 1 and ranked == entries:  # never shown in the answer's own order
        ranked = ranked[1:] + ranked[:1]
    return ranked


@dataclass(frozen=True)
class Item:
    key: str
    kind: ItemKind
    prompt: str  # HTML
    objectives: tuple[str, ...]
    hints: tuple[str, ...] = ()  # HTML each, shown one per miss
    solution: str = ""  # HTML: the worked solution, shown after the second miss
    choices: tuple[Choice, ...] = ()
    answer: float | None = None  # numeric
    tolerance: float = 0.0  # numeric: absolute
    unit: str = ""  # numeric: shown beside the input
    accepted: tuple[str, ...] = ()  # short text: exact answers (after trimming; case per flag)
    patterns: tuple[str, ...] = ()  # short text: regular expressions matching a correct answer
    case_sensitive: bool = False
    wrong_answers: tuple[WrongAnswer, ...] = ()
    order: tuple[str, ...] = ()  # ordering: HTML each, in the right order (keys a, b, c, ...)
    pairs: tuple[tuple[str, str], ...] = ()  # matching: (left, its right), HTML each
    distractors: tuple[str, ...] = ()  # matching: right-hand options that match nothing, HTML
    source: str = ""  # file:line where the item was written
    # xAPI activity ids of outside questions whose answers count as this item's
    xapi_activities: tuple[str, ...] = ()

    def shown_order(self) -> list[tuple[str, str]]:
        """An ordering item's steps as (key, text) in the order they are shown: a fixed shuffle
        of the item (the same for everyone, never the right order for two or more steps)."""
        return _fixed_shuffle(self.key, [(chr(97 + i), t) for i, t in enumerate(self.order)])

    def match_options(self) -> list[tuple[str, str]]:
        """A matching item's right-hand options as (key, text), shuffled as shown: the pairs'
        right sides are keys a, b, ... in pair order, then the distractors."""
        rights = [r for _, r in self.pairs] + list(self.distractors)
        return _fixed_shuffle(self.key, [(chr(97 + i), t) for i, t in enumerate(rights)])


# Activities whose outcome is work a learner hands in for an educator to read (product.md,
# Collaboration: "rubric feedback on project work"), rather than answers the platform grades.
WORK_MODALITIES = frozenset({Modality.PROJECT, Modality.HANDS_ON})


@dataclass(frozen=True)
class RubricCriterion:
    """One row of a rubric: what is judged, and its levels from lowest to highest (plain text)."""

    key: str
    title: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Activity:
    key: str
    title: str
    modality: Modality
    minutes: int
    objectives: tuple[str, ...]
    body: str  # HTML
    items: tuple[str, ...] = ()
    source: str = ""
    rubric: tuple[RubricCriterion, ...] = ()  # only on project and hands-on activities
    topics: tuple[str, ...] = ()  # keys of the course's topics it is about
    # xAPI activity ids of outside content whose statements count as this activity's
    xapi_activities: tuple[str, ...] = ()

    @property
    def takes_work(self) -> bool:
        """Whether learners hand in work here for an educator's feedback."""
        return self.modality in WORK_MODALITIES


@dataclass(frozen=True)
class Objective:
    key: str
    title: str
    statement: str  # plain text: what mastery means, in the learner's words
    prerequisites: tuple[str, ...]
    mastery: MasteryCriterion
    bkt: BKTParams


@dataclass(frozen=True, slots=True)
class MediaFile:
    """An image, sound or video of the course's ``media/`` folder, shown by its text as
    ``media/<path>``; the bytes are stored apart (storage: course_media), named by their SHA-256."""

    path: str  # inside media/, with / between folders
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    description: str  # HTML
    objectives: dict[str, Objective]
    activities: dict[str, Activity]
    items: dict[str, Item]
    extra: dict[str, Any] = field(default_factory=dict)
    # the learner model the course chose (course.yaml, model.kind): bkt, pfa or best-lr; the
    # objectives' BKT parameters are its starting point until it is fitted on the course's data
    model_kind: str = "bkt"
    # mistaken ideas that tagged wrong answers reveal (course.yaml, misconceptions)
    misconceptions: dict[str, Misconception] = field(default_factory=dict)
    # the language the course is written in (course.yaml, language; a BCP 47 tag such as en or
    # fr-CA): its text is marked with it, so that a screen reader reads an English course on a
    # French page in English (WCAG 2.1, 3.1.2 Language of Parts)
    language: str = "en"
    # the files of its media/ folder, by path (their bytes are stored apart)
    media: dict[str, MediaFile] = field(default_factory=dict)
    # the score test the course offers (course.yaml, score_test), if it wants a score
    score_test: ScoreTestSpec | None = None
    # what its activities are about, matched against learners' interests (course.yaml, topics)
    topics: dict[str, Topic] = field(default_factory=dict)

    @cached_property
    def graph(self) -> SkillGraph:
        return SkillGraph({k: o.prerequisites for k, o in self.objectives.items()})

    def activities_for(self, objective: str) -> list[Activity]:
        return [a for a in self.activities.values() if objective in a.objectives]
