"""Both languages: every catalogue is complete and every Spanish string keeps its placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/es/LC_MESSAGES/django.po") if ".venv" not in p.parts
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]")


def test_every_app_has_a_spanish_catalogue():
    names = {p.relative_to(ROOT).parts[0] for p in CATALOGUES}
    assert {"locale", "portal", "indicators", "forum", "meetings"} <= names


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_keeps_placeholders(path):
    with open(path, "rb") as handle:
        catalogue = read_po(handle, locale="es")
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            if not set(PLACEHOLDER.findall(string)) <= wanted:
                problems.append(f"placeholder not in the English: {ids[0]!r} -> {string!r}")
        if len(ids) == 1 and set(PLACEHOLDER.findall(strings[0])) != wanted:
            problems.append(f"placeholders differ: {ids[0]!r} -> {strings[0]!r}")
    assert problems == []


# Django's own Spanish catalogue uses three forms (the second for exact millions: "1 millón de
# ..."); every catalogue of the project says the same, so gettext reads one rule everywhere.
DJANGO_SPANISH_PLURALS = (3, "n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_uses_django_spanish_plural_forms(path):
    with open(path, "rb") as handle:
        catalogue = read_po(handle, locale="es")
    assert "plural-forms" in {key.lower() for key, _ in catalogue.mime_headers}
    assert (catalogue.num_plurals, catalogue.plural_expr) == DJANGO_SPANISH_PLURALS
    short = [
        message.id[0]
        for message in catalogue
        if isinstance(message.id, tuple) and (len(message.string) != 3 or not all(message.string))
    ]
    assert short == []
