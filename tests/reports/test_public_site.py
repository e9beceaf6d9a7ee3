"""The public site shows what is accepted and published, to anyone, and nothing else: no draft
or returned sheet's value, no open case's comments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import CaseComment, DiscrepancyCase, Indicator
from indicators.public import selectors

from .conftest import make_sheet, run_inline

DRAFT_VALUE = 987.65
SECRET = "Internal note: the ministry has not signed off"


@pytest.fixture
def published(computed):
    """The computed world, plus a draft and a returned sheet with values nobody published,
    an open case with an internal comment and a closed, explained case."""
    values = {("KAZ", "3.2.1", ""): {2020: DRAFT_VALUE}, ("KGZ", "3.2.1", ""): {2022: 876.54}}
    make_sheet(computed.country_a, computed.round, values, version=2, status="draft")
    make_sheet(computed.country_b, computed.round, values, version=2, status="returned")
    run_inline()  # a run after the drafts exist still reads accepted sheets only
    u5 = Indicator.objects.get(code="3.2.1")
    neo = Indicator.objects.get(code="3.2.2")
    open_case, _c = DiscrepancyCase.objects.get_or_create(
        country=computed.country_a,
        indicator=neo,
        series="",
        defaults={"kind": "values", "fingerprint": "x"},
    )
    CaseComment.objects.create(case=open_case, side="country", text=SECRET)
    DiscrepancyCase.objects.update_or_create(
        country=computed.country_b,
        indicator=u5,
        series="",
        defaults={
            "kind": "values",
            "fingerprint": "y",
            "status": DiscrepancyCase.Status.EXPLAINED,
            "reason": DiscrepancyCase.Reason.ESTIMATE,
        },
    )
    return computed


def _pages(world) -> list[str]:
    return [
        reverse("public:home"),
        reverse("public:country", args=["KAZ"]),
        reverse("public:country", args=["kgz"]),
        reverse("public:indicator", args=["3.2.1"]),
        reverse("public:indicator", args=["3.2.2"]),
    ]


def test_anonymous_sees_published_figures_and_nothing_else(client, published):
    for url in _pages(published):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "987.65" not in text and "987,65" not in text, url
        assert "876.54" not in text and "876,54" not in text, url
        assert SECRET not in text, url
    kaz = client.get(reverse("public:country", args=["KAZ"])).content.decode()
    assert "10.69" in kaz  # the accepted 2019 under-five mortality figure
    kgz = client.get(reverse("public:country", args=["KGZ"])).content.decode()
    assert "International estimate or model" in kgz  # the closed case's reason
    assert "Under review by the country and the agency" in kaz  # the open case, no text


def test_progress_by_goal_counts_headline_series(published):
    rows = {row.goal: row for row in selectors.progress_by_goal()}
    goal3 = rows["SDG 3"]
    # KAZ 3.2.1 and 3.2.2, KGZ 3.2.1: three national headline results, two countries
    assert goal3.assessed == 3 and goal3.countries_reporting == 2
    assert sum(goal3.international.values()) == 3


def test_unknown_country_and_indicator_are_404(client, published):
    assert client.get("/public/countries/XXX/").status_code == 404
    assert client.get("/public/indicators/99.9.9/").status_code == 404
    assert client.get("/public/countries/" + "A" * 500 + "/").status_code == 404


def test_spanish_public_page(client, published):
    client.post(reverse("portal:set_language"), {"language": "es", "next": "/public/"})
    text = client.get(reverse("public:country", args=["KGZ"])).content.decode()
    assert "Estimación o modelo internacional" in text or "estimación" in text.lower()
    assert "Difference and its explanation" not in text


def test_natural_order_of_codes() -> None:
    codes = ["10.7.4", "3.2.1", "MDG10.1", "MDG4.1", "3.10.1"]
    assert sorted(codes, key=selectors.code_key) == [
        "3.2.1",
        "3.10.1",
        "10.7.4",
        "MDG4.1",
        "MDG10.1",
    ]


def test_public_api_needs_no_login_and_shows_published_only(client, published):
    response = client.get(reverse("api_v1:public_country", args=["kgz"]))
    assert response.status_code == 200
    rows = {row["indicator"]: row for row in response.json()}
    assert rows["3.2.1"]["explanation"] == "estimate"
    assert rows["3.2.1"]["national"]["latest_value"] == 17.9  # the accepted 2021 figure
    assert "876.54" not in response.content.decode()
    assert client.get(reverse("api_v1:public_country", args=["XXX"])).status_code == 404
