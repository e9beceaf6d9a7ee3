"""The sheet page shows its values 100 at a time, keeping the indicator filter across pages."""

from decimal import Decimal

from django.utils import timezone

from indicators.models import DataSheet, Indicator, Observation
from indicators.views import SHEET_PAGE_SIZE


def _sheet_with(cast, round_2026, years: dict[str, range]) -> DataSheet:
    sheet = DataSheet.objects.create(country=cast.country_a, round=round_2026, version=1)
    codes = dict(Indicator.objects.values_list("code", "pk"))
    Observation.objects.bulk_create(
        Observation(
            sheet=sheet,
            indicator_id=codes[code],
            disaggregation=f"AGE=Y{i}",
            year=2000 + i % 20,
            value=Decimal(i),
            unit="X",
            entered_at=timezone.now(),
        )
        for code, numbers in years.items()
        for i in numbers
    )
    return sheet


def test_values_are_paged_with_the_filter_kept(client, sheet_world, round_2026):
    sheet = _sheet_with(sheet_world, round_2026, {"3.2.1": range(150), "3.2.2": range(120)})
    client.force_login(sheet_world.users["focal_point"])
    first = client.get(f"/data/sheets/{sheet.pk}/")
    assert len(first.context["observations"]) == SHEET_PAGE_SIZE
    body = first.content.decode()
    assert "270 values" in body and "Values 1–100 of 270." in body
    assert 'href="?page=3"' in body
    last = client.get(f"/data/sheets/{sheet.pk}/?page=3")
    assert len(last.context["observations"]) == 70
    assert "Values 201–270 of 270." in last.content.decode()

    filtered = client.get(f"/data/sheets/{sheet.pk}/?indicator=3.2.1&page=2")
    assert {o.indicator.code for o in filtered.context["observations"]} == {"3.2.1"}
    assert len(filtered.context["observations"]) == 50
    body = filtered.content.decode()
    assert "270 values" in body and 'href="?indicator=3.2.1&amp;page=1"' in body


def test_a_page_out_of_range_or_not_a_number_shows_a_page(client, sheet_world, round_2026):
    sheet = _sheet_with(sheet_world, round_2026, {"3.2.1": range(150)})
    client.force_login(sheet_world.users["focal_point"])
    for page in ("999", "abc", "-1"):
        response = client.get(f"/data/sheets/{sheet.pk}/?page={page}")
        assert response.status_code == 200
        assert len(response.context["observations"]) > 0


def test_a_small_sheet_has_no_page_links(client, sheet_world, round_2026):
    sheet = _sheet_with(sheet_world, round_2026, {"3.2.1": range(5)})
    client.force_login(sheet_world.users["focal_point"])
    body = client.get(f"/data/sheets/{sheet.pk}/").content.decode()
    assert 'class="pagination"' not in body and "5 values" in body
