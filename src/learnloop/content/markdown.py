"""Authored Markdown to HTML that is safe to show: rendered by markdown-it, cleaned by nh3.

Authors may write inline HTML (a table, a <kbd>), so the renderer keeps it, and nh3 (the Ammonia
sanitizer) then removes everything that could run: <script>, event handlers, javascript: URLs,
<iframe>, <style>. Links get rel="noopener noreferrer".
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

__all__ = ["render_markdown", "sanitize_html"]

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
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def render_markdown(text: str, *, inline: bool = False) -> str:
    """Markdown to sanitized HTML; ``inline`` drops the wrapping paragraph of a one-liner."""
    md = _renderer()
    html = md.renderInline(text) if inline else md.render(text)
    return sanitize_html(html).strip()
