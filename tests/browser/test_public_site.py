"""An anonymous visitor crawls the public site in Chromium: every page answers, and no value of
a sheet that is not accepted, nor any comment, appears on any of them (compared against what
the database holds unpublished)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.models import CaseComment, DataSheet, DiscrepancyCase, Indicator, Observation
from tests.browser.conftest import screenshot
from tests.reports.conftest import INTERNATIONAL, NATIONAL, make_release, make_sheet, run_inline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _unpublished_texts() -> set[str]:
    """Every value of a sheet that is not current and accepted, in both number formats, and
    every case comment: none may appear on a public page."""
    values = Observation.objects.exclude(
        sheet__status=DataSheet.Status.ACCEPTED, sheet__is_current=True
    ).values_list("value", flat=True)
    texts: set[str] = set()
    for value in values:
        plain = f"{Decimal(value).normalize():f}"
        texts |= {plain, plain.replace(".", ",")}
    texts |= set(CaseComment.objects.values_list("text", flat=True))
    return texts


def test_anonymous_crawl_shows_no_draft(page, cast, indicators, round_2026):  # type: ignore[no-untyped-def]
    make_sheet(cast.country_a, round_2026, NATIONAL)
    make_sheet(cast.country_b, round_2026, NATIONAL)
    make_release(cast.agency, INTERNATIONAL)
    draft = {("KAZ", "3.2.1", ""): {2020: 987.65}, ("KAZ", "3.2.2", ""): {2021: 3.14159}}
    make_sheet(cast.country_a, round_2026, draft, version=2, status="draft")
    make_sheet(
        cast.country_b,
        round_2026,
        {("KGZ", "3.2.1", ""): {2022: 876.54}},
        version=2,
        status="returned",
    )
    assert run_inline().status == "succeeded"
    case, _c = DiscrepancyCase.objects.get_or_create(
        country=cast.country_a,
        indicator=Indicator.objects.get(code="3.2.2"),
        series="",
        defaults={"kind": "values", "fingerprint": "x"},
    )
    CaseComment.objects.create(case=case, side="agency", text="Our model is not final")
    forbidden = _unpublished_texts()
    assert {"987.65", "876.54", "Our model is not final"} <= forbidden

    page.goto("/public/")
    seen, queue = set(), ["/public/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        text = page.inner_text("body")
        leaked = [t for t in forbidden if t in text]
        assert not leaked, (url, leaked)
        for href in page.eval_on_selector_all(
            "a[href^='/public/']", "els => els.map(e => e.getAttribute('href'))"
        ):
            if href not in seen:
                queue.append(href)
    assert "/public/countries/KAZ/" in seen and "/public/indicators/3.2.1/" in seen
    assert len(seen) > 10
    page.goto("/public/countries/KAZ/")
    assert "10.69" in page.inner_text("main")
    screenshot(page, "public-country")
