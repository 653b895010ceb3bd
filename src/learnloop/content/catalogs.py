"""The languages learnloop speaks: the gettext catalogs shipped under
``learnloop/locales/<lang>/LC_MESSAGES/messages.po``, read once (Babel) and compiled in memory,
each with its language's numbers and dates (CLDR). The pages (``web.i18n``) and the e-mail
reminders (``cli.reminders``) write with them."""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from typing import Self

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from learnloop.domain.language import IN_ENGLISH, Translator, Wording

__all__ = ["SOURCE_LANGUAGE", "Catalogs", "compile_po", "locale_of"]

SOURCE_LANGUAGE = "en"


class Catalogs:
    """Every language learnloop speaks, with its translations; English needs none."""

    def __init__(self, translations: dict[str, Translator], default: str = SOURCE_LANGUAGE):
        # each language's Wording, built once: a request only looks its language up
        self._wordings = {SOURCE_LANGUAGE: IN_ENGLISH} | {
            language: _wording(language, translator)
            for language, translator in translations.items()
        }
        if default not in self._wordings:
            raise ValueError(f"default language {default!r} has no catalog")
        self.default = default

    @classmethod
    def load(cls, default: str = SOURCE_LANGUAGE) -> Self:
        """The catalogs shipped in the package."""
        found: dict[str, Translator] = {}
        root = resources.files("learnloop") / "locales"
        for folder in root.iterdir():
            po = folder / "LC_MESSAGES" / "messages.po"
            if po.is_file():
                found[folder.name] = compile_po(po.read_bytes(), folder.name)
        return cls(found, default)

    @property
    def languages(self) -> list[str]:
        return sorted(self._wordings)

    def speaks(self, language: str | None) -> bool:
        return language in self._wordings

    def wording(self, language: str) -> Wording:
        """Sentences in this language, with its numbers and dates (English for one learnloop
        does not speak)."""
        return self._wordings.get(language, IN_ENGLISH)


def _wording(language: str, translator: Translator) -> Wording:
    locale = locale_of(language)
    return Wording(
        translator=translator,
        day_month=lambda day: format_skeleton("MMMMd", day, locale=locale),
        decimal=lambda value: format_decimal(value, "0.0", locale=locale),
        percent=lambda share: format_percent(share, locale=locale),
    )


@cache
def locale_of(language: str) -> Locale:
    """CLDR's data for a language, parsed once."""
    return Locale.parse(language)


def compile_po(source: bytes, language: str) -> Translations:
    """A .po file as gettext translations, compiled in memory (fuzzy entries left out)."""
    catalog = read_po(io.BytesIO(source), locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)
