"""A meeting page's participant mix: counts from the list of participants by type of
institution, country and sex, and the mix as the report states it; the demo meetings carry
the mix their reports give, and the workstream activities their stated leads."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from meetings import attendance, demo, reference
from meetings.models import Activity, Meeting, Participant, ParticipantGroup
from portal.models import Organisation

from .factories import MeetingFactory


@pytest.fixture
def held(cast):
    meeting = MeetingFactory(title="Workshop on census data", visibility="public")
    nso = Organisation.objects.filter(kind="nso", country=cast.country_a).first()
    agency = Organisation.objects.filter(kind="agency").first()
    assert nso is not None and agency is not None
    people = [
        ("A", nso, cast.country_a, "female", "attended"),
        ("B", nso, cast.country_a, "male", "attended"),
        ("C", agency, None, "female", "attended"),
        ("D", None, cast.country_b, "not_stated", "attended"),
        ("E", nso, cast.country_a, "female", "absent"),  # not counted
    ]
    for name, org, country, sex, status in people:
        Participant.objects.create(
            meeting=meeting,
            full_name=name,
            organisation=org,
            country=country,
            sex=sex,
            attendance=status,
        )
    return meeting


def test_listed_mix_by_type_country_and_sex(held, cast):
    with translation.override("en"):
        mix = attendance.listed_mix(held, from_attendance=True)
    assert mix.by_type == [
        ("national statistical offices", 2),
        ("international and regional agencies", 1),
        ("institution not stated", 1),
    ]
    assert mix.total == 4
    assert dict(mix.by_country) == {
        cast.country_a.name_en: 2,
        cast.country_b.name_en: 1,
        "country not stated": 1,
    }
    assert dict(mix.by_sex) == {"female": 2, "male": 1, "not stated": 1}


def test_meeting_page_shows_mix_in_english_and_spanish(client, held, cast):
    group = ParticipantGroup.objects.create(
        meeting=held,
        institution_type="ministry",
        institutions=3,
        description_en="Planning ministries",
        description_es="Ministerios de planificación",
    )
    group.countries.add(cast.country_b)
    text = client.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    assert "Participants by type of institution" in text
    assert "National statistical offices" in text and "Planning ministries" in text
    assert "not stated" in text  # the group's people count is not in the report
    member = cast.users["member"]
    member.language = "es"
    member.save(update_fields=["language"])
    client.force_login(member)
    text = client.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    assert "Participantes por tipo de institución" in text
    assert "Ministerios de planificación" in text and "Planning ministries" not in text
    assert cast.country_b.name_es in text
    assert "</span> asistieron, 2 mujeres " in text  # plural agreement, not "asistió, 2 mujeres"
    Participant.objects.filter(meeting=held).exclude(full_name="A").delete()
    text = client.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    assert "</span> asistió, 1 mujer " in text
    text = client.get(reverse("meetings:statistics")).content.decode()
    assert "1 reunión realizada, 1 participante, 1 mujer." in text


def test_demo_meetings_carry_their_reported_mix_and_leads(db):
    call_command("load_reference", verbosity=0)
    from portal.demo import demo_load as portal_demo

    portal_demo()
    demo.demo_load()
    demo.demo_load()
    san_jose = Meeting.objects.get(city="San José")
    groups = {g.institution_type: g for g in san_jose.participant_groups.all()}
    assert groups["nso"].institutions == 7 and groups["agency"].institutions == 7
    assert sorted(c.iso3 for c in groups["nso"].countries.all()) == [
        "CRI", "DOM", "ECU", "HND", "PAN", "PRY", "VEN",
    ]  # fmt: skip
    assert {a.code for a in groups["agency"].agencies.all()} == {
        "WB", "ECLAC", "UNSD", "UNFPA", "UNICEF", "ILO", "PAHO",
    }  # fmt: skip
    almaty = Meeting.objects.get(city="Almaty")
    kinds = set(almaty.participant_groups.values_list("institution_type", flat=True))
    assert kinds == {"nso", "ministry", "agency"}
    assert ParticipantGroup.objects.filter(people__isnull=False).count() == 0  # none invented
    leads = dict(Activity.objects.filter(biennium__start_year=2019).values_list("code", "lead"))
    assert leads["1"] == "UN DESA, UNFPA"
    assert leads["1.1"] == "UN Expert Group on Migration Statistics"
    assert leads["1.2"] == "IOM, UN DESA, UNFPA"  # listed alphabetically: no single lead
    assert leads["3.4"] == "ILO"  # the World Bank, in brackets, is a partner
    assert leads["3.10"] == "IOM, UN DESA, UNICEF, UNODC"
    assert leads["4"] == "IOM, UN DESA, OECD"


def test_lead_rule() -> None:
    assert reference.activity_lead("") == "UN DESA, UNFPA"
    assert reference.activity_lead("WHO") == "WHO"
    assert reference.activity_lead("ILO (World Bank)") == "ILO"
