"""The translation catalogs against the source: every message the pages use is translated, no
catalog keeps a message the source dropped, and each translation has its message's
placeholders (a missing or misspelt ``%(name)s`` would fail the page at run time)."""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from learnloop.web.i18n import Catalogs, compile_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _messages_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MESSAGES = _messages_script()
CATALOGS = sorted((ROOT / "src" / "learnloop" / "locales").glob("*/LC_MESSAGES/messages.po"))


@pytest.fixture(scope="module")
def template() -> Catalog:
    return MESSAGES.extract()


def _ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def test_the_source_has_messages_and_french_is_shipped(template: Catalog) -> None:
    assert len(template) > 150  # the learner's pages, reasons and pace (a broken config finds 0)
    assert "Recommended next steps" in template
    assert "Keep going: you are at %(percent)s on %(objective)s." in template  # reports.reasons
    assert [p.parts[-3] for p in CATALOGS] == ["fr"]
    assert Catalogs.load().languages == ["en", "fr"]


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_message_is_translated_and_none_is_stale(po: Path, template: Catalog) -> None:
    catalog = MESSAGES.read_catalog(po)
    missing = _ids(template) - _ids(catalog)
    stale = _ids(catalog) - _ids(template)
    assert not missing, f"run `make messages` and translate: {sorted(map(str, missing))[:10]}"
    assert not stale, f"run `make messages`: {sorted(map(str, stale))[:10]}"
    assert MESSAGES.untranslated(catalog) == []


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_translations_keep_their_placeholders(po: Path) -> None:
    for message in MESSAGES.read_catalog(po):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == wanted, (message.id, string)


def test_a_catalog_with_a_fuzzy_entry_leaves_it_in_english() -> None:
    po = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Home"\nmsgstr "Accueil"\n\n#, fuzzy\nmsgid "Reviews"\nmsgstr "Revues"\n\n'
        'msgid "%(num)s review due"\nmsgid_plural "%(num)s reviews due"\n'
        'msgstr[0] "%(num)s révision"\nmsgstr[1] "%(num)s révisions"\n'
    ).encode()
    translations = compile_po(po, "fr")
    assert translations.gettext("Home") == "Accueil"
    assert translations.gettext("Reviews") == "Reviews"  # a guess is not a translation
    assert (
        translations.ngettext("%(num)s review due", "%(num)s reviews due", 1) == "%(num)s révision"
    )
    assert (
        translations.ngettext("%(num)s review due", "%(num)s reviews due", 0) == "%(num)s révision"
    )
    assert (
        translations.ngettext("%(num)s review due", "%(num)s reviews due", 2) == "%(num)s révisions"
    )


def test_a_day_and_month_read_as_each_language_writes_them() -> None:
    """English without a catalog writes dates as CLDR does, like the pages' other dates: no
    leading zero, the month first."""
    catalogs = Catalogs.load()
    ninth = date(2026, 12, 9)
    assert catalogs.wording("en").day_month(ninth) == "December 9"
    assert catalogs.wording("fr").day_month(ninth) == "9 décembre"
    assert catalogs.wording("en").day_month(date(2027, 3, 16)) == "March 16"


def test_no_message_hides_inside_an_f_string() -> None:
    """Babel's extractor does not look inside an f-string's braces: a message written there would
    never reach a catalog and would show in English whatever the reader's language."""
    hidden = re.compile(
        r"""\bf["'].*\{[^{}]*\b(?:words(?:\.plural)?|_|gettext|ngettext)\(\s*["']"""
    )
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "src" / "learnloop").rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if hidden.search(line)
    ]
    assert found == []
    assert hidden.search("""x = f'<t>{escape(words("no answers yet"))}</t>'""")
