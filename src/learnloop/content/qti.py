"""IMS QTI items read into learnloop items (product.md, Content: "Import: QTI 2.1/3.0 item
packages"), so that an item bank exported from another platform becomes part of a course folder.

Read: a content package (a .zip with ``imsmanifest.xml``; its item resources, in its order) or
one item file, in QTI 2.1, 2.2 or 3.0. Each ``assessmentItem`` must hold one interaction of a kind
learnloop grades: ``choiceInteraction`` (single or multiple, from the response's cardinality;
``feedbackInline`` in a choice becomes that choice's feedback), ``textEntryInteraction`` (a float
or integer response is numeric, with the tolerance of an absolute ``equal`` in the response
processing; a string response is short text, its correct values and positively mapped keys the
accepted answers), ``orderInteraction`` and ``matchInteraction`` (its correct directed pairs;
unmatched targets become distractors). A ``modalFeedback`` for a wrong answer becomes a hint. The
item body around the interaction is the prompt (HTML, sanitized when the course loads); the
images, sounds and videos it shows are copied into the course's media folder
(``content.qti_media``). Anything else is refused with its file and line.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from learnloop.content.bank_import import bank_stem, write_bank
from learnloop.content.qti_media import AssetReader, copy_item_media
from learnloop.content.qti_xml import Node, parse_xml
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["MAX_PACKAGE_BYTES", "add_qti_to_course", "read_qti"]

MAX_PACKAGE_BYTES = 50 * 1024 * 1024  # unpacked: a bank of a few thousand items with images
_ITEM_TYPES = re.compile(r"^imsqti_item_xmlv(2p[12]|3p0)")
_INTERACTIONS = {
    "choiceInteraction", "textEntryInteraction", "orderInteraction", "matchInteraction",
    "associateInteraction", "gapMatchInteraction", "inlineChoiceInteraction",
    "extendedTextInteraction", "hotspotInteraction", "hottextInteraction", "sliderInteraction",
    "uploadInteraction", "drawingInteraction", "graphicGapMatchInteraction", "mediaInteraction",
    "selectPointInteraction", "positionObjectInteraction", "graphicOrderInteraction",
    "graphicAssociateInteraction", "customInteraction", "portableCustomInteraction",
}  # fmt: skip
_GRADED = "choice, text entry, order and match"
_WRONG = re.compile(r"incorrect|wrong|false|fail", re.IGNORECASE)


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


def _responses(item: Node) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for decl in item.find_all("responseDeclaration"):
        correct = decl.first("correctResponse")
        mapping = decl.first("mapping")
        out[decl.attrs.get("identifier", "")] = {
            "cardinality": decl.attrs.get("cardinality", "single"),
            "base": decl.attrs.get("baseType", "identifier"),
            "correct": [v.text() for v in correct.find_all("value")] if correct else [],
            "mapped": [
                (e.attrs.get("mapKey", ""), float(e.attrs.get("mappedValue", "0") or 0))
                for e in (mapping.find_all("mapEntry") if mapping else [])
            ],
        }
    return out


def _tolerance(item: Node) -> float:
    for equal in item.find_all("equal"):
        if equal.attrs.get("toleranceMode") == "absolute":
            numbers = re.findall(r"[-+]?\d*\.?\d+", equal.attrs.get("tolerance", ""))
            if numbers:
                return abs(float(numbers[0]))
    return 0.0


def _choices(interaction: Node, tag: str) -> list[tuple[str, Node]]:
    return [(c.attrs.get("identifier", ""), c) for c in interaction.find_all(tag)]


def _item(item: Node, *, key: str, objective: str) -> dict[str, Any]:
    if item.tag != "assessmentItem":
        raise _Refused(item.line, f"<{item.raw_tag}> is not a QTI assessmentItem")
    body = item.first("itemBody")
    found = body.find_all(*_INTERACTIONS) if body else []
    if len(found) != 1:
        raise _Refused(
            body.line if body else item.line,
            f"item {item.attrs.get('identifier', '')!r} has {len(found)} interactions: a "
            "learnloop item has exactly one",
        )
    interaction = found[0]
    if interaction.tag not in {"choiceInteraction", "textEntryInteraction", "orderInteraction",
                               "matchInteraction"}:  # fmt: skip
        raise _Refused(
            interaction.line, f"{interaction.tag} is not supported: learnloop grades {_GRADED}"
        )
    response = _responses(item).get(interaction.attrs.get("responseIdentifier", ""))
    if response is None or not (response["correct"] or response["mapped"]):
        raise _Refused(interaction.line, "the interaction's response has no correct value")
    prompt_node = interaction.first("prompt")
    skip = frozenset(_INTERACTIONS | {"rubricBlock", "modalFeedback"})
    prompt = " ".join(
        part for part in (body.html(skip) if body else "", prompt_node.html() if prompt_node else "")
        if part
    )  # fmt: skip
    out: dict[str, Any] = {"id": key, "objective": objective, "prompt": prompt or "(no prompt)"}
    # a response scored by its mapping alone: the positively mapped values are the right ones
    correct = response["correct"] or [k for k, v in response["mapped"] if v > 0]
    if interaction.tag == "choiceInteraction":
        choices = []
        for ident, node in _choices(interaction, "simpleChoice"):
            choice: dict[str, Any] = {
                "text": node.html(frozenset({"feedbackInline"})),
                "correct": ident in correct,
            }
            feedback = [f.text() for f in node.find_all("feedbackInline")]
            if feedback:
                choice["feedback"] = " ".join(feedback)
            choices.append(choice)
        many = response["cardinality"] == "multiple"
        out["type"] = "multiple_choice" if many else "single_choice"
        out["choices"] = choices
    elif interaction.tag == "textEntryInteraction":
        if response["base"] in ("float", "integer"):
            out["type"], out["answer"] = "numeric", float(correct[0]) if correct else 0.0
            out["tolerance"] = _tolerance(item)
        else:
            accepted = list(dict.fromkeys(correct + [k for k, v in response["mapped"] if v > 0]))
            out["type"], out["accepted"] = "short_text", accepted
    elif interaction.tag == "orderInteraction":
        texts = {ident: node.text() for ident, node in _choices(interaction, "simpleChoice")}
        out["type"], out["order"] = "ordering", [texts.get(i, i) for i in correct]
    else:  # matchInteraction
        texts = {ident: n.text() for ident, n in _choices(interaction, "simpleAssociableChoice")}
        pairs = [tuple(v.split()) for v in correct]
        if any(len(p) != 2 for p in pairs):
            raise _Refused(interaction.line, "a correct match must be two identifiers")
        matched = {right for _, right in pairs}
        sets = interaction.find_all("simpleMatchSet")
        targets = [i for i, _ in _choices(sets[-1], "simpleAssociableChoice")] if sets else []
        out["type"] = "matching"
        out["pairs"] = [{"left": texts.get(a, a), "right": texts.get(b, b)} for a, b in pairs]
        out["distractors"] = [texts[t] for t in targets if t not in matched and t in texts]
    hints = [f.html() for f in item.find_all("modalFeedback") if _WRONG.search(
        f.attrs.get("identifier", "") + " " + f.attrs.get("outcomeIdentifier", ""))]  # fmt: skip
    if hints:
        out["hints"] = hints
    return out


def _key(identifier: str, stem: str, n: int, used: set[str]) -> str:
    key = re.sub(r"[^a-z0-9._-]+", "-", identifier.lower()).strip("-.")
    key = f"{stem}-{key}" if key else f"{stem}-{n}"
    while key in used:
        key += "-b"
    used.add(key)
    return key


def _package(path: Path) -> tuple[list[tuple[str, str, bytes]], AssetReader]:
    """The item files of a package, in its manifest's order, or the one item file, each as
    (label, path in the package, bytes); and how to read the package's other files."""
    if not zipfile.is_zipfile(path):
        folder = path.resolve().parent

        def beside(inside: str) -> bytes | None:  # a lone item's images sit beside it
            found = (folder / inside).resolve()
            return found.read_bytes() if found.is_file() and found.is_relative_to(folder) else None

        return [(path.name, path.name, path.read_bytes())], beside
    with zipfile.ZipFile(path) as z:
        if sum(i.file_size for i in z.infolist()) > MAX_PACKAGE_BYTES:
            raise ContentError([ContentIssue(
                path.name, 0, f"unpacks to more than {MAX_PACKAGE_BYTES // 2**20} MB")])  # fmt: skip
        names = set(z.namelist())
        if "imsmanifest.xml" in names:
            manifest = parse_xml(z.read("imsmanifest.xml"), f"{path.name}:imsmanifest.xml")
            hrefs = [r.attrs.get("href", "") for r in manifest.find_all("resource")
                     if _ITEM_TYPES.match(r.attrs.get("type", ""))]  # fmt: skip
        else:
            hrefs = sorted(n for n in names if n.lower().endswith(".xml"))
        missing = [h for h in hrefs if h not in names]
        if missing:
            raise ContentError([ContentIssue(
                f"{path.name}:imsmanifest.xml", 0, f"names {missing[0]!r}, which is not in it")])  # fmt: skip
        assets = {n: z.read(n) for n in names if not n.endswith("/") and not n.endswith(".xml")}
        return [(f"{path.name}:{h}", h, z.read(h)) for h in hrefs], assets.get


