"""A round's indicators changed after opening: adding is free; removing an indicator with
values entered lists them and needs a confirmation; values are never deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators.models import DataSheet, Indicator, Observation
from portal.models import AuditEvent
from portal.secretariat.models import RoundIndicator
from portal.secretariat.services import round_indicators as services_rounds
from tests.secretariat.conftest import make_sheet


def _ids(*codes):
    return [Indicator.objects.get(code=code).pk for code in codes]


def _requested(round_):
    return set(
        RoundIndicator.objects.filter(round=round_).values_list("indicator__code", flat=True)
    )


@pytest.fixture
def asked(cast, indicators, round_2026):
    """The 2026 round asks for 3.2.1 and 3.1.1; Kyrgyzstan entered a value for 3.1.1."""
    for pk in _ids("3.2.1", "3.1.1"):
        RoundIndicator.objects.create(round=round_2026, indicator_id=pk)
    make_sheet(cast.country_b, round_2026, DataSheet.Status.DRAFT, codes=["3.1.1"])
    return round_2026


def test_adding_an_indicator_needs_no_confirmation(client, cast, asked):
    client.force_login(cast.users["coordinator"])
    url = reverse("secretariat:round_indicators", args=[asked.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"indicators": _ids("3.2.1", "3.1.1", "3.2.2")})
    assert response.status_code == 302
    assert _requested(asked) == {"3.2.1", "3.1.1", "3.2.2"}
    event = AuditEvent.objects.get(action="round.indicators")
    assert event.details["added"] == ["3.2.2"] and event.details["removed"] == []


def test_removing_an_indicator_with_values_asks_first_and_keeps_the_values(client, cast, asked):
    client.force_login(cast.users["coordinator"])
    url = reverse("secretariat:round_indicators", args=[asked.pk])
    response = client.post(url, {"indicators": _ids("3.2.1")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kyrgyzstan" in page and "3.1.1" in page
    assert "No value is deleted" in page
    # Nothing changed yet (a refused or abandoned confirmation changes nothing).
    assert _requested(asked) == {"3.2.1", "3.1.1"}
    assert not AuditEvent.objects.filter(action="round.indicators").exists()
    response = client.post(url, {"indicators": _ids("3.2.1"), "confirm_removals": "True"})
    assert response.status_code == 302
    assert _requested(asked) == {"3.2.1"}
    assert Observation.objects.filter(indicator__code="3.1.1").count() == 1
    event = AuditEvent.objects.get(action="round.indicators")
    assert event.details["removed"] == ["3.1.1"]
    assert event.details["values_kept"] == [["KGZ", "3.1.1", 1]]


def test_removing_an_indicator_without_values_is_free(cast, asked):
    added, removed = services_rounds.round_set_indicators(
        actor=cast.users["coordinator"],
        round_=asked,
        indicators=Indicator.objects.filter(code="3.1.1"),
    )
    assert (added, removed) == ([], ["3.2.1"])
    assert _requested(asked) == {"3.1.1"}


def test_from_every_indicator_to_a_list_counts_as_removal(cast, indicators, round_2026):
    """A round listing none asks for all: choosing 3.2.1 alone removes the others."""
    make_sheet(cast.country_b, round_2026, DataSheet.Status.SUBMITTED, codes=["3.1.1"])
    with pytest.raises(services_rounds.RemovalsNeedConfirmation) as refused:
        services_rounds.round_set_indicators(
            actor=cast.users["coordinator"],
            round_=round_2026,
            indicators=Indicator.objects.filter(code="3.2.1"),
        )
    assert [(row.country_iso3, row.indicator_code) for row in refused.value.entered] == [
        ("KGZ", "3.1.1")
    ]
    assert _requested(round_2026) == set()


def test_unknown_indicator_is_refused_naming_the_field(client, cast, asked):
    client.force_login(cast.users["coordinator"])
    url = reverse("secretariat:round_indicators", args=[asked.pk])
    response = client.post(url, {"indicators": ["999999"]})
    assert response.status_code == 400
    assert "999999" in response.content.decode()
    assert _requested(asked) == {"3.2.1", "3.1.1"}


def test_only_the_secretariat_changes_a_rounds_indicators(client, cast, asked):
    with pytest.raises(PermissionDenied):
        services_rounds.round_set_indicators(
            actor=cast.users["focal_point"], round_=asked, indicators=[]
        )
    client.force_login(cast.users["focal_point"])
    url = reverse("secretariat:round_indicators", args=[asked.pk])
    assert client.post(url, {"indicators": _ids("3.2.1")}).status_code == 403
    assert _requested(asked) == {"3.2.1", "3.1.1"}
    assert issubclass(services_rounds.RemovalsNeedConfirmation, ValidationError)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("999999", "Select a valid choice. 999999 is not one of the available choices."),
        ("-1", "Select a valid choice. -1 is not one of the available choices."),
        ("not-a-number", "&quot;not-a-number&quot; is not a valid value."),
    ],
)
def test_an_unknown_indicator_is_refused_naming_the_field(client, cast, asked, bad, message):
    client.force_login(cast.users["coordinator"])
    url = reverse("secretariat:round_indicators", args=[asked.pk])
    response = client.post(url, {"indicators": [*_ids("3.2.2"), bad]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Indicators asked for" in page
    assert message in page.replace("“", "&quot;").replace("”", "&quot;")
    # Nothing stored: not even the valid indicator sent with it.
    assert _requested(asked) == {"3.2.1", "3.1.1"}
    assert not AuditEvent.objects.filter(action="round.indicators").exists()
