"""A course to and from plain JSON-able data, so that storage can keep it in one row."""

from __future__ import annotations

import dataclasses
from typing import Any

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
from learnloop.domain.score_test import ScoreTestSpec
from learnloop.engine import BKTParams, MasteryCriterion

__all__ = ["course_from_dict", "course_to_dict"]

FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def course_to_dict(course: Course) -> dict[str, Any]:
    data: dict[str, Any] = _plain(course)
    if not data["media"]:  # a course without media keeps the content hash it had before them
        del data["media"]
    if data["score_test"] is None:  # nor does a course without a score test
        del data["score_test"]
    if not data["topics"]:  # nor without topics
        del data["topics"]
    for item in data["items"].values():
        if not item["xapi_activities"]:  # nor without outside questions
            del item["xapi_activities"]
    for activity in data["activities"].values():
        if not activity["topics"]:
            del activity["topics"]
        if not activity["xapi_activities"]:  # nor without outside content
            del activity["xapi_activities"]
    data["format"] = FORMAT_VERSION
    return data


def _objective(d: dict[str, Any]) -> Objective:
    return Objective(
        key=d["key"],
        title=d["title"],
        statement=d["statement"],
        prerequisites=tuple(d["prerequisites"]),
        mastery=MasteryCriterion(**d["mastery"]),
        bkt=BKTParams(**d["bkt"]),
    )


def _item(d: dict[str, Any]) -> Item:
    return Item(
        **{
            **d,
            "kind": ItemKind(d["kind"]),
            "objectives": tuple(d["objectives"]),
            "hints": tuple(d["hints"]),
            "choices": tuple(Choice(**c) for c in d["choices"]),
            "accepted": tuple(d["accepted"]),
            "patterns": tuple(d["patterns"]),
            "wrong_answers": tuple(WrongAnswer(**w) for w in d["wrong_answers"]),
            # the item kinds ordering and matching came later: older courses have none of these
            "order": tuple(d.get("order", ())),
            "pairs": tuple((left, right) for left, right in d.get("pairs", ())),
            "distractors": tuple(d.get("distractors", ())),
            "xapi_activities": tuple(d.get("xapi_activities", ())),  # outside questions too
        }
    )


def _activity(d: dict[str, Any]) -> Activity:
    return Activity(
        **{
            **d,
            "modality": Modality(d["modality"]),
            "objectives": tuple(d["objectives"]),
            "items": tuple(d["items"]),
            # rubrics came later: older courses have none
            "rubric": tuple(
                RubricCriterion(c["key"], c["title"], tuple(c["levels"]))
                for c in d.get("rubric", ())
            ),
            "topics": tuple(d.get("topics", ())),  # so did topics
            "xapi_activities": tuple(d.get("xapi_activities", ())),  # and outside content
        }
    )


def course_from_dict(data: dict[str, Any]) -> Course:
    if data.get("format") != FORMAT_VERSION:
        raise ValueError(f"stored course format {data.get('format')!r} is not {FORMAT_VERSION}")
    return Course(
        slug=data["slug"],
        title=data["title"],
        description=data["description"],
        objectives={k: _objective(v) for k, v in data["objectives"].items()},
        activities={k: _activity(v) for k, v in data["activities"].items()},
        items={k: _item(v) for k, v in data["items"].items()},
        extra=dict(data.get("extra", {})),
        model_kind=str(data.get("model_kind", "bkt")),  # courses stored before it was a choice
        language=str(data.get("language", "en")),  # courses stored before it was said
        misconceptions={  # none in courses stored before misconceptions existed
            k: Misconception(**v) for k, v in data.get("misconceptions", {}).items()
        },
        media={k: MediaFile(**v) for k, v in data.get("media", {}).items()},  # none before media
        score_test=_score_test(data.get("score_test")),  # none before score tests
        topics={  # none before topics
            k: Topic(v["key"], v["title"], tuple(v["words"]))
            for k, v in data.get("topics", {}).items()
        },
    )


def _score_test(d: dict[str, Any] | None) -> ScoreTestSpec | None:
    if d is None:
        return None
    return ScoreTestSpec(**{**d, "objectives": tuple(d["objectives"])})
