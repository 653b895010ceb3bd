"""Pages in the reader's language: catalogs, the choice of language, and Jinja's gettext.

The catalogs are the gettext ``.po`` files under ``learnloop/locales/<lang>/LC_MESSAGES/``,
read once at start (Babel) and compiled in memory: the repository holds text only. A request's
language is the one the reader chose (the ``lang`` cookie, set by the language form at the foot
of every page), else the first of their browser's languages (Accept-Language) that has a
catalog, else the instance's default. A message with no translation shows in English.

Templates mark text with ``{% trans %}`` and ``_()`` (Jinja's i18n extension, new-style:
``_("%(n)s due", n=3)`` escapes and fills in). The catalog in force for the page being rendered
is held in a context variable that ``use`` sets around each render.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from jinja2 import Environment
from markupsafe import Markup

from learnloop.content import catalogs
from learnloop.content.catalogs import SOURCE_LANGUAGE, compile_po, locale_of
from learnloop.domain.item_reports import MAX_REPORT_COMMENT, MAX_REPORT_REPLY
from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.reports.xapi_formats import accepted_languages
from learnloop.web.vocabulary import (
    MODALITY_LABELS,
    PACE_LABELS,
    REPORT_KIND_LABELS,
    ROLE_LABELS,
    STATE_LABELS,
)

__all__ = [
    "LANGUAGE_COOKIE",
    "SOURCE_LANGUAGE",
    "Catalogs",
    "compile_po",
    "install",
    "use",
]

LANGUAGE_COOKIE = "lang"
# The date formats templates ask for by name (CLDR's, so each language writes its own order).
DATE_FORMATS = ("short", "medium", "long", "day-month")


class Catalogs(catalogs.Catalogs):
    """The catalogs (``content.catalogs``), and how a request's language is chosen from them."""

    def choose(self, cookie: str | None, accept_language: str | None) -> str:
        """The reader's language: their choice, their browser's, or the instance's."""
        if cookie is not None and self.speaks(cookie):
            return cookie
        for tag in accepted_languages(accept_language):
            primary = tag.split("-")[0].lower()
            if self.speaks(primary):
                return primary
        return self.default


_current: ContextVar[tuple[str, Wording]] = ContextVar(
    "learnloop_language", default=(SOURCE_LANGUAGE, IN_ENGLISH)
)


@contextmanager
def use(language: str, words: Wording) -> Iterator[None]:
    """Render in this language inside the block."""
    token = _current.set((language, words))
    try:
        yield
    finally:
        _current.reset(token)


def _gettext(message: str) -> str:
    return _current.get()[1].translator.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _current.get()[1].translator.ngettext(singular, plural, n)


def _format_date(value: date | datetime, form: str = "medium") -> str:
    if form not in DATE_FORMATS:
        raise ValueError(f"unknown date format {form!r}; one of {', '.join(DATE_FORMATS)}")
    locale = locale_of(_current.get()[0])
    if form == "day-month":  # "Dec 5" in English, "5 déc." in French
        return format_skeleton("MMMd", value, locale=locale)
    return format_date(value, form, locale=locale)


def _format_percent(share: float) -> str:
    """A share from 0 to 1 as a whole percentage: "85%", "85 %"."""
    return _current.get()[1].percent(share)


def _format_number(value: float, places: int = 2) -> str:
    """A measure to ``places`` decimal places, such as an AUC or a log loss: "0.74", "0,74"."""
    pattern = "0." + "0" * places if places else "0"
    return format_decimal(value, format=pattern, locale=locale_of(_current.get()[0]))


def _format_datetime(value: datetime) -> str:
    """Day, month and time: "Dec 5, 14:03", "5 déc., 14:03"."""
    day = format_skeleton("MMMd", value, locale=locale_of(_current.get()[0]))
    return f"{day}, {value:%H:%M}"


def install(env: Environment) -> None:
    """Give a Jinja environment gettext in the language of the page being rendered, the
    ``date``, ``datetime``, ``percent`` and ``number`` filters in its conventions (``{{ when|date("long") }}``),
    and the words for the platform's codes (``web.vocabulary``)."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = (
        True  # a {% trans %} block's line breaks are not the message's
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    env.filters["date"] = _format_date
    env.filters["datetime"] = _format_datetime
    env.filters["percent"] = _format_percent
    env.filters["number"] = _format_number
    env.globals["language_name"] = language_name
    env.globals["lang_of"] = lang_of
    env.globals["labels"] = MODALITY_LABELS
    env.globals["states"] = STATE_LABELS
    env.globals["roles"] = ROLE_LABELS
    env.globals["paces"] = PACE_LABELS
    env.globals["report_kinds"] = REPORT_KIND_LABELS
    env.globals["max_reply"] = MAX_REPORT_REPLY
    env.globals["max_report_comment"] = MAX_REPORT_COMMENT


def lang_of(code: str) -> Markup:
    """` lang="..."` for text written in another language than the page's (authored course text
    on a page in the reader's language; WCAG 2.1, 3.1.2), else nothing."""
    if code.split("-")[0].lower() == _current.get()[0]:
        return Markup("")
    return Markup(' lang="%s"') % code


def language_name(code: str) -> str:
    """A language's name in itself: "English", "français"."""
    return locale_of(code).get_display_name(code) or code
