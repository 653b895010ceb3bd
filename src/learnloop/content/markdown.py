"""Authored Markdown to HTML that is safe to show: rendered by markdown-it, cleaned by nh3.

Authors may write inline HTML (a table, a <kbd>), so the renderer keeps it, and nh3 (the Ammonia
sanitizer) then removes everything that could run: <script>, event handlers, javascript: URLs,
<iframe>, <style>. Links get rel="noopener noreferrer".

Inside ``media_links(base)`` (the course loader, around a course's text), a link or source that
names ``media/<path>`` (the course's own media folder, ``content.course_media``) is rewritten to
``<base><path>``, where the platform serves it.
"""

from __future__ import annotations

import html as html_entities
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

__all__ = ["media_links", "plain_text", "render_markdown", "sanitize_html"]

# Tags beyond nh3's defaults that course text needs: figures and media with their captions.
_EXTRA_TAGS = {"figure", "figcaption", "video", "audio", "source", "track"}
_EXTRA_ATTRIBUTES = {
    "video": {"src", "controls", "width", "height", "poster", "preload"},
    "audio": {"src", "controls", "preload"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
}


_MEDIA_BASE: ContextVar[str | None] = ContextVar("learnloop_media_base", default=None)
_LINKING = frozenset({"src", "href", "poster"})
_OWN_MEDIA = "media/"


@contextmanager
def media_links(base: str) -> Iterator[None]:
    """Render ``media/<path>`` links as ``<base><path>`` inside the block."""
    token = _MEDIA_BASE.set(base)
    try:
        yield
    finally:
        _MEDIA_BASE.reset(token)


def _own_media(base: str) -> Callable[[str, str, str], str | None]:
    def rewrite(_element: str, attribute: str, value: str) -> str | None:
        if attribute in _LINKING and value.startswith(_OWN_MEDIA):
            return base + value[len(_OWN_MEDIA) :]
        return value

    return rewrite


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
        "table"
    )


def sanitize_html(html: str) -> str:
    tags = set(nh3.ALLOWED_TAGS) | _EXTRA_TAGS
    attributes = {k: set(v) for k, v in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, attrs in _EXTRA_ATTRIBUTES.items():
        attributes[tag] = attributes.get(tag, set()) | attrs
    base = _MEDIA_BASE.get()
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
        attribute_filter=None if base is None else _own_media(base),
    )


def render_markdown(text: str, *, inline: bool = False) -> str:
    """Markdown to sanitized HTML; ``inline`` drops the wrapping paragraph of a one-liner."""
    md = _renderer()
    html = md.renderInline(text) if inline else md.render(text)
    return sanitize_html(html).strip()


def plain_text(markup: str) -> str:
    """The words of rendered course text, without its tags and with its spacing collapsed: for
    formats that hold plain text (a CASE statement, a spreadsheet's cell)."""
    return " ".join(html_entities.unescape(nh3.clean(markup, tags=set())).split())
