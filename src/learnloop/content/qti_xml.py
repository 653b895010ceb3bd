"""XML for the QTI importer (content.qti): parsed with defusedxml (no entity expansion, no
external DTDs or entities), into small nodes that remember their line, with QTI 3.0's names
(``qti-choice-interaction``, ``response-identifier``) read as QTI 2.x's (``choiceInteraction``,
``responseIdentifier``) so that one reader serves both."""

from __future__ import annotations

import re
import xml.sax
from dataclasses import dataclass, field
from html import escape

import defusedxml.sax
from defusedxml import DefusedXmlException

from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["Node", "parse_xml"]

_VOID = {"br", "hr", "img", "col", "area", "wbr"}


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def qti_name(raw: str) -> str:
    """``qti-simple-choice`` and ``simpleChoice`` (with or without a namespace prefix) alike."""
    local = raw.rsplit(":", 1)[-1]
    return _camel(local[4:]) if local.startswith("qti-") else local


def qti_attribute(raw: str) -> str:
    """``response-identifier`` (QTI 3.0) and ``responseIdentifier`` (2.x) alike."""
    return _camel(raw.rsplit(":", 1)[-1])


@dataclass
class Node:
    tag: str  # QTI 2.x spelling
    raw_tag: str  # as written (for HTML kept from the item body)
    attrs: dict[str, str]  # QTI 2.x spelling of attribute names
    raw_attrs: dict[str, str]
    line: int
    children: list[Node | str] = field(default_factory=list)

    def find_all(self, *tags: str) -> list[Node]:
        """Every element below with one of ``tags``, in document order."""
        out: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag in tags:
                    out.append(child)
                out.extend(child.find_all(*tags))
        return out

    def first(self, tag: str) -> Node | None:
        found = self.find_all(tag)
        return found[0] if found else None

    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def html(self, skip: frozenset[str] = frozenset()) -> str:
        """The content as HTML (elements named in ``skip`` left out); the course loader
        sanitizes it like any authored HTML."""
        out: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                out.append(escape(child, quote=False))
            elif child.tag not in skip:
                name = child.raw_tag.rsplit(":", 1)[-1]
                attrs = "".join(f' {k}="{escape(v)}"' for k, v in child.raw_attrs.items())
                if name in _VOID:
                    out.append(f"<{name}{attrs}>")
                else:
                    out.append(f"<{name}{attrs}>{child.html(skip)}</{name}>")
        return re.sub(r"\s+", " ", "".join(out)).strip()


class _Builder(xml.sax.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: Node | None = None
        self._stack: list[Node] = []
        self._locator: xml.sax.xmlreader.Locator | None = None

    def setDocumentLocator(self, locator: xml.sax.xmlreader.Locator) -> None:  # noqa: N802
        self._locator = locator

    def startElement(self, name: str, attrs: xml.sax.xmlreader.AttributesImpl) -> None:  # noqa: N802
        raw = {k: attrs[k] for k in attrs.getNames() if not k.startswith("xmlns")}
        node = Node(
            qti_name(name), name, {qti_attribute(k): v for k, v in raw.items()}, raw,
            (self._locator.getLineNumber() or 0) if self._locator else 0,
        )  # fmt: skip
        if self._stack:
            self._stack[-1].children.append(node)
        else:
            self.root = node
        self._stack.append(node)

    def endElement(self, name: str) -> None:  # noqa: N802
        self._stack.pop()

    def characters(self, content: str) -> None:
        if self._stack:
            self._stack[-1].children.append(content)


def parse_xml(data: bytes, file: str) -> Node:
    """The document's root; ContentError with the line for XML that does not parse, and for any
    entity declaration or external reference (refused, never expanded)."""
    builder = _Builder()
    try:
        defusedxml.sax.parseString(data, builder)
    except xml.sax.SAXParseException as exc:
        raise ContentError(
            [
                ContentIssue(
                    file, exc.getLineNumber() or 0, f"not well-formed XML: {exc.getMessage()}"
                )
            ]
        ) from None
    except DefusedXmlException as exc:
        raise ContentError(
            [ContentIssue(file, 0, f"refused: the XML declares entities or external parts ({exc})")]
        ) from None
    if builder.root is None:
        raise ContentError([ContentIssue(file, 1, "no XML element in the file")])
    return builder.root
