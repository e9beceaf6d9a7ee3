"""Demonstration fund-raising consultations, as the working group's report and work programme
describe its financing: the support obtained for the first meeting of countries, the
interregional project that pays for technical assistance, and the consultations the 2012-2013
programme plans under its financing objective. The sources name no amounts and no dates for
the consultations themselves: no amount is invented and each note says which date is shown."""

from __future__ import annotations

import datetime as dt

from meetings.models import Activity, Consultation

# (date, donor, activity key, project, status, outcome, notes)
CONSULTATIONS = [
    (
        dt.date(2009, 9, 28),
        "Inter-American Development Bank (IDB)",
        ("2009", "1"),
        "First meeting of countries on monitoring the MDGs (Buenos Aires, 28-30 September 2009)",
        Consultation.Status.SUCCESSFUL,
        "The bank gave financial support for the meeting, which was held as planned.",
        "Date shown: the first day of the meeting supported; the report does not date the "
        "request itself, nor the amount.",
    ),
    (
        dt.date(2011, 7, 14),
        "United Nations Development Account",
        ("2012", "2(c)"),
        "Interregional project implemented by ECLAC: strengthening statistical and "
        "inter-institutional capacities for monitoring the MDGs through interregional "
        "cooperation and knowledge-sharing",
        Consultation.Status.SUCCESSFUL,
        "Funded. Technical-assistance missions of 2012-2013 depend on the project's budget.",
        "Date shown: the second meeting of the working group, which prepared the 2012-2013 "
        "programme that relies on this project.",
    ),
    (
        dt.date(2012, 1, 1),
        "Member countries of the working group (consulted through the forum)",
        ("2012", "6(a)"),
        "Fund-raising strategies and projects to finance the face-to-face meetings and the "
        "statistical activities on the MDGs",
        Consultation.Status.PLANNED,
        "",
        "Planned by the 2012-2013 work programme (financing objective); date shown: the start "
        "of the biennium.",
    ),
    (
        dt.date(2012, 1, 1),
        "Possible donors and sources of resources (to be identified)",
        ("2012", "6(b)"),
        "Identify possible sources of resources and donors for the programme",
        Consultation.Status.PLANNED,
        "",
        "Planned by the 2012-2013 work programme; date shown: the start of the biennium.",
    ),
]


def load(activities: dict[tuple[str, str], Activity]) -> None:
    """Create the demonstration consultations (idempotent)."""
    for date, donor, key, project, status, outcome, notes in CONSULTATIONS:
        Consultation.objects.get_or_create(
            date=date,
            donor_name=donor,
            defaults={
                "activity": activities.get(key),
                "project": project,
                "status": status,
                "outcome": outcome,
                "notes": notes,
            },
        )
