"""Display helpers: numbers in the locale and rounded, codes in words, chart rules and ticks."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from indicators import display as labels
from indicators.reports import charts
from portal import display

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("value", "english", "spanish"),
    [
        (10.69, "10.69", "10,69"),
        (0.080841, "0.0808", "0,0808"),
        (0.01145, "0.0115", "0,0115"),
        (2015, "2015", "2015"),  # four digits: never grouped (years)
        (12345.678, "12,346", f"12{NBSP}346"),
        (1234567.8, "1,234,568", f"1{NBSP}234{NBSP}568"),
        (-0.325, "-0.325", "-0,325"),
        (5.0, "5", "5"),
        (0, "0", "0"),
        (None, "–", "–"),
        ("", "–", "–"),
        ("n/a", "n/a", "n/a"),  # not a number: shown as given, never an error
        (float("nan"), "nan", "nan"),
    ],
)
def test_number_in_both_languages(value, english, spanish):
    with translation.override("en"):
        assert display.number(value) == english
    with translation.override("es"):
        assert display.number(value) == spanish


def test_exact_keeps_every_digit():
    with translation.override("es"):
        assert display.exact("123456.123456789") == f"123{NBSP}456,123456789"
        assert display.exact("12.50") == "12,5"
        assert display.exact(None) == "–"
        assert display.exact("1E+30") == f"1{NBSP}000" * 1 + f"{NBSP}000" * 9
    with translation.override("en"):
        assert display.number(1e30) == "1,000,000,000,000,000,000,000,000,000,000"


def test_codes_in_spanish_words():
    with translation.override("es"):
        assert labels.code_name("PT", "UNIT_MEASURE") == "Porcentaje"
        assert labels.code_name("F", "SEX") == "Femenino"
        assert labels.code_name("NOT_A_CODE", "SEX") == "NOT_A_CODE"
        assert labels.disaggregation("AGE=Y0T4;SEX=F") == "edad: Menores de 5 años; sexo: Femenino"
        assert labels.disaggregation("") == ""
        assert labels.code_label("on_track") == "en camino"
        assert labels.code_label("national_only") != "national_only"
        assert labels.case_kind("discrepant,classification_differs") == (
            "los valores difieren, la clasificación difiere"
        )
        assert labels.periodicity("Quarterly") == "trimestral"
        assert labels.periodicity("every leap year") == "every leap year"  # typed: as typed
        counts = dict(labels.run_counts({"national": {"on_track": 3}, "indicators": 12345}))
        assert counts == {"series nacionales": "en camino: 3", "indicadores": f"12{NBSP}345"}
    with translation.override("en"):
        assert labels.code_name("PT", "UNIT_MEASURE") == "Percent"


def _chart(target: float | None, cutoff: float | None) -> str:
    data = charts.ChartData(
        title="t",
        unit="",
        national=[charts.Point(2015, 40.0), charts.Point(2020, 30.0)],
        target=target,
        cutoff=cutoff,
        target_year=2030,
    )
    return str(charts.progress_chart(data))


def test_target_and_cutoff_equal_are_drawn_once():
    with translation.override("es"):
        svg = _chart(25.0, 25.0)
    assert svg.count('class="rule target"') == 1 and 'class="rule cutoff"' not in svg
    assert "meta y umbral: 25" in svg


def test_close_rule_labels_do_not_overlap():
    svg = _chart(25.0, 25.5)
    ys = [
        float(y)
        for y in re.findall(r'<text class="rule-label [a-z]+" x="[\d.]+" y="([\d.-]+)"', svg)
    ]
    assert len(ys) == 2 and abs(ys[0] - ys[1]) >= charts.LABEL_GAP - 1


def test_ticks_are_round_and_localised():
    with translation.override("es"):
        svg = _chart(2.5, None)
    ticks = re.findall(r'<text class="tick" x="[\d.]+" y="[\d.]+" text-anchor="end">([^<]+)<', svg)
    assert ticks == ["0", "10", "20", "30", "40", "50"]
    with translation.override("es"):
        small = str(
            charts.progress_chart(
                charts.ChartData(
                    title="t",
                    unit="",
                    national=[charts.Point(2015, 0.3), charts.Point(2020, 0.1)],
                )
            )
        )
    assert "0,1" in small and "0.1" not in re.sub(r'"[^"]*"', "", small)


def test_t_star_label_sits_below_the_year_labels():
    data = charts.ChartData(
        title="t",
        unit="",
        national=[charts.Point(2015, 40.0), charts.Point(2020, 30.0)],
        target=25.0,
        target_year=2030,
        t_star=2024.0,
    )
    svg = str(charts.progress_chart(data))
    years = [
        float(y)
        for y in re.findall(r'class="tick" x="[\d.]+" y="([\d.]+)" text-anchor="middle"', svg)
    ]
    star = float(re.search(r'class="tstar-label" x="[\d.]+" y="([\d.]+)"', svg).group(1))
    mark_top = float(re.search(r'class="tstar" d="M[\d.]+,([\d.]+)', svg).group(1))
    assert years and mark_top > max(years) and star - max(years) >= charts.LABEL_GAP
    assert star <= 266
