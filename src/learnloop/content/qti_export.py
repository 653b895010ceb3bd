"""A course's items as an IMS QTI 2.1 content package (product.md, Content: "Export of courses in
the same formats where they fit"), for platforms that import QTI (Canvas, Moodle with a plugin,
Open edX through converters, and learnloop itself: content.qti reads it back).

Every item kind learnloop has maps to a QTI interaction: single and multiple choice to
``choiceInteraction`` (each choice's feedback as a ``feedbackInline``), numeric to a float
``textEntryInteraction`` with an absolute-tolerance ``equal``, short text to a string
``textEntryInteraction`` whose accepted answers are mapped, ordering to ``orderInteraction`` and
matching to ``matchInteraction``. The first hint becomes the ``modalFeedback`` for a wrong answer.
What QTI 2.1 cannot say is left out and listed: short-text patterns (regular expressions; an item
with patterns and no accepted answer is not exported at all),
anticipated wrong answers with their feedback, later hints, worked solutions, units and
misconception tags. The images, sounds and videos items show (the course's media folder) go into
the package under ``media/``, listed as each item's files, with the items' links made relative.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from learnloop.domain import Course, Item, ItemKind

__all__ = ["QtiExport", "export_qti"]

_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
_CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
_VOID = {"br", "hr", "img", "col", "area", "wbr"}
_PACKAGED = re.compile(r'"\.\./media/([^"]+)"')


@dataclass(frozen=True)
class QtiExport:
    items: int
    left_out: list[str]  # "item KEY: what was not exported"


class _Xhtml(HTMLParser):
    """Sanitized HTML (the course loader's) appended to an element as well-formed XML."""

    def __init__(self, parent: ET.Element) -> None:
        super().__init__(convert_charrefs=True)
        self._stack = [parent]

    def _text(self, data: str) -> None:
        top = self._stack[-1]
        if len(top):
            top[-1].tail = (top[-1].tail or "") + data
        else:
            top.text = (top.text or "") + data

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self._stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in _VOID:
            self._stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        names = [e.tag for e in self._stack[1:]]
        if tag in names:  # close up to the matching element
            while self._stack[-1].tag != tag:
                self._stack.pop()
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        self._text(data)


def _html(parent: ET.Element, html: str) -> ET.Element:
    parser = _Xhtml(parent)
    parser.feed(html)
    parser.close()
    return parent


def _response(item_el: ET.Element, base: str, cardinality: str, values: list[str]) -> ET.Element:
    decl = ET.SubElement(item_el, "responseDeclaration", identifier="RESPONSE",
                         cardinality=cardinality, baseType=base)  # fmt: skip
    correct = ET.SubElement(decl, "correctResponse")
    for v in values:
        ET.SubElement(correct, "value").text = v
    return decl


def _item_xml(item: Item, left_out: list[str]) -> ET.Element:
    root = ET.Element("assessmentItem", {"xmlns": _NS, "identifier": item.key,
                                         "title": item.key, "adaptive": "false",
                                         "timeDependent": "false"})  # fmt: skip
    kind = item.kind
    body = ET.Element("itemBody")
    prompt = _html(ET.Element("div"), item.prompt)
    if kind in (ItemKind.SINGLE_CHOICE, ItemKind.MULTIPLE_CHOICE):
        many = kind is ItemKind.MULTIPLE_CHOICE
        _response(root, "identifier", "multiple" if many else "single",
                  [c.key for c in item.choices if c.correct])  # fmt: skip
        body.append(prompt)
        interaction = ET.SubElement(body, "choiceInteraction", responseIdentifier="RESPONSE",
                                    shuffle="false", maxChoices="0" if many else "1")  # fmt: skip
        for c in item.choices:
            choice = _html(ET.SubElement(interaction, "simpleChoice", identifier=c.key), c.text)
            if c.feedback:
                _html(ET.SubElement(choice, "feedbackInline", outcomeIdentifier="FEEDBACK",
                                    identifier=c.key, showHide="show"), c.feedback)  # fmt: skip
    elif kind in (ItemKind.NUMERIC, ItemKind.SHORT_TEXT):
        numeric = kind is ItemKind.NUMERIC
        values = [repr(item.answer or 0.0)] if numeric else list(item.accepted[:1])
        decl = _response(root, "float" if numeric else "string", "single", values)
        if not numeric:
            mapping = ET.SubElement(decl, "mapping", defaultValue="0")
            for answer in item.accepted:
                ET.SubElement(mapping, "mapEntry", mapKey=answer, mappedValue="1",
                              caseSensitive="true" if item.case_sensitive else "false")  # fmt: skip
            if item.patterns:
                left_out.append(
                    f"item {item.key}: its patterns (QTI 2.1 has no regular expressions)"
                )
        elif item.unit:
            left_out.append(f"item {item.key}: its unit {item.unit!r}")
        body.append(prompt)
        ET.SubElement(ET.SubElement(body, "p"), "textEntryInteraction",
                      responseIdentifier="RESPONSE")  # fmt: skip
        if numeric:
            processing = ET.SubElement(root, "responseProcessing")
            condition = ET.SubElement(ET.SubElement(processing, "responseCondition"), "responseIf")
            equal = ET.SubElement(condition, "equal", toleranceMode="absolute",
                                  tolerance=f"{item.tolerance!r} {item.tolerance!r}")  # fmt: skip
            ET.SubElement(equal, "variable", identifier="RESPONSE")
            ET.SubElement(equal, "correct", identifier="RESPONSE")
            outcome = ET.SubElement(condition, "setOutcomeValue", identifier="SCORE")
            ET.SubElement(outcome, "baseValue", baseType="float").text = "1"
    elif kind is ItemKind.ORDERING:
        keys = [chr(97 + i) for i in range(len(item.order))]
        _response(root, "identifier", "ordered", keys)
        interaction = ET.SubElement(body, "orderInteraction", responseIdentifier="RESPONSE")
        _html(ET.SubElement(interaction, "prompt"), item.prompt)
        for key, text in item.shown_order():
            _html(ET.SubElement(interaction, "simpleChoice", identifier=key), text)
    else:  # matching
        lefts = [f"l{i}" for i in range(len(item.pairs))]
        rights = {text: key for key, text in item.match_options()}
        pairs = [f"{lefts[i]} {rights[right]}" for i, (_, right) in enumerate(item.pairs)]
        _response(root, "directedPair", "multiple", pairs)
        interaction = ET.SubElement(body, "matchInteraction", responseIdentifier="RESPONSE",
                                    shuffle="false", maxAssociations=str(len(pairs)))  # fmt: skip
        _html(ET.SubElement(interaction, "prompt"), item.prompt)
        left_set = ET.SubElement(interaction, "simpleMatchSet")
        for key, (left, _) in zip(lefts, item.pairs, strict=True):
            _html(ET.SubElement(left_set, "simpleAssociableChoice", identifier=key,
                                matchMax="1"), left)  # fmt: skip
        right_set = ET.SubElement(interaction, "simpleMatchSet")
        for key, text in item.match_options():
            _html(ET.SubElement(right_set, "simpleAssociableChoice", identifier=key,
                                matchMax="1"), text)  # fmt: skip
    root.append(body)
    if kind is not ItemKind.NUMERIC:  # numeric items have their own tolerant processing above
        ET.SubElement(root, "responseProcessing", template=(
            "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"))  # fmt: skip
    if item.hints:
        _html(ET.SubElement(root, "modalFeedback", outcomeIdentifier="FEEDBACK",
                            identifier="incorrect", showHide="show"), item.hints[0])  # fmt: skip
    extra = [what for what, present in (
        ("its later hints", len(item.hints) > 1), ("its worked solution", bool(item.solution)),
        ("its anticipated wrong answers", bool(item.wrong_answers)),
        ("its misconception tags", any(c.misconception for c in item.choices)),
    ) if present]  # fmt: skip
    if extra:
        left_out.append(f"item {item.key}: {', '.join(extra)}")
    return root


def export_qti(
    course: Course,
    out: Path,
    *,
    objective: str = "",
    media: Mapping[str, bytes] | None = None,
) -> QtiExport:
    """Write ``course``'s items (only those of ``objective`` when given) to the zip ``out``, with
    the ``media`` files (bytes by path in the course's media folder) that they show."""
    items = [i for i in course.items.values() if not objective or objective in i.objectives]
    left_out: list[str] = []
    for item in [i for i in items if i.kind is ItemKind.SHORT_TEXT and not i.accepted]:
        left_out.append(f"item {item.key}: not exported: only patterns grade it, which QTI 2.1 "
                        "cannot hold")  # fmt: skip
        items.remove(item)
    manifest = ET.Element("manifest", {"xmlns": _CP, "identifier": f"{course.slug}-items"})
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    served = f'"/media/{course.slug}/'  # where the pages find the course's media
    packed: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in items:
            href = f"items/{item.key}.xml"
            resource = ET.SubElement(resources, "resource", identifier=f"r-{item.key}",
                                     type="imsqti_item_xmlv2p1", href=href)  # fmt: skip
            ET.SubElement(resource, "file", href=href)
            xml = ET.tostring(_item_xml(item, left_out), encoding="unicode")
            xml = xml.replace(served, '"../media/')
            for path in dict.fromkeys(_PACKAGED.findall(xml)):
                content = (media or {}).get(path)
                if content is None:
                    left_out.append(f"item {item.key}: media/{path} (its file was not given)")
                    continue
                ET.SubElement(resource, "file", href=f"media/{path}")
                if path not in packed:
                    z.writestr(f"media/{path}", content)
                    packed.add(path)
            z.writestr(href, '<?xml version="1.0" encoding="UTF-8"?>\n' + xml)
        z.writestr("imsmanifest.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                   + ET.tostring(manifest, encoding="unicode"))  # fmt: skip
    return QtiExport(len(items), left_out)
