"""An anonymous visitor crawls the public site in Chromium: every page answers, and nothing the
database holds unpublished appears on any of them, neither in the text nor in the page source:
values of draft, submitted and returned sheets and of superseded sheet versions, values of
superseded international releases, case comments, and the titles of members-only and
restricted meetings (the snapshot is read from the database before the crawl)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.models import (
    CaseComment,
    DataSheet,
    DiscrepancyCase,
    Indicator,
    InternationalObservation,
    Observation,
    ReportingRound,
)
from meetings.models import Meeting, Visibility
from tests.browser.conftest import screenshot
from tests.reports.conftest import INTERNATIONAL, NATIONAL, make_release, make_sheet, run_inline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _unpublished_texts() -> set[str]:
    """Every value of a sheet that is not current and accepted, in both number formats, and
    every case comment: none may appear on a public page."""
    values = [
        *Observation.objects.exclude(
            sheet__status=DataSheet.Status.ACCEPTED, sheet__is_current=True
        ).values_list("value", flat=True),
        *InternationalObservation.objects.filter(release__is_current=False).values_list(
            "value", flat=True
        ),
    ]
    texts: set[str] = set()
    for value in values:
        plain = f"{Decimal(value).normalize():f}"
        texts |= {plain, plain.replace(".", ",")}
    texts |= set(CaseComment.objects.values_list("text", flat=True))
    texts |= set(
        Meeting.objects.exclude(visibility=Visibility.PUBLIC).values_list("title", flat=True)
    )
    return texts


def _unpublished_world(cast) -> None:
    """What the portal holds but must not publish, with values found nowhere published."""
    make_release(cast.agency, {("KAZ", "3.2.1", ""): {2015: 44.4401, 2016: 43.2202}})
    round_2027 = ReportingRound.objects.create(
        code="2027",
        name_en="2027 round",
        name_es="Ronda 2027",
        opens_on=dt.date(2027, 3, 1),
        closes_on=dt.date(2027, 12, 15),
    )
    make_sheet(
        cast.country_a, round_2027, {("KAZ", "3.2.1", ""): {2023: 765.4321}}, status="submitted"
    )
    for visibility, title in (
        (Visibility.MEMBERS, "Members-only consultation on the draft figures"),
        (Visibility.RESTRICTED, "Restricted bilateral meeting on the returned sheet"),
    ):
        Meeting.objects.create(
            title=title,
            kind=Meeting.Kind.WORKSHOP,
            city="Almaty",
            start_date=dt.date(2026, 10, 1),
            end_date=dt.date(2026, 10, 2),
            time_zone="Asia/Almaty",
            status=Meeting.Status.HELD,
            visibility=visibility,
        )


def test_anonymous_crawl_shows_no_draft(page, cast, indicators, round_2026):
    _unpublished_world(cast)  # the old release first: the next one supersedes it
    make_sheet(cast.country_a, round_2026, NATIONAL)
    make_sheet(cast.country_b, round_2026, NATIONAL)
    make_release(cast.agency, INTERNATIONAL, version=2)
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
    assert {"765.4321", "44.4401", "43,2202"} <= forbidden  # submitted, superseded release
    assert "Members-only consultation on the draft figures" in forbidden

    page.goto("/public/")
    seen, queue = set(), ["/public/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        text = page.inner_text("body") + page.content()
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
