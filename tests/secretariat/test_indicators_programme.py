"""Editing an indicator's target (history kept, engine run queued) and programme activities."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import EngineRun, Indicator
from meetings.models import Activity
from portal.models import AuditEvent, PendingTask
from portal.secretariat import services
from portal.secretariat.models import IndicatorChange
from tests.meetings.factories import ActivityFactory

FORM = {
    "target_kind": "absolute",
    "target_value": "20",
    "target_year": "2030",
    "cutoff": "",
    "desired_direction": "decrease",
    "unit": "PER_1000_LIVE_BIRTHS",
    "ratio_base_year": "",
    "ratio_target_year": "",
    "ratio_on_track": "0.95",
    "ratio_acceleration": "0.6",
    "reason": "Agreed at the 2026 plenary",
}


def test_target_change_keeps_history_and_queues_an_engine_run(client, cast, indicators):
    indicator = Indicator.objects.get(code="3.2.1")
    client.force_login(cast.users["coordinator"])
    response = client.post(reverse("secretariat:indicator_edit", args=[indicator.pk]), FORM)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_value == 20
    change = IndicatorChange.objects.get(indicator=indicator)
    assert change.changes == {"target_value": [25.0, 20.0]}
    assert change.reason == "Agreed at the 2026 plenary"
    run = EngineRun.objects.get()
    assert change.engine_run == run and run.indicator_codes == ["3.2.1"]
    assert run.started_by == cast.users["coordinator"]
    assert AuditEvent.objects.filter(
        action="indicator.change", object_id=str(indicator.pk)
    ).exists()
    body = client.get(reverse("secretariat:indicator_edit", args=[indicator.pk])).content.decode()
    assert "Agreed at the 2026 plenary" in body and "25.0 → 20.0" in body


def test_unit_change_is_recorded_without_an_engine_run(cast, indicators):
    indicator = Indicator.objects.get(code="3.2.1")
    change = services.indicator_update(
        actor=cast.users["coordinator"], indicator=indicator, values={"unit": "PER_1000"}
    )
    assert change is not None and change.engine_run is None
    assert not EngineRun.objects.exists() and not PendingTask.objects.exists()


def test_saving_unchanged_values_records_nothing(client, cast, indicators):
    indicator = Indicator.objects.get(code="3.2.1")
    client.force_login(cast.users["coordinator"])
    same = dict(FORM, target_value="25")
    client.post(reverse("secretariat:indicator_edit", args=[indicator.pk]), same)
    assert not IndicatorChange.objects.exists() and not EngineRun.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"target_value": ""}, "target_value"),
        ({"target_year": "2010"}, "target_year"),
        ({"target_year": "soon"}, "target_year"),
        ({"desired_direction": "sideways"}, "desired_direction"),
        ({"unit": ""}, "unit"),
        ({"ratio_base_year": "2031"}, "ratio_target_year"),
        ({"ratio_on_track": "0.5"}, "ratio_acceleration"),
        ({"ratio_acceleration": "-1"}, "ratio_acceleration"),
        ({"ratio_on_track": "often"}, "ratio_on_track"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_stored(client, cast, indicators, values, field):
    indicator = Indicator.objects.get(code="3.2.1")
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:indicator_edit", args=[indicator.pk]), dict(FORM, **values)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    indicator.refresh_from_db()
    assert indicator.target_value == 25 and indicator.target_year == 2030
    assert not IndicatorChange.objects.exists() and not EngineRun.objects.exists()


def test_progress_ratio_settings_are_edited_without_an_engine_run(client, cast, indicators):
    indicator = Indicator.objects.get(code="3.2.1")
    client.force_login(cast.users["coordinator"])
    values = dict(FORM, target_value="25", ratio_base_year="2015", ratio_on_track="0.9")
    response = client.post(reverse("secretariat:indicator_edit", args=[indicator.pk]), values)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.ratio_settings()[:2] == (2015, 2030)
    assert indicator.ratio_settings()[2].on_track_ratio == 0.9
    change = IndicatorChange.objects.get(indicator=indicator)
    assert change.changes == {"ratio_base_year": [None, 2015], "ratio_on_track": [0.95, 0.9]}
    assert change.engine_run is None and not EngineRun.objects.exists()


def test_service_refuses_fields_it_does_not_edit(cast, indicators):
    indicator = Indicator.objects.get(code="3.2.1")
    with pytest.raises(ValidationError):
        services.indicator_update(
            actor=cast.users["coordinator"], indicator=indicator, values={"code": "X"}
        )


def test_activity_status_and_notes(client, cast):
    activity = ActivityFactory()
    client.force_login(cast.users["coordinator"])
    page = client.get(reverse("secretariat:activities")).content.decode()
    assert reverse("secretariat:activity_edit", args=[activity.pk]) in page
    response = client.post(
        reverse("secretariat:activity_edit", args=[activity.pk]),
        {"status": "ongoing", "progress_notes": "Two workshops held."},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.ONGOING
    assert activity.progress_notes == "Two workshops held."
    event = AuditEvent.objects.get(action="programme.activity_change")
    assert event.details["new"]["status"] == "ongoing"
    response = client.post(
        reverse("secretariat:activity_edit", args=[activity.pk]), {"status": "finished?"}
    )
    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.status == Activity.Status.ONGOING


def test_programme_page_leads_to_the_activities(client, cast):
    ActivityFactory()
    client.force_login(cast.users["coordinator"])
    body = client.get(reverse("meetings:programme")).content.decode()
    assert reverse("secretariat:activities") in body
    assert "/admin/" not in body
