"""Grading an answer, and what feedback the learner sees after it.

Feedback is staged (product.md, "never a dead end"): a wrong answer first gets the feedback
written for that very answer plus the first hint; from the second miss on, the remaining hints and
the worked solution. A correct answer gets the feedback written for it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from learnloop.domain.course import Item, ItemKind, WrongAnswer
from learnloop.exceptions import InvalidInput

__all__ = ["AnswerFeedback", "Grade", "grade", "parse_number", "stage_feedback"]

# Misses on one item after which the worked solution is shown (product.md: "then a worked step").
SOLUTION_AFTER_MISSES = 2

_NUMBER = re.compile(r"^\s*([-+]?\d+)\s+(\d+)\s*/\s*(\d+)\s*$")  # a mixed number: 1 3/4


@dataclass(frozen=True, slots=True)
class Grade:
    correct: bool
    feedback: tuple[str, ...]  # HTML snippets written for this particular answer
    answer_text: str  # the response as the learner gave it, normalized for display
    # keys of the misconceptions the answer reveals (tagged choices or wrong answers it matched)
    misconceptions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerFeedback:
    correct: bool
    messages: tuple[str, ...]  # HTML: the answer-specific feedback
    hints: tuple[str, ...]  # HTML: hints shown now
    solution: str  # HTML, or "" while it is not shown yet
    misses: int  # misses on this item so far, this one included


def parse_number(text: str) -> float:
    """A decimal, a fraction (3/4), a mixed number (1 3/4) or a percentage (75%); else ValueError."""
    s = text.strip().replace(",", ".")
    if not s:
        raise ValueError("empty")
    mixed = _NUMBER.match(s)
    if mixed:
        whole, num, den = (int(g) for g in mixed.groups())
        sign = -1 if whole < 0 else 1
        return float(whole + sign * Fraction(num, den))
    if s.endswith("%"):
        return float(Fraction(s[:-1].strip())) / 100.0
    value = float(Fraction(s.replace(" ", "")))
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


def _grade_choices(item: Item, response: list[str]) -> Grade:
    keys = {c.key for c in item.choices}
    chosen = [r for r in response if r]
    unknown = [r for r in chosen if r not in keys]
    if unknown:
        raise InvalidInput(
            "response", "item %(key)s has no choice %(value)s", key=item.key, value=repr(unknown[0])
        )
    if not chosen:
        raise InvalidInput("response", "choose an answer first")
    if item.kind is ItemKind.SINGLE_CHOICE and len(chosen) != 1:
        raise InvalidInput("response", "choose exactly one answer")
    picked = set(chosen)
    correct = picked == {c.key for c in item.choices if c.correct}
    feedback = tuple(c.feedback for c in item.choices if c.key in picked and c.feedback)
    if not correct and item.kind is ItemKind.MULTIPLE_CHOICE:
        missed = [c for c in item.choices if c.correct and c.key not in picked]
        if missed:
            feedback += (f"{len(missed)} correct choice(s) not selected yet.",)
    text = ", ".join(c.text for c in item.choices if c.key in picked)
    revealed = tuple(
        dict.fromkeys(c.misconception for c in item.choices if c.key in picked and c.misconception)
    )
    return Grade(correct, feedback, text, revealed)


def _tags(wrong: WrongAnswer) -> tuple[str, ...]:
    return (wrong.misconception,) if wrong.misconception else ()


def _grade_ordering(item: Item, response: list[str]) -> Grade:
    keys = [chr(97 + i) for i in range(len(item.order))]
    if sorted(response) != keys:
        raise InvalidInput(
            "response", "put each of the %(n)s steps in exactly one place", n=len(keys)
        )
    right = sum(a == b for a, b in zip(response, keys, strict=True))
    text = " → ".join(item.order[ord(k) - 97] for k in response)
    if right == len(keys):
        return Grade(True, (), text)
    return Grade(False, (f"{right} of {len(keys)} in the right place.",), text)


def _grade_matching(item: Item, response: list[str]) -> Grade:
    options = dict(item.match_options())
    if len(response) != len(item.pairs) or any(r not in options for r in response):
        raise InvalidInput(
            "response", "choose a match for each of the %(n)s items", n=len(item.pairs)
        )
    right = sum(r == chr(97 + i) for i, r in enumerate(response))
    text = "; ".join(
        f"{left} → {options[r]}" for (left, _), r in zip(item.pairs, response, strict=True)
    )
    if right == len(item.pairs):
        return Grade(True, (), text)
    return Grade(False, (f"{right} of {len(item.pairs)} matched right.",), text)


def grade(item: Item, response: str | list[str]) -> Grade:
    """Grade ``response`` (choice keys for choice items, step keys in order for ordering, option
    keys in pair order for matching, text otherwise); InvalidInput if unreadable."""
    if item.kind in (ItemKind.SINGLE_CHOICE, ItemKind.MULTIPLE_CHOICE):
        return _grade_choices(item, [response] if isinstance(response, str) else list(response))
    if item.kind is ItemKind.ORDERING:
        return _grade_ordering(item, [response] if isinstance(response, str) else list(response))
    if item.kind is ItemKind.MATCHING:
        return _grade_matching(item, [response] if isinstance(response, str) else list(response))
    text = response if isinstance(response, str) else " ".join(response)
    text = text.strip()
    if not text:
        raise InvalidInput("response", "type an answer first")
    if item.kind is ItemKind.NUMERIC:
        try:
            value = parse_number(text.removesuffix(item.unit).strip() if item.unit else text)
        except (ValueError, ZeroDivisionError):
            raise InvalidInput(
                "response",
                "%(text)s is not a number (write 0.75, 3/4, 1 1/2 or 75%%)",
                text=repr(text),
            ) from None
        assert item.answer is not None
        if abs(value - item.answer) <= item.tolerance + 1e-9:
            return Grade(True, (), text)
        for wrong in item.wrong_answers:
            if abs(value - float(wrong.match)) <= item.tolerance + 1e-9:
                return Grade(False, (wrong.feedback,), text, _tags(wrong))
        return Grade(False, (), text)
    flags = 0 if item.case_sensitive else re.IGNORECASE
    squashed = " ".join(text.split())
    accepted = {a if item.case_sensitive else a.lower() for a in item.accepted}
    if (squashed if item.case_sensitive else squashed.lower()) in accepted or any(
        re.fullmatch(p, squashed, flags) for p in item.patterns
    ):
        return Grade(True, (), squashed)
    for wrong in item.wrong_answers:
        if re.fullmatch(wrong.match, squashed, flags):
            return Grade(False, (wrong.feedback,), squashed, _tags(wrong))
    return Grade(False, (), squashed)


def stage_feedback(item: Item, result: Grade, misses_before: int) -> AnswerFeedback:
    """What to show after this answer, given how often the learner missed the item before."""
    if result.correct:
        return AnswerFeedback(True, result.feedback, (), item.solution, misses_before)
    misses = misses_before + 1
    if misses >= SOLUTION_AFTER_MISSES:
        return AnswerFeedback(False, result.feedback, item.hints, item.solution, misses)
    return AnswerFeedback(False, result.feedback, item.hints[:misses], "", misses)
