"""The coordinator runs a reporting round from the portal, end to end, in a real Chromium:
invites a focal point by e-mail (the invitee accepts and logs in), opens a round with a
deadline and indicators, the daily reminder task e-mails the late country, the completeness
dashboard shows it not started and late, an indicator's target is edited, the engine rerun
completes, the indicator's results page shows the recomputed figures, and the synthesis of
the country data sheets marks the country without accepted subnational values."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from indicators.demo import demo_load as indicators_demo
from indicators.models import EngineRun, Indicator, ReportingRound
from indicators.reports import services as reports
from portal.demo import demo_load as portal_demo
from portal.models import Organisation, User
from portal.secretariat.models import IndicatorChange
from portal.secretariat.tasks import send_round_reminders
from portal.services import reference_data_load
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "secretariat@demo.wg.example"
INDICATOR = "3.2.1"


def _shot(page, name: str) -> None:
    """Keep the screenshot with the others and a copy in /tmp to look at."""
    path = screenshot(page, f"secretariat-flow-{name}")
    shutil.copy(path, f"/tmp/secadmin-flow-{name}.png")


def _logout(page) -> None:
    page.get_by_role("button", name=re.compile("Log out|Cerrar sesión")).click()
    page.wait_for_load_state()


def _finish(run: EngineRun) -> EngineRun:
    """Embedded default: the run already ran in the web process. With a broker and no worker
    in the test session, run the queued run here, the same steps as the Celery chord."""
    run.refresh_from_db()
    if run.status == EngineRun.Status.QUEUED and settings.CELERY_BROKER_URL:
        reports.engine_run_inline(run=run)
        run.refresh_from_db()
    return run


def _results(page) -> dict[str, str]:
    """The indicator page's rows: country -> the whole row's text."""
    page.goto(f"/data/reports/indicators/{INDICATOR}/")
    rows = page.locator("table.table tbody tr")
    return {
        rows.nth(i).locator("th").inner_text().strip(): rows.nth(i).inner_text()
        for i in range(rows.count())
    }


def test_coordinator_runs_a_round_end_to_end(page):
    reference_data_load()
    portal_demo()
    indicators_demo()
    User.objects.filter(email=COORDINATOR).update(language="en")
    first = _finish(
        reports.engine_run_queue(trigger=EngineRun.Trigger.MANUAL, indicator_codes=[INDICATOR])
    )
    assert first.status == EngineRun.Status.SUCCEEDED
    nso_kgz = Organisation.objects.get(country__iso3="KGZ", kind=Organisation.Kind.NSO)

    # 1. The coordinator invites a focal point of Kyrgyzstan; the link comes by e-mail.
    login(page, COORDINATOR, settings.PORTAL_DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Secretariat").first.click()
    page.get_by_role("link", name="Members").first.click()
    invite = page.get_by_role("region", name="Invite a person")
    invite.get_by_label("E-mail address").fill("aida@stat.kg")
    invite.get_by_label("Full name").fill("Aida Focal")
    invite.get_by_label("Role").select_option("country_focal_point")
    invite.get_by_label("Organisation").select_option(label=nso_kgz.name)
    invite.get_by_label("Language of the e-mail").select_option("en")
    invite.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("aida@stat.kg was invited").wait_for()
    _shot(page, "1-invited")
    invitation_mail = mail.outbox[-1]
    assert invitation_mail.to == ["aida@stat.kg"]
    link = re.search(r"https?://\S+/secretariat/join/\S+/", invitation_mail.body)
    assert link
    _logout(page)

    # 2. The invitee chooses a password, then logs in.
    page.goto("/" + link.group(0).split("/", 3)[3])
    page.get_by_label("Password", exact=True).fill("kyrgyz-stats-2026!")
    page.get_by_label("Password again").fill("kyrgyz-stats-2026!")
    _shot(page, "2-accept")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/accounts/login/**")
    login(page, "aida@stat.kg", "kyrgyz-stats-2026!")
    page.wait_for_url("**/")
    assert User.objects.get(email="aida@stat.kg").organisation == nso_kgz
    _logout(page)

    # 3. The coordinator opens a round whose deadline passed eight days ago.
    login(page, COORDINATOR, settings.PORTAL_DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/secretariat/rounds/")
    today = timezone.localdate()
    page.get_by_label("Code").fill("2027")
    page.get_by_label("Name (English)").fill("2027 round")
    page.get_by_label("Name (Spanish)").fill("Ronda 2027")
    page.get_by_label("Opens on").fill((today - dt.timedelta(days=60)).isoformat())
    page.get_by_label("Deadline").fill((today - dt.timedelta(days=8)).isoformat())
    page.get_by_label("Indicators asked for").select_option(
        [str(Indicator.objects.get(code=code).pk) for code in (INDICATOR, "3.1.1")]
    )
    page.get_by_role("button", name="Open the round").click()
    page.get_by_role("heading", name="Completeness of 2027 round").wait_for()
    assert ReportingRound.objects.get(code="2027").is_open

    # 4. The daily reminder task e-mails the late countries' focal points, the invitee too.
    sent_before = len(mail.outbox)
    assert send_round_reminders.apply().get() > 0
    reminders = mail.outbox[sent_before:]
    to_aida = [message for message in reminders if "aida@stat.kg" in message.to]
    assert len(to_aida) == 1
    assert "2027 round" in to_aida[0].subject + to_aida[0].body
    assert send_round_reminders.apply().get() == 0  # once a day, not twice

    # 5. The completeness dashboard: Kyrgyzstan has not started and is eight days late.
    page.reload()
    row = page.locator("tr[data-iso3=KGZ]")
    assert "not started" in row.inner_text()
    assert row.locator("td").nth(3).inner_text().strip() == "8"
    _shot(page, "3-completeness")

    # 6. The coordinator edits the indicator's target: an engine run is queued and completes.
    before = _results(page)
    indicator = Indicator.objects.get(code=INDICATOR)
    new_target = (indicator.target_value or 25) / 2
    page.goto("/secretariat/indicators/")
    page.get_by_role("link", name=INDICATOR, exact=True).click()
    page.get_by_label("Target value").fill(f"{new_target:g}")
    page.get_by_label("Reason for the change").fill("Plenary decision")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("the engine recomputes its progress now").wait_for()
    _shot(page, "4-target")
    run = IndicatorChange.objects.get(indicator__code=INDICATOR).engine_run
    assert run is not None
    assert run.indicator_codes == [INDICATOR]
    assert _finish(run).status == EngineRun.Status.SUCCEEDED

    # 7. The results page shows the new target and the recomputed rows.
    after = _results(page)
    heading = page.locator("main p.small").first.inner_text()
    assert f"{new_target:g}" in heading
    _shot(page, "5-results")
    # Kyrgyzstan's international series was on track for the old target; halving the
    # target makes the same progress too slow. The other rows are recomputed unchanged.
    assert "on track" in before["Kyrgyzstan"] and "off track" not in before["Kyrgyzstan"]
    assert "off track" in after["Kyrgyzstan"]
    assert before["Kazakhstan"] == after["Kazakhstan"]

    # 8. The synthesis of the country data sheets: Kazakhstan's accepted sheet has values
    # below national level; Kyrgyzstan's sheet is not accepted, so its row is a marked gap.
    page.goto("/secretariat/synthesis/")
    kaz = page.locator('#synthesis-subnational tr[data-iso3="KAZ"]')
    assert kaz.locator("td.gap").count() == 0
    assert kaz.locator("li").count() > 0
    kgz = page.locator('#synthesis-subnational tr[data-iso3="KGZ"] td.gap')
    assert kgz.count() == 1
    _shot(page, "6-synthesis")
