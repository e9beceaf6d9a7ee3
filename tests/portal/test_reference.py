"""Reference data: complete, bilingual, and loaded idempotently."""

from django.core.management import call_command

from portal.models import Agency, Country, Region
from portal.services import reference_data_load


def test_load_reference_twice_changes_nothing(db):
    first = reference_data_load()
    assert first["countries"].created >= 249
    snapshot = (
        list(
            Country.objects.values_list(
                "iso3", "iso2", "m49", "name_en", "name_es", "cis"
            ).order_by("iso3")
        ),
        sorted(Region.members.through.objects.values_list("region__code", "country__iso3")),
    )
    second = reference_data_load()
    for table, counts in second.items():
        assert counts.created == 0 and counts.updated == 0, table
    assert snapshot == (
        list(
            Country.objects.values_list(
                "iso3", "iso2", "m49", "name_en", "name_es", "cis"
            ).order_by("iso3")
        ),
        sorted(Region.members.through.objects.values_list("region__code", "country__iso3")),
    )


def test_reference_content_is_what_the_working_group_needs(db):
    call_command("load_reference", stdout=open("/dev/null", "w"))
    kaz = Country.objects.get(iso3="KAZ")
    assert (kaz.iso2, kaz.m49, kaz.cis) == ("KZ", "398", True)
    assert kaz.name_es == "Kazajstán"
    assert Country.objects.get(iso3="CHL").cis is False
    assert not Country.objects.filter(name_es="").exists()
    for code in ("001", "419", "143", "LAC", "EECA", "CIS"):
        assert Region.objects.get(code=code).members.exists(), code
    assert set(Region.objects.get(code="LAC").members.values_list("iso3", flat=True)) == set(
        Region.objects.get(code="419").members.values_list("iso3", flat=True)
    )
    seeds = {
        "ECLAC",
        "UNECE",
        "ESCAP",
        "UNFPA",
        "UNICEF",
        "WHO",
        "PAHO",
        "ILO",
        "IOM",
        "FAO",
        "IFAD",
        "UNHCR",
        "UNODC",
        "UNWOMEN",
        "UNHABITAT",
        "UNU",
        "WB",
        "IDB",
        "OECD",
    }
    assert seeds <= set(Agency.objects.values_list("code", flat=True))
    assert kaz.areas.filter(code="KZAKM").exists()


def test_load_demo_is_idempotent_and_prints_logins(db, capsys):
    call_command("load_reference")
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "focal.kgz@demo.wg.example" in out
    from portal.models import User

    assert User.objects.filter(email__endswith="@demo.wg.example").count() == 10


def test_iso_subdivisions_are_areas_in_english_and_spanish(db):
    first = reference_data_load()
    assert first["areas"].created > 4000  # ISO 3166-2 of every country, plus the national codes
    kaz = Country.objects.get(iso3="KAZ")
    assert kaz.areas.filter(code="KZAKM").exists()  # the national codes stay
    assert kaz.areas.filter(code__startswith="KZ-").count() >= 17
    andorra = Country.objects.get(iso3="AND").areas.get(code="AD-07")
    assert (andorra.name_en, andorra.name_es) == ("Andorra la Vella", "Andorra la Vieja")
    # no Spanish translation in pycountry: the English name
    zhambyl = kaz.areas.get(code="KZ-31")
    assert zhambyl.name_es == zhambyl.name_en != ""
    zhambyl.name_es = "cambiado"
    zhambyl.save()
    again = reference_data_load()["areas"]
    assert (again.created, again.updated) == (0, 1)
    zhambyl.refresh_from_db()
    assert zhambyl.name_es == zhambyl.name_en
