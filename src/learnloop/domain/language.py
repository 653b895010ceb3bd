"""What the platform's words go through on their way to a person: a translator.

Reports that write sentences for people (a recommendation's reason, the pace toward a goal) take
a ``Translator`` and pass each sentence through it, with its values filled in afterwards, so that
a catalog can give the whole sentence in another language, word order included. The catalogs and
the choice of language belong to the web layer (``web.i18n``); this is only the shape, and the
English that needs no catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from learnloop.exceptions import N_

__all__ = ["ENGLISH", "IN_ENGLISH", "N_", "English", "Translator", "Wording"]


class Translator(Protocol):
    """gettext's two calls (``babel.support.Translations`` is one)."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


class English:
    """The source language: every message is its own translation."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


ENGLISH: Translator = English()


def _english_day_month(day: date) -> str:
    # As CLDR writes English month and day (babel's "MMMMd" skeleton), the form of the pages'
    # other dates ("January 4, 2027"): "December 9", never "09 December".
    return f"{day:%B} {day.day}"


def _english_decimal(value: float) -> str:
    return f"{value:.1f}"


def _english_percent(share: float) -> str:
    return f"{share:.0%}"


@dataclass(frozen=True)
class Wording:
    """How a sentence for a person is written: its words through the translator, and its
    numbers and dates in the reader's conventions ("1.5", "85%", "December 5" in English;
    "1,5", "85 %", "5 décembre" in French)."""

    translator: Translator = ENGLISH
    day_month: Callable[[date], str] = _english_day_month
    decimal: Callable[[float], str] = _english_decimal  # one decimal place
    percent: Callable[[float], str] = _english_percent  # a share from 0 to 1, whole percent

    def __call__(self, message: str, **values: object) -> str:
        """The message translated, with ``%(name)s`` placeholders filled in."""
        text = self.translator.gettext(message)
        return text % values if values else text

    def plural(self, singular: str, plural: str, n: int, **values: object) -> str:
        """``%(num)s`` is n."""
        return self.translator.ngettext(singular, plural, n) % {"num": n, **values}


IN_ENGLISH = Wording()
