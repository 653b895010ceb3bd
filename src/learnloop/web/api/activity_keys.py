"""An activity with its answer key, for a class's educators (the page
/teach/classes/{id}/activities/{key}'s twin): GET /classes/{id}/activities/{key}. The course's own
GET /courses/{slug} gives the items without answers, for anyone who follows the course."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from learnloop.domain import Item
from learnloop.reports.activity_preview import activity_preview
from learnloop.web.api.schemas import ChoiceOut
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["assignments"])


class ChoiceKeyOut(ChoiceOut):
    correct: bool
    feedback: str  # sanitized HTML
    misconception: str  # its key, or empty


class WrongAnswerOut(BaseModel):
    match: str  # a number (numeric items) or a regular expression (short text)
    feedback: str
    misconception: str


class ItemKeyOut(BaseModel):
    key: str
    kind: str
    prompt: str
    objectives: list[str]
    choices: list[ChoiceKeyOut]
    answer: float | None  # numeric
    tolerance: float
    unit: str
    accepted: list[str]  # short text
    patterns: list[str]
    case_sensitive: bool
    order: list[str]  # ordering: the steps in the right order
    pairs: list[tuple[str, str]]  # matching: each left with its right
    distractors: list[str]
    wrong_answers: list[WrongAnswerOut]
    hints: list[str]
    solution: str


class ActivityKeyOut(BaseModel):
    key: str
    title: str
    modality: str
    minutes: int
    objectives: list[str]
    body: str
    items: list[ItemKeyOut]
    learners: int  # of the class
    locked_for: list[str]  # display names of the class's learners it is still locked for


def _item(i: Item) -> ItemKeyOut:
    return ItemKeyOut(
        key=i.key, kind=i.kind.value, prompt=i.prompt, objectives=list(i.objectives),
        choices=[ChoiceKeyOut(key=c.key, text=c.text, correct=c.correct, feedback=c.feedback,
                              misconception=c.misconception) for c in i.choices],
        answer=i.answer, tolerance=i.tolerance, unit=i.unit, accepted=list(i.accepted),
        patterns=list(i.patterns), case_sensitive=i.case_sensitive, order=list(i.order),
        pairs=list(i.pairs), distractors=list(i.distractors),
        wrong_answers=[WrongAnswerOut(match=w.match, feedback=w.feedback,
                                      misconception=w.misconception) for w in i.wrong_answers],
        hints=list(i.hints), solution=i.solution,
    )  # fmt: skip


@router.get("/classes/{class_id}/activities/{key}", response_model=ActivityKeyOut)
def activity_key(
    class_id: int, key: str, platform: PlatformDep, viewer: ApiViewer
) -> ActivityKeyOut:
    """The activity with every item's answer key, and whom in the class it is still locked for."""
    p = activity_preview(platform.db, viewer, class_id, key)
    a = p.activity
    return ActivityKeyOut(
        key=a.key, title=a.title, modality=a.modality.value, minutes=a.minutes,
        objectives=list(a.objectives), body=a.body, items=[_item(i) for i in p.items],
        learners=p.learners, locked_for=list(p.locked_for),
    )  # fmt: skip
