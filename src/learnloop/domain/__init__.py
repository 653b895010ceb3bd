"""The platform's entities as plain, immutable dataclasses; no I/O."""

from learnloop.domain.course import (
    Activity,
    Choice,
    Course,
    Item,
    ItemKind,
    MediaFile,
    Misconception,
    Modality,
    Objective,
    RubricCriterion,
    Topic,
    WrongAnswer,
)
from learnloop.domain.grading import AnswerFeedback, Grade, grade, stage_feedback
from learnloop.domain.people import Role, Viewer

__all__ = [
    "Activity",
    "AnswerFeedback",
    "Choice",
    "Course",
    "Grade",
    "Item",
    "ItemKind",
    "MediaFile",
    "Misconception",
    "Modality",
    "Objective",
    "Role",
    "RubricCriterion",
    "Topic",
    "Viewer",
    "WrongAnswer",
    "grade",
    "stage_feedback",
]
