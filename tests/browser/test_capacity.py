"""The secretariat records a training with its trainees and a grant; a member reads the
training page, the financing page and the biennium report's funding table. In a real Chromium."""

import pytest

from meetings.models import Activity, Biennium, Grant, TraineeCount, Training
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_training_and_grant_recorded_and_read(page, cast):
    biennium = Biennium.objects.create(title="Programme 2026-2027", start_year=2026, end_year=2027)
    Activity.objects.create(
        biennium=biennium, code="4(a)", title="Training with the Knowledge Transfer Network"
    )
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")

    page.goto("/meetings/capacity/")
    page.get_by_role("link", name="New training").click()
    page.get_by_label("Title", exact=True).fill("Course on disaggregation by migratory status")
    page.get_by_label("Type", exact=True).select_option("course")
    page.get_by_label("Programme activity").select_option(index=1)
    page.get_by_label("Start date").fill("2026-06-01")
    page.get_by_label("End date").fill("2026-05-01")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The end date is before the start date.").wait_for()
    assert not Training.objects.exists()
    page.get_by_label("End date").fill("2026-06-03")
    page.get_by_label("Trainers").fill("Ana Pérez\nIvan Petrov")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Course on disaggregation by migratory status").wait_for()

    page.get_by_label("Country", exact=True).select_option(label="Kazakhstan")
    page.get_by_label("Women", exact=True).fill("6")
    page.get_by_label("Men", exact=True).fill("4")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Trainees recorded.").wait_for()
    # a second entry for the same country shows the recorded figures and asks first
    page.get_by_label("Country", exact=True).select_option(label="Kazakhstan")
    page.get_by_label("Women", exact=True).fill("7")
    page.get_by_label("Men", exact=True).fill("4")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Kazakhstan already has 6 women and 4 men").wait_for()
    assert TraineeCount.objects.get().women == 6
    screenshot(page, "capacity-training")

    page.goto("/meetings/financing/")
    page.get_by_role("link", name="New grant").click()
    page.get_by_label("Title", exact=True).fill("Knowledge Transfer Network courses")
    page.get_by_label("Donor", exact=True).fill("A bilateral donor")
    page.get_by_label("Amount").fill("25000")
    page.get_by_label("Currency").fill("usd")
    page.get_by_label("Programme activities").select_option(index=0)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Financing").wait_for()
    assert Grant.objects.get().currency == "USD"
    screenshot(page, "capacity-financing")

    page.goto(f"/meetings/programme/{biennium.pk}/report/")
    page.get_by_role("heading", name="Funding").wait_for()
    assert "25,000.00 USD" in page.inner_text("main")
