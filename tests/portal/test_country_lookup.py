"""The one place a code or name read from a file is resolved to a country."""

import pytest

from portal.selectors import country_keys, country_lookup
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db


def test_every_code_and_name_finds_the_country_without_case():
    afg = CountryFactory(
        iso3="AFG", iso2="AF", m49="004", name_en="Afghanistan", name_es="Afganistán"
    )
    kaz = CountryFactory(
        iso3="KAZ", iso2="KZ", m49="398", name_en="Kazakhstan", name_es="Kazajstán"
    )
    lookup = country_lookup()
    for text in ("AFG", "af", "004", "4", "afghanistan", "AFGANISTÁN"):
        assert lookup[text.casefold()] == afg, text
    assert lookup["kz"] == kaz and lookup["398"] == kaz
    assert "" not in lookup and "0" not in lookup


def test_codes_only_leave_names_out():
    CountryFactory(iso3="AFG", iso2="AF", m49="004", name_en="Afghanistan", name_es="Afganistán")
    lookup = country_lookup(names=False)
    assert set(lookup) == {"afg", "af", "004", "4"}
    assert set(country_keys(lookup["af"])) == {"afg", "af", "004", "4", "afghanistan", "afganistán"}
