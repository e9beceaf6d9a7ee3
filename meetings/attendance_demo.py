"""The demo meetings' participant mix by type of institution, as the working group's report
and the Almaty workshop's report state it. Counts the reports do not give stay empty."""

from __future__ import annotations

from typing import Any

from meetings.models import InstitutionType, Meeting, ParticipantGroup
from portal.models import Agency, Country, Region

T = InstitutionType

# meeting title prefix -> [(type, institutions, people, countries, agencies, English, Spanish)]
MIX: dict[str, list[tuple[str, int | None, int | None, Any, list[str], str, str]]] = {
    "Annual seminar on advances and challenges in statistical reconciliation": [
        (T.NSO, None, None, [], [], "High-level representatives.", "Representantes de alto nivel."),
        (
            T.MINISTRY,
            None,
            None,
            [],
            [],
            "National agencies responsible for the national reports on the Goals.",
            "Organismos nacionales encargados de los informes nacionales sobre los Objetivos.",
        ),
        (
            T.AGENCY,
            None,
            None,
            [],
            ["ECLAC"],
            "Regional agencies that calculate and monitor the indicators of the Goals.",
            "Organismos regionales que calculan y siguen los indicadores de los Objetivos.",
        ),
    ],
    "Workshop on monitoring the progress made towards the Millennium Development Goals": [
        (
            T.NSO,
            7,
            None,
            ["VEN", "CRI", "DOM", "ECU", "HND", "PAN", "PRY"],
            [],
            "Statistical offices and ministries of seven countries, in groups with the agencies.",
            "Oficinas de estadística y ministerios de siete países, en grupos con los organismos.",
        ),
        (
            T.MINISTRY,
            None,
            None,
            [],
            [],
            "Ministries of the same seven countries (Costa Rica's planning ministry supported "
            "the workshop).",
            "Ministerios de los mismos siete países (el ministerio de planificación de Costa "
            "Rica apoyó el taller).",
        ),
        (
            T.AGENCY,
            7,
            None,
            [],
            ["WB", "ECLAC", "UNSD", "UNFPA", "UNICEF", "ILO", "PAHO"],
            "",
            "",
        ),
    ],
    "Annual seminar on progress and challenges in statistical reconciliation": [
        (T.NSO, None, None, [], [], "Expected, as announced.", "Previstas, según el anuncio."),
        (
            T.MINISTRY,
            None,
            None,
            [],
            [],
            "National agencies that produce the national reports on the Goals (expected).",
            "Organismos nacionales que elaboran los informes nacionales sobre los Objetivos "
            "(previstos).",
        ),
        (
            T.AGENCY,
            None,
            None,
            [],
            ["UNSD"],
            "The Statistics Division and other international agencies (expected).",
            "La División de Estadística y otros organismos internacionales (previstos).",
        ),
    ],
    "Regional (EECA) capacity-building workshop": [
        (
            T.NSO,
            None,
            None,
            "EECA",
            [],
            "At least one representative from each country of the region.",
            "Al menos un representante de cada país de la región.",
        ),
        (
            T.MINISTRY,
            None,
            None,
            [],
            [],
            "National migration policy offices.",
            "Oficinas nacionales de política migratoria.",
        ),
        (
            T.AGENCY,
            None,
            None,
            [],
            ["UNECE", "IOM", "EFTA"],
            "The co-organisers and a number of other international organisations; 47 "
            "participants in all, 21 of them women.",
            "Los coorganizadores y otras organizaciones internacionales; 47 participantes en "
            "total, 21 de ellos mujeres.",
        ),
    ],
}


def load(meetings: list[Meeting]) -> None:
    """Create the reported participant groups of the demo meetings (idempotent)."""
    for prefix, groups in MIX.items():
        meeting = next((m for m in meetings if m.title.startswith(prefix)), None)
        if meeting is None:
            continue
        for kind, institutions, people, countries, agencies, text_en, text_es in groups:
            group, created = ParticipantGroup.objects.get_or_create(
                meeting=meeting,
                institution_type=kind,
                defaults={
                    "institutions": institutions,
                    "people": people,
                    "description_en": text_en,
                    "description_es": text_es,
                },
            )
            if not created:
                continue
            if isinstance(countries, str):
                region = Region.objects.filter(code=countries).first()
                members = list(region.members.all()) if region else []
            else:
                members = list(Country.objects.filter(iso3__in=countries))
            group.countries.add(*members)
            group.agencies.add(*Agency.objects.filter(code__in=agencies))
