from __future__ import annotations

from html.parser import HTMLParser

import pytest

from learnloop.content import render_markdown


class Tags(HTMLParser):
    """Every tag and attribute of some HTML, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.add(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        "<svg onload=alert(1)></svg>",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_render_markdown_removes_everything_that_runs(hostile: str) -> None:
    html = render_markdown(f"Text before\n\n{hostile}\n\nText after")
    tags = Tags()
    tags.feed(html)
    assert not tags.found & {"script", "iframe", "svg", "object", "embed", "style"}, html
    for tag, name, value in tags.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name != "style", (tag, name)
        assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert "Text before" in html
    assert "Text after" in html


def test_render_markdown_keeps_formatting_tables_and_safe_links() -> None:
    html = render_markdown(
        "**bold** [site](https://example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">site</a>' in html
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_inline_rendering_drops_the_paragraph() -> None:
    assert render_markdown("*a* b", inline=True) == "<em>a</em> b"