def read_qti(path: Path, *, prefix: str, objective: str) -> list[dict[str, Any]]:
    """Every item of a QTI package or item file; ContentError lists every item's problem."""
    return _read(path, prefix=prefix, objective=objective)[0]


def _read(
    path: Path, *, prefix: str, objective: str
) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The items, and the media files they show (paths inside the course's media folder)."""
    try:
        files, read = _package(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ContentError([ContentIssue(path.name, 0, f"cannot read it: {exc}")]) from None
    issues: list[ContentIssue] = []
    items: list[dict[str, Any]] = []
    media: dict[str, bytes] = {}
    used: set[str] = set()
    for n, (file, href, data) in enumerate(files, start=1):
        try:
            root = parse_xml(data, file)
            key = _key(root.attrs.get("identifier", ""), prefix, n, used)
            item = _item(root, key=key, objective=objective)
            items.append(copy_item_media(item, href=href, label=file, stem=prefix, read=read,
                                         media=media, issues=issues))  # fmt: skip
        except ContentError as exc:
            issues.extend(exc.issues)
        except _Refused as exc:
            issues.append(ContentIssue(file, exc.line, exc.message))
    if issues:
        raise ContentError(issues)
    if not items:
        raise ContentError([ContentIssue(path.name, 0, "no QTI items in it")])
    return items, media


def add_qti_to_course(course_dir: Path, qti_file: Path, objective: str) -> tuple[Path, Path, int]:
    """Write the QTI file's items into the course folder with an activity listing them, for
    ``objective``, and the images they show into its media folder; then load the course. On any
    problem nothing is left written."""
    stem = bank_stem(qti_file, "qti")
    items, media = _read(qti_file, prefix=stem, objective=objective)
    return write_bank(
        course_dir, stem=stem, items=items, objective=objective, source=qti_file.name,
        how="IMS QTI, by learnloop import-qti", media=media,
    )  # fmt: skip
