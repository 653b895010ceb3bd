"""A course's items as a Moodle GIFT file (product.md, Content: "Export of courses in the same
formats where they fit"), for a Moodle question bank; content.gift reads it back.

Single choice (``=`` and ``~``, with each choice's feedback after ``#``), multiple choice (``%w%``
weights: each right choice an equal share of 100, each wrong one -100), numeric (``#answer:
tolerance``), short text (its accepted answers) and matching (``=left -> right``, a distractor as
Moodle's extra wrong answer ``= -> text``) go over; the prompt and choices as HTML (``[html]``),
the item key as the question's title. GIFT has no ordering questions and no patterns for short
text, so those items or parts are left out and listed, as are hints, worked solutions,
anticipated wrong answers and misconception tags, which GIFT cannot hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from learnloop.domain import Course, Item, ItemKind

__all__ = ["GiftExport", "export_gift"]


@dataclass(frozen=True)
class GiftExport:
    items: int
    left_out: list[str]


def _esc(text: str) -> str:
    out = " ".join(text.split()).replace("\\", "\\\\")
    for ch in "~=#{}:":
        out = out.replace(ch, "\\" + ch)
    return out


def _weight(share: float) -> str:
    return f"{share:.5f}".rstrip("0").rstrip(".")


def _answers(item: Item, left_out: list[str]) -> str | None:
    kind = item.kind
    if kind in (ItemKind.SINGLE_CHOICE, ItemKind.MULTIPLE_CHOICE):
        right = [c for c in item.choices if c.correct]
        several = kind is ItemKind.MULTIPLE_CHOICE
        if several and len(right) == 1:
            left_out.append(f"item {item.key}: one right choice: GIFT makes it single choice")
        parts = []
        for c in item.choices:
            feedback = f"#{_esc(c.feedback)}" if c.feedback else ""
            if several and len(right) > 1:
                weight = _weight(100 / len(right)) if c.correct else "-100"
                parts.append(f"~%{weight}%{_esc(c.text)}{feedback}")
            else:
                parts.append(f"{'=' if c.correct else '~'}{_esc(c.text)}{feedback}")
        return " ".join(parts)
    if kind is ItemKind.NUMERIC:
        if item.unit:
            left_out.append(f"item {item.key}: its unit {item.unit!r}")
        return f"#{item.answer!r}:{item.tolerance!r}"
    if kind is ItemKind.SHORT_TEXT:
        if not item.accepted:
            left_out.append(f"item {item.key}: not exported: only patterns grade it")
            return None
        if item.patterns:
            left_out.append(f"item {item.key}: its patterns")
        return " ".join(f"={_esc(a)}" for a in item.accepted)
    if kind is ItemKind.MATCHING:
        # a distractor is Moodle's extra wrong answer: an empty left side
        return " ".join(
            [f"={_esc(a)} -> {_esc(b)}" for a, b in item.pairs]
            + [f"= -> {_esc(d)}" for d in item.distractors]
        )
    left_out.append(f"item {item.key}: not exported: GIFT has no ordering questions")
    return None


def export_gift(course: Course, out: Path, *, objective: str = "") -> GiftExport:
    """Write ``course``'s items (only those of ``objective`` when given) to the GIFT file ``out``."""
    left_out: list[str] = []
    blocks = [f"// {course.title}: items exported by learnloop export-gift"]
    for item in course.items.values():
        if objective and objective not in item.objectives:
            continue
        answers = _answers(item, left_out)
        if answers is None:
            continue
        blocks.append(f"::{_esc(item.key)}:: [html]{_esc(item.prompt)} {{{answers}}}")
        extra = [what for what, present in (
            ("its hints", bool(item.hints)), ("its worked solution", bool(item.solution)),
            ("its anticipated wrong answers", bool(item.wrong_answers)),
            ("its misconception tags", any(c.misconception for c in item.choices)),
        ) if present]  # fmt: skip
        if extra:
            left_out.append(f"item {item.key}: {', '.join(extra)}")
    out.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return GiftExport(len(blocks) - 1, left_out)
