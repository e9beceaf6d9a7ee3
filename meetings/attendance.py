"""Reads for a meeting page's participant mix: counts from the list of participants by type of
institution, country and sex (the same people as the page's totals: those who attended a
held meeting whose attendance was taken, else those registered), and the mix as the meeting's
report states it (``ParticipantGroup``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from meetings.models import InstitutionType, Meeting, Participant, ParticipantGroup
from portal.models import Organisation, localized

# An organisation's kind as a type of institution of the participant mix.
_FROM_ORGANISATION = {
    Organisation.Kind.NSO: InstitutionType.NSO,
    Organisation.Kind.MINISTRY: InstitutionType.MINISTRY,
    Organisation.Kind.AGENCY: InstitutionType.AGENCY,
    Organisation.Kind.SECRETARIAT: InstitutionType.AGENCY,
}
NOT_STATED = "not_stated"


@dataclass
class ListedMix:
    by_type: list[tuple[str, int]] = field(default_factory=list)
    by_country: list[tuple[str, int]] = field(default_factory=list)
    by_sex: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.by_type)


def _type_label(code: str) -> str:
    if code == NOT_STATED:
        return _("institution not stated")
    return str(InstitutionType(code).label)


def listed_mix(meeting: Meeting, *, from_attendance: bool) -> ListedMix:
    """Counts by type of institution, country and sex, in one query."""
    people = Participant.objects.filter(meeting=meeting)
    if from_attendance:
        people = people.filter(attendance=Participant.Attendance.ATTENDED)
    else:
        people = people.exclude(
            attendance__in=[Participant.Attendance.ABSENT, Participant.Attendance.EXCUSED]
        )
    rows = people.values(
        "organisation__kind", "country__name_en", "country__name_es", "sex"
    ).annotate(n=Count("pk"))
    types: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    sexes: Counter[str] = Counter()
    for row in rows:
        kind = _FROM_ORGANISATION.get(row["organisation__kind"], NOT_STATED)
        types[kind] += row["n"]
        name = localized(row["country__name_en"] or "", row["country__name_es"] or "")
        countries[name or _("country not stated")] += row["n"]
        sexes[str(Participant.Sex(row["sex"]).label)] += row["n"]
    order = [*InstitutionType.values, NOT_STATED]
    return ListedMix(
        by_type=[(_type_label(k), types[k]) for k in order if types[k]],
        by_country=sorted(countries.items()),
        by_sex=sorted(sexes.items(), key=lambda kv: -kv[1]),
    )


def reported_mix(meeting: Meeting) -> list[ParticipantGroup]:
    order = {code: i for i, code in enumerate(InstitutionType.values)}
    groups = list(
        ParticipantGroup.objects.filter(meeting=meeting).prefetch_related("countries", "agencies")
    )
    return sorted(groups, key=lambda g: order[g.institution_type])


def page_context(meeting: Meeting, *, from_attendance: bool) -> dict[str, Any]:
    return {
        "listed_mix": listed_mix(meeting, from_attendance=from_attendance),
        "reported_mix": reported_mix(meeting),
    }
