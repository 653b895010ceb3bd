"""Collecting every problem in a course folder before reporting them together."""

from __future__ import annotations

from learnloop.content.yaml_source import LineDict
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["SourceIssues"]


class SourceIssues:
    def __init__(self) -> None:
        self.items: list[ContentIssue] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.items.append(ContentIssue(file, line, message))

    def single(self, file: str, line: int, message: str) -> list[ContentIssue]:
        self.add(file, line, message)
        return self.items

    def check_fields(self, file: str, node: LineDict, allowed: set[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.add(
                    file,
                    node.line_of(key),
                    f"unknown {what} field {key!r} (expected one of: {expected})",
                )

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(sorted(self.items, key=lambda i: (i.file, i.line)))
