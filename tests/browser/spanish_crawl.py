"""What a Spanish page must not show, and a crawler that collects every such word or number.

Used by tests/browser/test_spanish_pages.py. A page is read as the user sees it (the body's
visible text, with user-written content taken out: see `CONTENT_SELECTORS`), then checked for
raw codes, English UI words and numbers in the English format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Raw codes of the engine and the models: none may reach a Spanish page.
RAW_CODES = [
    # progress categories (engine) and their model twins
    "on_track",
    "moderately_off_track",
    "off_track",
    "insufficient_data",
    "target_met",
    "fair_progress",
    "marked_off_track",
    "not_applicable",
    # discrepancy flags and kinds
    "discrepant",
    "classification_differs",
    "values_differ",
    "no_international",
    "no_national",
    "only_national",
    "only_international",
    # model choice codes
    "country_focal_point",
    "country_member",
    "agency_focal_point",
    "sheet_accepted",
    "civil_registration",
    "household_survey",
    "admin_records",
    "annual",
    "quarterly",
    "biennial",
    "monthly",
    "reduce_by",
    "increase_to",
    "reduce_to",
    "relative_reduction",
    "absolute",
    # code list codes
    "BOTHSEX",
    "FEMALE",
    "MALE",
    "_T",
    "PT",
    "PER_1000_LIVE_BIRTHS",
    "PER_100000_LIVE_BIRTHS",
]

# English words of the interface. "No" is left out on purpose: it is also the Spanish word
# (Sí / No), so it cannot tell an untranslated label; "Yes" catches the untranslated pair.
ENGLISH_WORDS = [
    "Submitted",
    "Draft",
    "Accepted",
    "Returned",
    "National",
    "International",
    "Target",
    "Indicator",
    "Indicators",
    "Country",
    "Countries",
    "Year",
    "Value",
    "Source",
    "None",
    "True",
    "False",
    "Yes",
    "Download",
    "Edit",
    "Delete",
    "Save",
    "Search",
    "Status",
    "Unit",
    "Female",
    "Male",
    "Both sexes",
    "Urban",
    "Rural areas",
    "Percent",
    "live births",
    "Annual",
    "Quarterly",
    "on track",
    "off track",
    "Insufficient",
    "discrepant",
    "Queued",
    "Running",
    "Succeeded",
    "Failed",
    "baseline",
    "cut-off",
    # Small words that are never Spanish, and the buttons and labels most often left over.
    "the",
    "The",
    "and",
    "of",
    "Cancel",
    "Submit",
    "Printed",
    "Previous",
    "Next",
]

# The English number format: a decimal point between digits (12.5), or thousands commas. A
# single comma group ("4,807") is also a Spanish decimal, so only what Spanish cannot mean is
# flagged: two or more comma groups (1,234,567) or a comma group followed by a decimal point.
ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:,\d{3}){2,}(?![\w,])"
    r"|(?<![\w.,])\d{1,3}(?:,\d{3})+\.\d+(?![\w.])"
    r"|(?<![\w.,])\d+\.\d+(?![\w.])"
)

# Tokens that look like English numbers but are codes, listed explicitly:
# - SDG goal/target/indicator codes (3.2, 3.2.1, 17.18.1) are identifiers, not quantities, and
#   are taken from the database by the test (`allowed_tokens`) rather than by pattern;
# - "ISO 8601" dates use hyphens and times use colons, so they never match the pattern.
CODE_TOKENS: set[str] = set()

# Where users' own words are shown as a whole element (forum posts, the user's name, code and
# file samples, the "English" option of the language selector): left out of the check. The
# test also takes out every multi-word text people typed into the database (`Crawl.typed`).
# `.exact` cells show a value exactly as it will be stored (upload preview, version diff): there
# rounding would hide the very change being checked; they are still in the Spanish format.
CONTENT_SELECTORS = [
    ".exact",
    "[data-user-content]",
    ".post-body",
    ".user-link",
    "code",
    "pre",
    "[lang='en']",
]


def words_pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w=])(?:{alternatives})(?![\w=])")


CODE_RE = re.compile(
    r"(?<![\w])(?:"
    + "|".join(re.escape(c) for c in sorted(RAW_CODES, key=len, reverse=True))
    + r")"
    r"(?![A-Za-z0-9_])"
)
WORD_RE = words_pattern(ENGLISH_WORDS)
# Any snake_case or SCREAMING_SNAKE token is a code, whatever its list (choices added later too).
SNAKE_RE = re.compile(
    r"(?<![\w.@/-])(?:[A-Z][A-Z_]+=\w+|[a-z]+(?:_[a-z0-9]+)+|_?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w@/-])"
)
# A date in the machine's format (2026-12-06): pages show the locale's (06/12/2026); ISO stays in
# exports, `<time datetime=...>` attributes and code cells (taken out by `CONTENT_SELECTORS`).
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
# A float shown with more than four decimals was not rounded for display.
LONG_FLOAT = re.compile(r"(?<![\w.,])\d+,\d{5,}(?![\w])")


def problems_in(text: str, allowed: set[str]) -> list[str]:
    """Every raw code, English word, English-formatted number and ISO date in a page's visible
    text."""
    found = [m.group(0) for m in CODE_RE.finditer(text)]
    found += [m.group(0) for m in WORD_RE.finditer(text)]
    found += [m.group(0) for m in SNAKE_RE.finditer(text)]
    found += [f"unrounded {m.group(0)}" for m in LONG_FLOAT.finditer(text)]
    found += [f"ISO date {m.group(0)}" for m in ISO_DATE.finditer(text)]
    found += [m.group(0) for m in ENGLISH_NUMBER.finditer(text) if m.group(0) not in allowed]
    return found


VISIBLE_TEXT_JS = """(selectors) => {
  const body = document.body.cloneNode(true);
  for (const sel of selectors) body.querySelectorAll(sel).forEach(e => e.remove());
  body.querySelectorAll('script, style, template').forEach(e => e.remove());
  // Folded sections (<details>) are one click away: read them open.
  body.querySelectorAll('details').forEach(e => { e.open = true; });
  // Option labels and SVG text are visible too (select boxes, chart ticks and labels).
  const extra = [];
  document.querySelectorAll('svg text').forEach(e => extra.push(e.textContent));
  document.querySelectorAll('select option').forEach(e => {
    if (!selectors.some(s => e.closest(s))) extra.push(e.textContent);
  });
  document.body.appendChild(body); body.style.display = 'block';
  body.style.position = 'absolute'; body.style.left = '-99999px';
  const text = body.innerText;
  body.remove();
  return text + '\\n' + extra.join('\\n');
}"""

TRUNCATED = re.compile(r"[^\n\t…]{8,}…")


def without_typed(text: str, typed: list[str]) -> str:
    """The text with what people typed taken out, also where a page cut it short ("…"),
    possibly after a code ("3.10 Develop tools for nat…")."""
    for value in typed:
        if value in text:
            text = text.replace(value, " ")

    def cut(match: re.Match[str]) -> str:
        words = match.group(0)[:-1].split(" ")
        for start in range(min(3, len(words))):
            head = " ".join(words[start:]).strip()
            if len(head) >= 8 and any(value.startswith(head) for value in typed):
                return " ".join(words[:start]) + " "
        return match.group(0)

    return TRUNCATED.sub(cut, text)


SKIP = re.compile(
    r"^/(admin|api|static|media|accounts/logout|i18n)/|\.(xlsx|csv|ics|json|xml|pdf|zip|svg|png)$"
    r"|/download/|/template\.xlsx|/(new|edit|start|register|unregister|submit|upload|update)/"
)


def url_shape(path: str) -> str:
    """The URL with its ids, codes and slugs blanked: the crawler visits a few pages of each shape."""
    path = re.sub(r"/(c|u)/[^/]+/", r"/\1/*/", path)
    return re.sub(r"/(?:[A-Z]{3}|[^/]*\d[^/]*)(?=/)", "/*", path)


@dataclass
class Crawl:
    allowed: set[str]
    typed: list[str] = field(default_factory=list)
    per_shape: int = 2
    limit: int = 150
    seen: set[str] = field(default_factory=set)
    shapes: dict[str, int] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def run(self, page, start: list[str]) -> None:
        queue = list(start)
        forced = set(start)
        while queue and len(self.seen) < self.limit:
            url = queue.pop(0)
            if url in self.seen:
                continue
            shape = url_shape(url)
            if url not in forced and self.shapes.get(shape, 0) >= self.per_shape:
                continue
            self.seen.add(url)
            self.shapes[shape] = self.shapes.get(shape, 0) + 1
            response = page.goto(url)
            assert response is not None and response.status == 200, (
                url,
                response and response.status,
            )
            assert page.evaluate("document.documentElement.lang") == "es", url
            text = page.evaluate(VISIBLE_TEXT_JS, CONTENT_SELECTORS)
            text = without_typed(text, self.typed)
            found = problems_in(text, self.allowed)
            if found:
                self.problems[url] = sorted(set(found))
            for href in page.eval_on_selector_all(
                "a[href]", "els => els.map(e => e.getAttribute('href'))"
            ):
                parts = urlsplit(href)
                if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if parts.query and "page=" not in parts.query:
                    target = parts.path
                if SKIP.search(parts.path) or target in self.seen:
                    continue
                queue.append(target)
