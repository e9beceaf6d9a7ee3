"""Everyday actions on a data sheet never lose a value or a word: an upload merges unless the
focal point chooses to replace and confirms the listed removals; the grid keeps the good edits
of a save with one bad cell and can delete a value; the reviewer's comments on values survive
an accept. Each test fails on the portal as it was before these fixes."""

from decimal import Decimal

import pytest

from indicators import services
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.indicators.conftest import PORTAL_CSV, db_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_ROW = "\n".join(PORTAL_CSV.splitlines()[:2]).replace("14.6", "14.7") + "\n"


def _upload(page, path, mode_label=None):
    page.get_by_role("link", name="Upload files").click()
    page.get_by_label("Files").set_input_files(str(path))
    if mode_label:
        page.get_by_label(mode_label).check()
        screenshot(page, "datasheet-upload-mode")
    page.get_by_role("button", name="Check the files").click()


def test_one_row_file_merges_and_replacing_lists_and_confirms_removals(page, draft, tmp_path):
    sheet = draft
    one = tmp_path / "one.csv"
    one.write_text(ONE_ROW, encoding="utf-8")
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.goto(f"/data/sheets/{sheet.pk}/")
    _upload(page, one)
    assert "Mode: merge, nothing is removed." in page.content()
    assert page.locator(".removals").count() == 0
    page.get_by_role("button", name="Store these values in the draft").click()
    assert "1 changed, 0 removed" in page.locator(".messages").inner_text()
    assert sheet.observations.count() == 4

    _upload(page, one, "Replace: the indicators you send are replaced")
    removals = page.locator(".removals")
    assert "3 values will be removed" in removals.inner_text()
    assert "3.2.1 · Akmola Region · 2020" in removals.inner_text()
    screenshot(page, "datasheet-replace-removals")
    before = db_snapshot()
    page.get_by_role("button", name="Store these values in the draft").click()
    assert "confirm the removals first" in page.locator(".messages").inner_text()
    assert db_snapshot() == before
    page.get_by_label("Remove the values listed above from the sheet.").check()
    page.get_by_role("button", name="Store these values in the draft").click()
    assert "0 changed, 3 removed" in page.locator(".messages").inner_text()
    assert list(sheet.observations.values_list("value", flat=True)) == [Decimal("14.7")]


def _cells(sheet):
    return {(o.area_id, o.disaggregation, o.year): o for o in sheet.observations.all()}


def test_grid_keeps_good_edits_names_the_bad_cell_and_deletes_with_a_reason(page, draft):
    cells = _cells(draft)
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.goto(f"/data/sheets/{draft.pk}/")
    page.locator(f"#value-{cells[(None, '', 2015)].pk}").fill("14.2")
    page.locator(f"#value-{cells[(None, '', 2020)].pk}").fill("ten")
    page.get_by_role("button", name="Save the corrections").click()
    messages = page.locator(".messages").inner_text()
    assert "3.2.1 · national · 2020 was not saved: “ten” is not a number." in messages
    assert "1 value saved" in messages and "row " not in messages
    assert page.locator(f"#value-{cells[(None, '', 2015)].pk}").input_value() == "14.2"

    female = cells[(None, "SEX=F", 2020)]
    page.locator(f"#value-{female.pk}").fill("")
    page.get_by_role("button", name="Save the corrections").click()
    assert "say why in the reason for deleting values" in page.locator(".messages").inner_text()
    assert draft.observations.filter(pk=female.pk).exists()
    page.locator(f"#value-{female.pk}").fill("")
    page.get_by_label("Reason for deleting values").fill("Duplicate of the survey value")
    page.get_by_role("button", name="Save the corrections").click()
    assert "1 value deleted" in page.locator(".messages").inner_text()
    assert not draft.observations.filter(pk=female.pk).exists()
    history = page.locator(".history").inner_text()
    assert "9.1 deleted: Duplicate of the survey value" in history
    screenshot(page, "datasheet-grid-delete")


def test_comments_typed_while_accepting_stay_on_the_value_and_the_sheet(page, draft, sheet_world):
    services.datasheet_submit(sheet=draft, user=sheet_world.users["focal_point"])
    total_2020 = _cells(draft)[(None, "", 2020)]
    login(page, "coord@example.org", TEST_PASSWORD)
    page.goto(f"/data/sheets/{draft.pk}/")
    page.locator(f"#vc-{total_2020.pk}").fill("Cite the 2021 census next round")
    page.get_by_label("Accept and publish").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Accepted and published" in page.locator(".messages").inner_text()
    assert (
        "3.2.1 2020: Cite the 2021 census next round"
        in page.locator("#comments-heading + ul").inner_text()
    )
    page.locator(f"a[href$='/values/{total_2020.pk}/history/']").click()
    history = page.locator("table.value-history").inner_text()
    assert "review comment" in history and "Cite the 2021 census next round" in history
    assert "value stored" in history and "kaz.csv, row 3" in history
    screenshot(page, "datasheet-value-history")


def test_agency_dashboard_lists_its_open_cases(page, sheet_world):
    from indicators.models import DiscrepancyCase, Indicator

    agency_user = sheet_world.users["agency_focal_point"]
    case = DiscrepancyCase.objects.create(
        country=sheet_world.country_a,
        indicator=Indicator.objects.get(code="3.2.1"),
        agency=agency_user.agency,
        kind="discrepant values",
        fingerprint="x",
    )
    login(page, "agency@example.org", TEST_PASSWORD)
    page.goto("/")
    attention = page.locator(".attention").inner_text()
    assert "Nothing needs your attention" not in page.content()
    assert f"Open discrepancy case: {sheet_world.country_a.name}, 3.2.1 total" in attention
    page.get_by_role("link", name=f"Open discrepancy case: {sheet_world.country_a.name}").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    screenshot(page, "agency-dashboard-case")


def test_a_template_made_for_another_country_is_refused_naming_it(page, draft, tmp_path):
    from tests.indicators.test_sheets import _kyrgyz_template

    path = tmp_path / "kgz.xlsx"
    path.write_bytes(_kyrgyz_template())
    before = db_snapshot()
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.goto(f"/data/sheets/{draft.pk}/")
    _upload(page, path)
    problems = page.locator("table.problems").inner_text()
    assert "This file is for Kyrgyzstan, not Kazakhstan" in problems
    assert page.get_by_role("button", name="Store these values in the draft").count() == 0
    screenshot(page, "datasheet-other-country")
    assert db_snapshot() == before


def test_reuploading_credits_only_the_changed_value_to_the_new_file(page, draft, tmp_path):
    second = tmp_path / "second.csv"
    second.write_text(PORTAL_CSV.replace("2015,14.6", "2015,14.4"), encoding="utf-8")
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.goto(f"/data/sheets/{draft.pk}/")
    _upload(page, second)
    page.get_by_role("button", name="Store these values in the draft").click()
    assert "0 added, 1 changed, 0 removed" in page.locator(".messages").inner_text()
    entered = page.locator("table.value-grid tbody tr").all_inner_texts()
    assert sum("second.csv" in row for row in entered) == 1
    assert sum("kaz.csv" in row for row in entered) == 3
    assert "second.csv:2" in next(row for row in entered if "2015" in row)
