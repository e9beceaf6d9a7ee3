"""The operations catalogue: published to members, edited by the country's focal point or the secretariat."""

import pytest

from indicators.models import InformationFlow, StatisticalOperation


def _add(client, iso3="KAZ", name="Household survey"):
    return client.post(
        f"/data/countries/{iso3}/operations/",
        {
            "which": "operation",
            "op-name": name,
            "op-kind": "household_survey",
            "op-institution": "NSO",
            "op-periodicity": "annual",
        },
    )


def test_focal_point_adds_operations_and_flows(client, sheet_world):
    client.force_login(sheet_world.users["focal_point"])
    assert _add(client).status_code == 302
    assert StatisticalOperation.objects.get().country.iso3 == "KAZ"
    from indicators.models import Indicator

    flow = client.post(
        "/data/countries/KAZ/operations/",
        {
            "which": "flow",
            "flow-indicator": Indicator.objects.get(code="3.2.1").pk,
            "flow-national_producer": "Ministry of Health",
            "flow-method": "estimated",
        },
    )
    assert flow.status_code == 302 and InformationFlow.objects.count() == 1
    page = client.get("/data/countries/KAZ/operations/").content.decode()
    assert "Household survey" in page and "Ministry of Health" in page


def test_bad_and_duplicate_entries_are_refused(client, sheet_world):
    client.force_login(sheet_world.users["focal_point"])
    _add(client)
    assert _add(client).status_code == 400
    bad = client.post(
        "/data/countries/KAZ/operations/",
        {"which": "operation", "op-name": "", "op-kind": "nonsense"},
    )
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    assert StatisticalOperation.objects.count() == 1


def test_operation_names_its_responsible_organisation_of_the_same_country(client, sheet_world):
    from portal.models import Organisation

    client.force_login(sheet_world.users["focal_point"])
    own = Organisation.objects.get(name="NSO A")
    other = Organisation.objects.get(name="NSO B")
    body = {
        "which": "operation",
        "op-name": "Census",
        "op-kind": "census",
        "op-institution": "Statistics bureau",
        "op-responsible": other.pk,
    }
    bad = client.post("/data/countries/KAZ/operations/", body)
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert not StatisticalOperation.objects.exists()
    body["op-responsible"] = own.pk
    assert client.post("/data/countries/KAZ/operations/", body).status_code == 302
    assert StatisticalOperation.objects.get().responsible == own
    assert "(NSO A)" in client.get("/data/countries/KAZ/operations/").content.decode()


def test_flow_records_how_often_and_in_which_format(client, sheet_world):
    from indicators.models import Indicator

    client.force_login(sheet_world.users["focal_point"])
    body = {
        "which": "flow",
        "flow-indicator": Indicator.objects.get(code="3.2.1").pk,
        "flow-national_producer": "Bureau of National Statistics",
        "flow-custodian": sheet_world.agency.pk,
        "flow-method": "country_data",
        "flow-frequency": "annual",
        "flow-data_format": "fax",
    }
    bad = client.post("/data/countries/KAZ/operations/", body)
    assert (
        bad.status_code == 400 and "fax is not one of the available choices" in bad.content.decode()
    )
    assert not InformationFlow.objects.exists()
    body["flow-data_format"] = "sdmx"
    assert client.post("/data/countries/KAZ/operations/", body).status_code == 302
    flow = InformationFlow.objects.get()
    assert (flow.frequency, flow.data_format) == ("annual", "sdmx")
    page = client.get("/data/countries/KAZ/operations/").content.decode()
    assert "<td>annual</td><td>SDMX</td>" in page


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [
        ("focal_point_b", False),
        ("member", False),
        ("observer", False),
        ("agency_focal_point", False),
        ("coordinator", True),
    ],
)
def test_only_own_focal_point_or_secretariat_edit(client, sheet_world, role, may_edit):
    client.force_login(sheet_world.users[role])
    assert client.get("/data/countries/KAZ/operations/").status_code == 200
    assert _add(client).status_code == (302 if may_edit else 403)
    assert StatisticalOperation.objects.exists() is may_edit
