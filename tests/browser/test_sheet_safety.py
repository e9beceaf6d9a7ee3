"""Everyday actions on a data sheet never lose a value or a word: an upload merges unless the
focal point chooses to replace and confirms the listed removals; the grid keeps the good edits
of a save with one bad cell and can delete a value; the reviewer's comments on values survive
an accept. Each test fails on the portal as it was before these fixes."""

from decimal import Decimal

import pytest

from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.indicators.conftest import PORTAL_CSV, db_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_ROW = "\n".join(PORTAL_CSV.splitlines()[:2]).replace("14.6", "14.7") + "\n"


def _upload(page, path, mode_label=None):  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Upload files").click()
    page.get_by_label("Files").set_input_files(str(path))
    if mode_label:
        page.get_by_label(mode_label).check()
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
    assert "3.2.1 · KZAKM · 2020" in removals.inner_text()
    screenshot(page, "datasheet-replace-removals")
    before = db_snapshot()
    page.get_by_role("button", name="Store these values in the draft").click()
    assert "confirm the removals first" in page.locator(".messages").inner_text()
    assert db_snapshot() == before
    page.get_by_label("Remove the values listed above from the sheet.").check()
    page.get_by_role("button", name="Store these values in the draft").click()
    assert "0 changed, 3 removed" in page.locator(".messages").inner_text()
    assert list(sheet.observations.values_list("value", flat=True)) == [Decimal("14.7")]
