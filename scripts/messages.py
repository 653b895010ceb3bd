"""Bring the translation catalogs up to date with the source (``make messages``).

Extracts every message the pages and the sentence-writing reports use (the places ``babel.cfg``
names; Python through ``domain.language``: ``words(...)``, ``words.plural(...)``, ``N_(...)``;
templates through ``{% trans %}`` and ``_()``), then updates each
``src/learnloop/locales/<lang>/LC_MESSAGES/messages.po``: new messages come in untranslated,
messages the source no longer uses go. It prints, per language, what is left to translate.
``tests/web/test_catalogs.py`` fails while any is.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src" / "learnloop" / "locales"
# gettext's names, and domain.language.Wording's: words("..."), words.plural("...", "...", n)
# and learnloop's errors (learnloop.exceptions), whose message a page shows (web.rendering.said)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "words": None,
            "plural": (1, 2), "InvalidInput": (2,), "DuplicateName": (2,), "NotFound": None,
            "PermissionDenied": None, "AuthenticationFailed": None, "Conflict": None}  # fmt: skip


def extract(root: Path = ROOT) -> Catalog:
    """Every message of the source, as a catalog template."""
    with (root / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="learnloop", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def write_catalog(catalog: Catalog, path: Path) -> None:
    out = io.BytesIO()
    write_po(out, catalog, width=100, no_location=True, sort_output=True, ignore_obsolete=True)
    # Header lines that change on every run or name nobody say nothing: left out, so that a run
    # with nothing new changes nothing.
    noise = (b'"POT-Creation-Date', b'"PO-Revision-Date', b'"Report-Msgid-Bugs-To',
             b'"Last-Translator', b'"Generated-By')  # fmt: skip
    lines = [
        line for line in out.getvalue().splitlines(keepends=True) if not line.startswith(noise)
    ]
    path.write_bytes(b"".join(lines))


def untranslated(catalog: Catalog) -> list[str]:
    """The messages of a catalog with no translation (or a fuzzy one)."""
    left = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            left.append(message.id if isinstance(message.id, str) else message.id[0])
    return left


def main() -> int:
    template = extract()
    table = Table(title=f"{len(template)} messages in the source")
    table.add_column("language")
    table.add_column("left to translate", justify="right")
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")):
        catalog = read_catalog(po)
        catalog.update(template, no_fuzzy_matching=True)
        write_catalog(catalog, po)
        table.add_row(po.parts[-3], str(len(untranslated(catalog))))
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
