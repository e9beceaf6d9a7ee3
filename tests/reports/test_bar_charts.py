"""The server-side bar chart: scale, labels, key, escaping."""

from django.utils import translation

from indicators.reports.bar_charts import BarSeries, bar_chart


def _ticks(svg: str) -> list[str]:
    import re

    return re.findall(r'text-anchor="end">([^<]*)</text>', svg)


def test_counts_get_whole_ticks_and_a_value_per_bar():
    svg = bar_chart(
        title="Open <cases>",
        groups=["a", "b"],
        series=[BarSeries("open", [1.0, 2.0])],
        whole=True,
    )
    assert _ticks(svg) == ["0", "1", "2", "3", "4"]
    assert svg.count('<rect class="bar s0"') == 2 + 1  # two bars and the key
    assert 'aria-label="Open &lt;cases&gt;"' in svg and "<cases>" not in svg


def test_shares_as_percent_in_the_active_language():
    with translation.override("es"):
        svg = bar_chart(
            title="t",
            groups=["2024", "2025"],
            series=[BarSeries("x", [0.375, None]), BarSeries("y", [0.5, 1.0])],
            maximum=1.0,
            percent=True,
        )
    assert _ticks(svg) == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert "37,5 %" in svg
    # No bar for a missing value; one key line per series.
    assert svg.count('<rect class="bar s0"') == 1 + 1
    assert svg.count('<rect class="bar s1"') == 2 + 1
