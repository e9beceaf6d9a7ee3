"""The work programme edited by the secretariat: bienniums, objectives, activities and
sub-activities with lead organisations and timelines; shown in the biennium report."""

import pytest
from django.urls import reverse

from meetings.models import Activity, Biennium, Objective
from portal.models import AuditEvent, Organisation
from tests.meetings.factories import ActivityFactory, BienniumFactory, ObjectiveFactory


@pytest.fixture
def programme(cast):
    biennium = BienniumFactory(title="Programme 2026-2027", start_year=2026, end_year=2027)
    objective = ObjectiveFactory(biennium=biennium, number=1, title="Better data")
    main = ActivityFactory(biennium=biennium, objective=objective, code="1(a)", title="Census")
    return biennium, objective, main


def _activity(**overrides):
    data = {
        "code": "1(b)",
        "title": "Workshop on migration statistics",
        "objective": "",
        "parent": "",
        "description": "",
        "lead": "",
        "entities": "",
        "start_date": "2026-03-01",
        "end_date": "2026-09-30",
        "timeline_note": "",
        "status": "planned",
        "progress_notes": "",
        "order": "2",
    }
    data.update(overrides)
    return data


def test_create_a_biennium_and_an_objective(client, cast):
    client.force_login(cast.users["coordinator"])
    assert client.get(reverse("secretariat:bienniums")).status_code == 200
    response = client.post(
        reverse("secretariat:bienniums"),
        {"title": "Programme 2028-2029", "start_year": "2028", "end_year": "2029"},
    )
    assert response.status_code == 302
    biennium = Biennium.objects.get(start_year=2028)
    url = reverse("secretariat:biennium_edit", args=[biennium.pk])
    response = client.post(url, {"form": "objective", "number": "1", "title": "Open data"})
    assert response.status_code == 302
    objective = Objective.objects.get(biennium=biennium)
    response = client.post(
        reverse("secretariat:objective_edit", args=[objective.pk]),
        {"number": "1", "title": "Open and timely data"},
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.title == "Open and timely data"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "programme.biennium_create",
        "programme.objective_create",
        "programme.objective_change",
    } <= actions


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"form": "biennium", "title": "X", "start_year": "2027", "end_year": "2026"}, "end_year"),
        ({"form": "biennium", "title": "", "start_year": "2026", "end_year": "2027"}, "title"),
        ({"form": "biennium", "title": "X", "start_year": "19", "end_year": "2027"}, "start_year"),
    ],
)
def test_bad_bienniums_are_refused(client, cast, programme, data, field):
    biennium = programme[0]
    client.force_login(cast.users["coordinator"])
    response = client.post(reverse("secretariat:biennium_edit", args=[biennium.pk]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    biennium.refresh_from_db()
    assert (biennium.title, biennium.start_year, biennium.end_year) == (
        "Programme 2026-2027",
        2026,
        2027,
    )


def test_duplicate_objective_number_is_refused(client, cast, programme):
    biennium = programme[0]
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:biennium_edit", args=[biennium.pk]),
        {"form": "objective", "number": "1", "title": "Again"},
    )
    assert response.status_code == 400
    assert "exists already" in str(response.context["objective_form"].errors["number"])
    assert Objective.objects.filter(biennium=biennium).count() == 1


def test_activity_with_lead_organisations_shows_in_the_biennium_report(client, cast, programme):
    biennium, objective, main = programme
    nso_b = Organisation.objects.get(name="NSO B")
    client.force_login(cast.users["coordinator"])
    url = reverse("secretariat:activity_create", args=[biennium.pk])
    assert client.get(url + f"?parent={main.pk}").status_code == 200
    response = client.post(
        url,
        _activity(
            objective=objective.pk,
            parent=main.pk,
            lead_organisations=[nso_b.pk],
            status="ongoing",
            progress_notes="Venue booked in Bishkek.",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    sub = Activity.objects.get(code="1(b)")
    assert sub.parent == main and list(sub.lead_organisations.all()) == [nso_b]
    assert AuditEvent.objects.filter(action="programme.activity_leads").exists()
    report = client.get(reverse("meetings:biennium_report", args=[biennium.pk])).content.decode()
    assert "Workshop on migration statistics" in report and "NSO B" in report
    page = client.get(reverse("meetings:biennium", args=[biennium.pk])).content.decode()
    assert "NSO B" in page
    # Edit: new timeline, status kept with progress notes.
    edit = reverse("secretariat:activity_details", args=[sub.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        _activity(
            objective=objective.pk,
            parent=main.pk,
            lead_organisations=[nso_b.pk],
            end_date="2026-12-31",
            status="done",
            progress_notes="Held; report published.",
        ),
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.end_date.isoformat() == "2026-12-31" and sub.status == "done"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "1(A)"}, "code"),
        ({"code": ""}, "code"),
        ({"title": " "}, "title"),
        ({"end_date": "2026-01-01"}, "end_date"),
        ({"status": "finished"}, "status"),
        ({"parent": "other-biennium"}, "parent"),
        ({"objective": "other-biennium"}, "objective"),
        ({"lead_organisations": "inactive"}, "lead_organisations"),
    ],
)
def test_bad_activities_are_refused_naming_the_field(client, cast, programme, overrides, field):
    biennium = programme[0]
    other = ActivityFactory(code="9(z)")
    if overrides.get("parent") == "other-biennium":
        overrides["parent"] = other.pk
    if overrides.get("objective") == "other-biennium":
        overrides["objective"] = other.objective_id
    if overrides.get("lead_organisations") == "inactive":
        gone = Organisation.objects.create(
            name="Closed office", kind="secretariat", is_active=False
        )
        overrides["lead_organisations"] = [gone.pk]
    before = Activity.objects.count()
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:activity_create", args=[biennium.pk]), _activity(**overrides)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Activity.objects.count() == before


def test_a_main_activity_with_sub_activities_stays_main(client, cast, programme):
    biennium, _objective, main = programme
    ActivityFactory(biennium=biennium, code="1(a)i", parent=main)
    other_main = ActivityFactory(biennium=biennium, code="2(a)")
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:activity_details", args=[main.pk]),
        _activity(code="1(a)", title="Census", parent=other_main.pk),
    )
    assert response.status_code == 400
    main.refresh_from_db()
    assert main.parent is None
