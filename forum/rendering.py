"""Markdown to safe HTML: raw HTML disabled, output sanitised with an allow-list.

`render_markdown` is pure (no database); mentions are linked by `link_mentions` for the
handles the caller found to exist. Unknown handles stay plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

HANDLE_PATTERN = r"[a-z0-9](?:[a-z0-9._-]{0,28}[a-z0-9])?"
MENTION_RE = re.compile(r"(?<![\w@./-])@(" + HANDLE_PATTERN + r")(?![\w-])", re.IGNORECASE)
_TAG_RE = re.compile(r"(<[^>]*>)")

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])


def _shift_headings(html: str) -> str:
    # A post sits under the page's own h1/h2: its headings start at h3.
    return re.sub(r"<(/?)h1>", r"<\1h3>", html)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Render `source` (Markdown, raw HTML shown as text) to sanitised HTML."""
    return sanitise(_shift_headings(_md.render(source)))


def find_mentions(source: str) -> set[str]:
    """The lower-cased handles `@mentioned` in a Markdown source (outside code)."""
    text = re.sub(r"```.*?```|`[^`]*`", " ", source, flags=re.DOTALL)
    return {match.lower() for match in MENTION_RE.findall(text)}


def link_mentions(html: str, handles: Iterable[str], url_for: Callable[[str], str]) -> str:
    """Turn `@handle` in text (not inside links or code) into a link, for known handles."""
    known = {h.lower() for h in handles}
    if not known:
        return html
    parts = _TAG_RE.split(html)
    depth = {"a": 0, "code": 0, "pre": 0}
    for index, part in enumerate(parts):
        if part.startswith("<"):
            match = re.match(r"<(/?)(a|code|pre)\b", part)
            if match:
                depth[match.group(2)] += -1 if match.group(1) else 1
            continue
        if any(depth.values()) or "@" not in part:
            continue

        def replace(match: re.Match[str]) -> str:
            handle = match.group(1).lower()
            if handle not in known:
                return match.group(0)
            return (
                f'<a class="mention" href="{escape(url_for(handle))}">@{escape(match.group(1))}</a>'
            )

        parts[index] = MENTION_RE.sub(replace, part)
    return sanitise("".join(parts))


def quote_source(*, handle: str, source: str) -> str:
    """A Markdown quotation of `source`, attributed to `@handle`."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in source.strip().splitlines())
    return f"> **@{handle}**:\n>\n{quoted}\n\n"
