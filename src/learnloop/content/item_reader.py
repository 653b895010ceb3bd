"""Reading items/*.yaml: every item type, with the checks that keep an item answerable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from learnloop.content.markdown import render_markdown
from learnloop.content.outside_content import read_xapi_activities
from learnloop.content.source_issues import SourceIssues
from learnloop.content.yaml_source import LineDict, LineList, YamlSyntaxError, parse_yaml
from learnloop.domain import Choice, Item, ItemKind, WrongAnswer
from learnloop.domain.grading import parse_number

__all__ = ["ITEM_KEY", "read_items"]

_COMMON = {
    "id", "type", "prompt", "objectives", "objective", "hints", "solution", "xapi_activities",
}  # fmt: skip
_BY_KIND = {
    ItemKind.SINGLE_CHOICE: {"choices", "shuffle"},
    ItemKind.MULTIPLE_CHOICE: {"choices", "shuffle"},
    ItemKind.NUMERIC: {"answer", "tolerance", "unit", "wrong_answers"},
    ItemKind.SHORT_TEXT: {"accepted", "patterns", "case_sensitive", "wrong_answers"},
    ItemKind.ORDERING: {"order"},
    ItemKind.MATCHING: {"pairs", "distractors"},
}
ITEM_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")  # an item id


def _text_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    return None


def _misconception(
    node: LineDict, file: str, key: str, issues: SourceIssues, known: set[str] | None
) -> str:
    """The ``misconception`` a choice or wrong answer is tagged with: a key from course.yaml."""
    tag = node.get("misconception", "")
    if tag == "":
        return ""
    if not isinstance(tag, str):
        issues.add(file, node.line_of("misconception"), f"item {key!r}: misconception is a key")
        return ""
    if known is not None and tag not in known:
        declared = ", ".join(sorted(known)) or "none"
        issues.add(
            file,
            node.line_of("misconception"),
            f"item {key!r}: misconception {tag!r} is not declared in course.yaml's misconceptions "
            f"(declared: {declared})",
        )
    return tag


def _choices(
    node: LineDict,
    kind: ItemKind,
    file: str,
    key: str,
    issues: SourceIssues,
    known: set[str] | None,
) -> tuple[Choice, ...]:
    raw = node.get("choices")
    if not isinstance(raw, LineList) or len(raw) < 2:
        issues.add(
            file, node.line_of("choices"), f"item {key!r} needs a list of at least 2 choices"
        )
        return ()
    out: list[Choice] = []
    for i, c in enumerate(raw):
        if not isinstance(c, LineDict) or not isinstance(c.get("text"), (str, int, float)):
            issues.add(file, raw.item_lines[i], f"item {key!r}: each choice needs a text")
            continue
        issues.check_fields(file, c, {"text", "correct", "feedback", "misconception"}, "choice")
        correct = c.get("correct", False)
        if not isinstance(correct, bool):
            issues.add(file, c.line_of("correct"), f"item {key!r}: correct must be true or false")
            correct = False
        tag = _misconception(c, file, key, issues, known)
        if correct and tag:
            issues.add(
                file,
                c.line_of("misconception"),
                f"item {key!r}: a correct choice cannot reveal a misconception",
            )
        out.append(
            Choice(
                key=chr(ord("a") + i),
                text=render_markdown(str(c["text"]), inline=True),
                correct=correct,
                feedback=render_markdown(str(c.get("feedback", "")), inline=True),
                misconception=tag,
            )
        )

    n_correct = sum(c.correct for c in out)
    if n_correct == 0:
        issues.add(
            file, node.line, f"item {key!r} has no correct answer: mark a choice 'correct: true'"
        )
    elif kind is ItemKind.SINGLE_CHOICE and n_correct > 1:
        issues.add(
            file,
            node.line,
            f"single-choice item {key!r} has {n_correct} correct choices; use multiple_choice",
        )
    return tuple(out)


def _wrong_answers(
    node: LineDict,
    kind: ItemKind,
    file: str,
    key: str,
    issues: SourceIssues,
    known: set[str] | None,
) -> tuple[WrongAnswer, ...]:
    raw = node.get("wrong_answers", [])
    if not isinstance(raw, list):
        issues.add(
            file, node.line_of("wrong_answers"), f"item {key!r}: wrong_answers must be a list"
        )
        return ()
    field = "answer" if kind is ItemKind.NUMERIC else "pattern"
    out = []
    for w in raw:
        if not isinstance(w, LineDict) or field not in w or "feedback" not in w:
            issues.add(
                file,
                getattr(w, "line", node.line),
                f"item {key!r}: each wrong answer needs {field} and feedback",
            )
            continue
        issues.check_fields(file, w, {field, "feedback", "misconception"}, "wrong answer")
        match = str(w[field])
        try:
            if kind is ItemKind.NUMERIC:
                match = repr(parse_number(match))
            else:
                re.compile(match)
        except (ValueError, ZeroDivisionError, re.error) as exc:
            issues.add(
                file, w.line_of(field), f"item {key!r}: {field} {w[field]!r} is invalid ({exc})"
            )
            continue
        out.append(
            WrongAnswer(
                match,
                render_markdown(str(w["feedback"]), inline=True),
                _misconception(w, file, key, issues, known),
            )
        )
    return tuple(out)


def _order(node: LineDict, file: str, key: str, issues: SourceIssues) -> tuple[str, ...]:
    steps = _text_list(node.get("order"))
    if steps is None or len(steps) < 2:
        issues.add(
            file, node.line_of("order"), f"ordering item {key!r} needs 'order': 2 or more steps"
        )
        return ()
    if len(set(steps)) != len(steps):
        issues.add(file, node.line_of("order"), f"item {key!r}: two steps read the same")
    return tuple(render_markdown(t, inline=True) for t in steps)


def _pairs(
    node: LineDict, file: str, key: str, issues: SourceIssues
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    raw = node.get("pairs")
    if not isinstance(raw, LineList) or len(raw) < 2:
        issues.add(file, node.line_of("pairs"), f"matching item {key!r} needs 'pairs': 2 or more")
        return (), ()
    pairs: list[tuple[str, str]] = []
    for i, p in enumerate(raw):
        if not isinstance(p, LineDict) or not all(
            isinstance(p.get(side), (str, int, float)) for side in ("left", "right")
        ):
            issues.add(file, raw.item_lines[i], f"item {key!r}: each pair needs a left and a right")
            continue
        issues.check_fields(file, p, {"left", "right"}, "pair")
        pairs.append((str(p["left"]), str(p["right"])))
    distractors = _text_list(node.get("distractors", []))
    if distractors is None:
        issues.add(
            file, node.line_of("distractors"), f"item {key!r}: distractors must be a list of texts"
        )
        distractors = []
    rights = [r for _, r in pairs] + distractors
    if len(set(rights)) != len(rights):
        issues.add(
            file, node.line_of("pairs"), f"item {key!r}: two right-hand options read the same"
        )
    if len({left for left, _ in pairs}) != len(pairs):
        issues.add(file, node.line_of("pairs"), f"item {key!r}: two left-hand sides read the same")
    html = tuple(
        (render_markdown(a, inline=True), render_markdown(b, inline=True)) for a, b in pairs
    )
    return html, tuple(render_markdown(d, inline=True) for d in distractors)


def _read_item(
    node: LineDict, file: str, issues: SourceIssues, known: set[str] | None
) -> Item | None:
    key = node.get("id")
    if not isinstance(key, str) or not ITEM_KEY.match(key):
        issues.add(
            file,
            node.line_of("id"),
            f"item id {key!r} must be lower-case letters, digits, ., - or _",
        )
        return None
    try:
        kind = ItemKind(str(node.get("type")))
    except ValueError:
        kinds = ", ".join(k.value for k in ItemKind)
        issues.add(
            file,
            node.line_of("type"),
            f"item {key!r}: type {node.get('type')!r} is not one of {kinds}",
        )
        return None
    issues.check_fields(file, node, _COMMON | _BY_KIND[kind], "item")
    if not isinstance(node.get("prompt"), str) or not node["prompt"].strip():
        issues.add(file, node.line, f"item {key!r} needs a prompt")
    objectives = _text_list(node.get("objectives", node.get("objective")))
    if not objectives:
        issues.add(file, node.line, f"item {key!r} needs the objective(s) it tests")
        objectives = []
    hints = _text_list(node.get("hints", []))
    if hints is None:
        issues.add(file, node.line_of("hints"), f"item {key!r}: hints must be a list of texts")
        hints = []
    fields: dict[str, Any] = {}
    line = node.line
    if kind in (ItemKind.SINGLE_CHOICE, ItemKind.MULTIPLE_CHOICE):
        fields["choices"] = _choices(node, kind, file, key, issues, known)
    elif kind is ItemKind.NUMERIC:
        if "answer" not in node:
            issues.add(file, line, f"numeric item {key!r} has no correct answer: give 'answer'")
        else:
            try:
                fields["answer"] = parse_number(str(node["answer"]))
            except (ValueError, ZeroDivisionError):
                issues.add(
                    file,
                    node.line_of("answer"),
                    f"item {key!r}: answer {node['answer']!r} is not a number",
                )
        tolerance = node.get("tolerance", 0.0)
        if not isinstance(tolerance, (int, float)) or tolerance < 0:
            issues.add(
                file, node.line_of("tolerance"), f"item {key!r}: tolerance must be a number >= 0"
            )
            tolerance = 0.0
        fields["tolerance"] = float(tolerance)
        fields["unit"] = str(node.get("unit", ""))
        fields["wrong_answers"] = _wrong_answers(node, kind, file, key, issues, known)
    elif kind is ItemKind.ORDERING:
        fields["order"] = _order(node, file, key, issues)
    elif kind is ItemKind.MATCHING:
        fields["pairs"], fields["distractors"] = _pairs(node, file, key, issues)
    else:
        accepted = _text_list(node.get("accepted", [])) or []
        patterns = _text_list(node.get("patterns", [])) or []
        if not accepted and not patterns:
            issues.add(
                file,
                line,
                f"short-text item {key!r} has no correct answer: give 'accepted' or 'patterns'",
            )
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                issues.add(
                    file,
                    node.line_of("patterns"),
                    f"item {key!r}: pattern {p!r} is not a valid regular expression ({exc})",
                )
        fields["accepted"] = tuple(" ".join(a.split()) for a in accepted)
        fields["patterns"] = tuple(patterns)
        fields["case_sensitive"] = bool(node.get("case_sensitive", False))
        fields["wrong_answers"] = _wrong_answers(node, kind, file, key, issues, known)
    return Item(
        key=key,
        kind=kind,
        prompt=render_markdown(str(node.get("prompt", ""))),
        objectives=tuple(objectives),
        hints=tuple(render_markdown(h, inline=True) for h in hints),
        solution=render_markdown(str(node.get("solution", ""))),
        source=f"{file}:{line}",
        xapi_activities=read_xapi_activities(node, file, issues),
        **fields,
    )


def read_items(
    root: Path, issues: SourceIssues, misconceptions: set[str] | None = None
) -> dict[str, Item]:
    """Every item under items/. ``misconceptions``: the keys course.yaml declares (None when it
    could not be read, so that tags are not reported as undeclared for that reason)."""
    items: dict[str, Item] = {}
    folder = root / "items"
    if not folder.is_dir():
        return items
    for path in sorted(folder.glob("*.yaml")):
        file = f"items/{path.name}"
        try:
            data = parse_yaml(path.read_text(encoding="utf-8"))
        except YamlSyntaxError as exc:
            issues.add(file, exc.line, exc.message)
            continue
        if data is None:
            continue
        if not isinstance(data, LineList):
            issues.add(file, 1, "an items file is a YAML list of items")
            continue
        for i, node in enumerate(data):
            if not isinstance(node, LineDict):
                issues.add(
                    file, data.item_lines[i], "each item must be a mapping (id, type, prompt, ...)"
                )
                continue
            item = _read_item(node, file, issues, misconceptions)
            if item is None:
                continue
            if item.key in items:
                issues.add(
                    file,
                    node.line,
                    f"item {item.key!r} is defined twice (also at {items[item.key].source})",
                )
                continue
            items[item.key] = item
    return items
