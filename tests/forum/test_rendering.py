"""Markdown rendering: raw HTML is text, links are sanitised, mentions are linked."""

from __future__ import annotations

import re

import pytest

from forum.rendering import find_mentions, link_mentions, quote_source, render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "![img](javascript:alert(1))",
        "<iframe src=https://evil.example></iframe>",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_script_injection_never_survives(source):
    html = render_markdown(source)
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)
    for tag in tags:
        name = re.match(r"<([a-zA-Z0-9]+)", tag).group(1).lower()
        assert name not in {"script", "img", "iframe", "svg", "object"}
        assert not re.search(r"\son\w+=", tag)
        for href in re.findall(r'href="([^"]*)"', tag):
            assert href.startswith(("http://", "https://", "mailto:", "/")), href


def test_raw_html_is_shown_as_text():
    assert "&lt;script&gt;" in render_markdown("<script>alert(1)</script>")


def test_allowed_links_get_rel():
    html = render_markdown("[IGME](https://childmortality.org) and <mailto:a@example.org>")
    assert 'href="https://childmortality.org"' in html
    assert 'rel="nofollow noopener"' in html
    assert 'href="mailto:a@example.org"' in html


def test_markdown_features():
    html = render_markdown(
        "# Title\n\n**bold** *it* ~~old~~\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html
    assert "<blockquote>" in html
    assert "<table>" in html
    assert "<s>old</s>" in html


def test_mentions_found_outside_code():
    assert find_mentions("Hi @Uma and @bakyt.k, not `@code` or a@b.org") == {"uma", "bakyt.k"}


def test_known_mentions_linked_unknown_left_as_text():
    html = render_markdown("Hello @uma and @nobody")
    linked = link_mentions(html, ["uma"], lambda h: f"/forum/u/{h}/")
    assert '<a class="mention" href="/forum/u/uma/"' in linked
    assert "@nobody" in linked and "/u/nobody/" not in linked


def test_mentions_not_linked_in_code_or_links():
    html = render_markdown("`@uma` and [@uma](https://x.example)")
    linked = link_mentions(html, ["uma"], lambda h: f"/forum/u/{h}/")
    assert "/forum/u/uma/" not in linked


def test_mention_with_markup_is_harmless():
    html = render_markdown('@uma"><script>alert(1)</script>')
    linked = link_mentions(html, ["uma"], lambda h: f"/forum/u/{h}/")
    assert "<script" not in linked


def test_quote_source():
    quoted = quote_source(handle="uma", source="line one\n\nline two")
    assert quoted.startswith("> **@uma**:")
    assert "> line one\n>\n> line two" in quoted
