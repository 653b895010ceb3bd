"""Moodle's GIFT question format, read into learnloop items (product.md, Content: "Import: ...
Moodle GIFT"), so that a teacher's existing question bank becomes part of a course folder.

Supported, as Moodle documents them: multiple choice (one ``=`` right answer, ``~`` wrong ones;
or ``~%50%`` weights, where every positive weight marks a right choice), true/false (``{T}``,
``{FALSE}``), short answer (only ``=`` answers), numeric (``{#3.5}``, ``{#3.5:0.1}``,
``{#1..5}``), matching (``{=left -> right ...}``, with ``= -> text`` for an extra right-hand
answer that matches nothing), per-answer feedback after ``#``, titles
``::title::``, comments ``//``, ``$CATEGORY:`` lines (ignored), the escapes ``\\~ \\= \\# \\{ \\}
\\:``, and ``[markdown]``/``[html]``/``[plain]``/``[moodle]`` format tags (the text is kept as
Markdown either way, and sanitised when the course loads). Essays, description-only entries and
questions with text after the answer block are refused with their line, as nothing in learnloop
grades them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnloop.content.bank_import import bank_stem, write_bank
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["GiftQuestion", "add_gift_to_course", "parse_gift", "to_items"]

_ESCAPED = {
    "\\~": "\x00",
    "\\=": "\x01",
    "\\#": "\x02",
    "\\{": "\x03",
    "\\}": "\x04",
    "\\:": "\x05",
}
_RESTORE = {v: k[1] for k, v in _ESCAPED.items()}
_FORMAT = re.compile(r"^\[(markdown|html|plain|moodle)\]\s*")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


@dataclass
class GiftQuestion:
    line: int
    title: str
    prompt: str
    kind: str  # single_choice | multiple_choice | short_text | numeric | matching
    data: dict[str, Any] = field(default_factory=dict)


def _unescape(text: str) -> str:
    for k, v in _RESTORE.items():
        text = text.replace(k, v)
    return " ".join(text.split())


def _split_answers(body: str) -> list[tuple[str, str]]:
    """(marker, text) for each answer: marker is '=' or '~' (with its weight kept in text)."""
    parts = re.split(r"([=~])", body)
    out: list[tuple[str, str]] = []
    for i in range(1, len(parts), 2):
        out.append((parts[i], parts[i + 1]))
    return out


def _with_feedback(text: str) -> tuple[str, str]:
    answer, _, feedback = text.partition("#")
    return _unescape(answer), _unescape(feedback)


def _number(text: str, where: tuple[str, int], issues: list[ContentIssue]) -> float | None:
    try:
        return float(text)
    except ValueError:
        issues.append(ContentIssue(where[0], where[1], f"{text!r} is not a number"))
        return None


def _question(block: str, line: int, file: str, issues: list[ContentIssue]) -> GiftQuestion | None:
    for k, v in _ESCAPED.items():
        block = block.replace(k, v)
    title = ""
    m = re.match(r"^::(.*?)::", block, re.S)
    if m:
        title, block = _unescape(m.group(1)), block[m.end() :]
    start, end = block.find("{"), block.rfind("}")
    if start < 0 or end < start:
        issues.append(ContentIssue(file, line, "no answer block {...}: nothing to grade"))
        return None
    if block[end + 1 :].strip():
        issues.append(
            ContentIssue(
                file, line, "text after the answer block (fill-in-the-gap) is not supported"
            )
        )
        return None
    prompt = _unescape(_FORMAT.sub("", block[:start].strip()))
    body = _FORMAT.sub("", block[start + 1 : end].strip())
    where = (file, line)
    if not prompt:
        issues.append(ContentIssue(file, line, "the question has no text"))
        return None
    if not body:
        issues.append(
            ContentIssue(file, line, "essay questions are not supported: nothing grades them")
        )
        return None
    if re.fullmatch(r"(?i)t|true|f|false", body.split("#")[0].strip()):
        truth = body.split("#")[0].strip().lower().startswith("t")
        return GiftQuestion(line, title, prompt, "single_choice", {
            "choices": [{"text": "True", "correct": truth}, {"text": "False", "correct": not truth}]
        })  # fmt: skip
    if body.startswith("#"):
        spec = _with_feedback(body[1:].split("=")[0])[0].strip()
        if ".." in spec:
            lo, hi = (_number(x, where, issues) for x in spec.split("..", 1))
            if lo is None or hi is None:
                return None
            answer, tolerance = (lo + hi) / 2, abs(hi - lo) / 2
        else:
            written, _, tol = spec.partition(":")
            number = _number(written, where, issues)
            spread = _number(tol, where, issues) if tol else 0.0
            if number is None or spread is None:
                return None
            answer, tolerance = number, spread
        return GiftQuestion(
            line, title, prompt, "numeric", {"answer": answer, "tolerance": tolerance}
        )
    answers = _split_answers(body)
    if not answers:
        issues.append(ContentIssue(file, line, "the answer block has no = or ~ answers"))
        return None
    if all(marker == "=" and "->" in text for marker, text in answers):
        pairs, distractors = [], []
        for _, text in answers:
            left, _, right = text.partition("->")
            if _unescape(left):
                pairs.append({"left": _unescape(left), "right": _unescape(right)})
            else:  # Moodle's extra wrong answer: a right side that matches nothing
                distractors.append(_unescape(right))
        if len(pairs) < 2:
            issues.append(ContentIssue(file, line, "a matching question needs two pairs or more"))
            return None
        data: dict[str, Any] = {"pairs": pairs}
        if distractors:
            data["distractors"] = distractors
        return GiftQuestion(line, title, prompt, "matching", data)
    if all(marker == "=" for marker, _ in answers):
        return GiftQuestion(line, title, prompt, "short_text", {
            "accepted": [_with_feedback(t)[0] for _, t in answers]
        })  # fmt: skip
    choices = []
    weighted = False
    for marker, text in answers:
        weight = _WEIGHT.match(text)
        if weight:
            weighted, text = True, text[weight.end() :]
        shown, feedback = _with_feedback(text)
        correct = float(weight.group(1)) > 0 if weight else marker == "="
        choice: dict[str, Any] = {"text": shown, "correct": correct}
        if feedback:
            choice["feedback"] = feedback
        choices.append(choice)
    n_right = sum(c["correct"] for c in choices)
    if n_right == 0:
        issues.append(
            ContentIssue(file, line, "no right answer: mark one with = or a positive %weight%")
        )
        return None
    kind = "multiple_choice" if weighted and n_right > 1 else "single_choice"
    if kind == "single_choice" and n_right > 1:
        issues.append(
            ContentIssue(file, line, "two = answers beside ~ ones: use %weights% for several")
        )
        return None
    return GiftQuestion(line, title, prompt, kind, {"choices": choices})


def parse_gift(text: str, file: str) -> list[GiftQuestion]:
    """Every question of a GIFT file (questions are separated by blank lines); ContentError
    lists every problem with its line."""
    issues: list[ContentIssue] = []
    questions: list[GiftQuestion] = []
    block: list[str] = []
    first = 0
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        stripped = raw.strip()
        if stripped.startswith("//") or stripped.startswith("$CATEGORY:"):
            continue
        if stripped:
            if not block:
                first = number
            block.append(raw)
            continue
        if block:
            q = _question("\n".join(block), first, file, issues)
            if q is not None:
                questions.append(q)
            block = []
    if issues:
        raise ContentError(issues)
    if not questions:
        raise ContentError([ContentIssue(file, 1, "no questions in the file")])
    return questions


def to_items(questions: list[GiftQuestion], *, prefix: str, objective: str) -> list[dict[str, Any]]:
    """learnloop items (as items/*.yaml holds them) for ``questions``, ids ``prefix-1``, ..."""
    out = []
    for n, q in enumerate(questions, start=1):
        item: dict[str, Any] = {"id": f"{prefix}-{n}", "type": q.kind, "objective": objective}
        item["prompt"] = q.prompt  # the ::title:: names it in Moodle's bank, not for learners
        item.update(q.data)
        out.append(item)
    return out


def add_gift_to_course(course_dir: Path, gift_file: Path, objective: str) -> tuple[Path, Path, int]:
    """Write ``gift_file``'s questions into the course folder as ``items/NAME.yaml`` and an
    activity ``activities/NAME-questions.md`` that lists them, for ``objective``; then load the
    course. On any problem nothing is left written: ContentError says what and where."""
    stem = bank_stem(gift_file, "gift")
    try:
        text = gift_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([ContentIssue(gift_file.name, 0, f"cannot read it: {exc}")]) from None
    items = to_items(parse_gift(text, gift_file.name), prefix=stem, objective=objective)
    return write_bank(
        course_dir, stem=stem, items=items, objective=objective, source=gift_file.name,
        how="Moodle GIFT, by learnloop import-gift",
    )  # fmt: skip
