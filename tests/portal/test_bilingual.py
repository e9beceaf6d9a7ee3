"""``Bilingual``: one descriptor for every text kept in English and Spanish."""

from __future__ import annotations

from django.utils import translation

from forum.models import Category
from meetings.models import ParticipantGroup
from portal.models import Agency, Bilingual, Country


def test_spanish_when_filled_else_english() -> None:
    group = ParticipantGroup(description_en="Seven offices", description_es="Siete oficinas")
    empty_spanish = ParticipantGroup(description_en="Two agencies", description_es="")
    with translation.override("es"):
        assert group.description == "Siete oficinas"
        assert empty_spanish.description == "Two agencies"
    with translation.override("en"):
        assert group.description == "Seven offices"


def test_every_bilingual_text_reads_its_own_fields() -> None:
    agency = Agency(acronym_en="UNICEF", acronym_es="UNICEF-es", name_en="Fund", name_es="Fondo")
    country = Country(name_en="Kyrgyzstan", name_es="Kirguistán")
    category = Category(name_en="Data", name_es="Datos", description_en="D", description_es="")
    with translation.override("es"):
        assert (agency.acronym, agency.name) == ("UNICEF-es", "Fondo")
        assert country.name == "Kirguistán"
        assert (category.name, category.description) == ("Datos", "D")


def test_the_class_attribute_is_the_descriptor() -> None:
    # The admin and the checks look attributes up on the class.
    assert isinstance(ParticipantGroup.description, Bilingual)
    assert isinstance(Country.name, Bilingual)
