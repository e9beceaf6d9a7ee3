"""Demo content from the seeds: the 2009-2011 and 2012-2013 programme of the MDG working
group (seed 000), the migration workstream plan (seed 002), the meetings they describe and
the Almaty workshop of 47 participants, 21 of them women (seed 001). Idempotent."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.models import Agency, Country, Organisation, User

from . import attendance_demo
from .financing import demo as financing_demo
from .models import (
    ActionItem,
    Activity,
    Biennium,
    Conclusion,
    Grant,
    Meeting,
    MeetingPartner,
    Objective,
    Participant,
    Training,
)

MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}

OBJECTIVES_2009 = [
    "Improve coordination between ECLAC and the coordinator of the Working Group on the Monitoring of Progress towards the Millennium Development Goals, with a view to strengthening the role of national statistical offices in implementing the programme of work for the new biennium.",
    "Contribute to building up national coordination mechanisms for the production of statistics for the Millennium Development Goals and for proper reporting on the Goals in national reports.",
    "Analyse and propose indicators that will enable the Latin American and Caribbean countries to evaluate progress towards achievement of the Millennium Development Goals at the subnational level.",
    "Promote the development and implementation of the regional statistical reconciliation strategy for monitoring the Millennium Development Goals.",
    "Identify and channel financial resources to contribute to further building and improvement of the countries' statistical capacities to produce indicators showing progress towards achievement of the Millennium Development Goals.",
    "Promote and facilitate the exchange of knowledge and experiences regarding the production and use of statistics for the Millennium Development Goals among the countries of the region.",
    "Urge international agencies to improve the coverage and transparency of methodologies employed to calculate the values of indicators for the Millennium Development Goals and to avoid the use of imputed figures.",
]

# (code, objective number, title, status, progress notes)
ACTIVITIES_2009 = [
    (
        "1",
        1,
        "Working group meetings organized by the coordinator (INDEC, Argentina) with the support of ECLAC",
        "done",
        "Two meetings held in Buenos Aires (September 2009, July 2011).",
    ),
    (
        "2",
        4,
        "Evaluate differences in data availability and discrepancies between national and international sources",
        "done",
        "Several studies published (Azócar, Quiroga and Stockins 2010; Stockins and Taccari 2009; Bay 2009; Taccari 2009).",
    ),
    (
        "3",
        2,
        "Organization of regional meetings on the Millennium Development Goals",
        "done",
        "Annual seminars held; a workshop in San José with seven countries and seven agencies.",
    ),
    (
        "4",
        6,
        "Participation in thematic regional meetings: special sessions on MDG indicators",
        "done",
        "All three planned thematic meetings attended.",
    ),
    (
        "5",
        3,
        "Analyse experiences in drafting subnational MDG reports",
        "ongoing",
        "A document identifying the countries producing subnational reports is planned.",
    ),
    ("6", 6, "Set up an online forum for virtual interaction", "planned", ""),
]

OBJECTIVES_2012 = [
    "Continue promoting the development of official statistics for monitoring the Millennium Development Goals at the regional, national and subnational levels.",
    "Continue developing actions aimed at statistical reconciliation by identifying and analysing discrepancies between national data and the data available at the international level, and by building up national coordination mechanisms.",
    "Improve communication between the member countries of the working group by incorporating the use of information and communications technologies into its operations, including online meetings and workshops.",
    "Promote and facilitate training activities on the production and use of statistics relating to the Millennium Development Goals, making use of the Knowledge Transfer Network.",
    "Identify and channel financial resources to contribute to the further building and improvement of countries' statistical capacities to produce MDG indicators.",
]

# (code, objective number or None, title, lead)
ACTIVITIES_2012 = [
    (
        "1(a)",
        None,
        "Working group meetings: face-to-face meetings to evaluate the biennium and propose action lines for 2014-2015; administration of the collaborative website",
        "Coordinator, technical secretariat",
    ),
    (
        "2(a)",
        1,
        "Manage and coordinate participation in thematic meetings organized by other regional agencies on the dimensions of the MDGs",
        "Technical secretariat",
    ),
    (
        "2(b)",
        1,
        "Organize a regional workshop on strengthening statistical capacities in relation to the MDG indicators",
        "ECLAC",
    ),
    (
        "2(c)",
        1,
        "Technical assistance and horizontal cooperation missions to strengthen national technical teams",
        "ECLAC",
    ),
    (
        "2(d)",
        1,
        "Broaden the range of complementary MDG indicators in selected areas: hunger, employment and health",
        "ECLAC",
    ),
    (
        "2(e)",
        1,
        "Promote subnational MDG indicators: a data sheet per country listing the statistical operations in use (2010 census round)",
        "Coordinator",
    ),
    (
        "3(a)",
        2,
        "Hold at least one regional seminar on the MDGs with directors of NSOs, national rapporteurs and international agencies",
        "ECLAC, coordinator",
    ),
    (
        "3(b)",
        2,
        "Address statistical discrepancies at the conferences, meetings and workshops held during the biennium",
        "Technical secretariat",
    ),
    (
        "3(c)",
        2,
        "Systematize the information flows among national and international agencies: a data sheet per country",
        "Coordinator",
    ),
    (
        "4(a)",
        4,
        "Training activities with the Knowledge Transfer Network on MDG statistical themes",
        "ECLAC",
    ),
    (
        "5(a)",
        3,
        "Set up a collaborative website and online forum; remote meetings and technical debates",
        "Coordinator, technical secretariat",
    ),
    (
        "6(a)",
        5,
        "Consult countries through the forum on fund-raising strategies and projects",
        "Coordinator",
    ),
    ("6(b)", 5, "Identify possible sources of resources and donors", "Technical secretariat"),
    ("6(c)", 5, "Manage projects with donors", "Technical secretariat"),
]

# Seed 002: (code, parent code or None, title, description, entities, timeline)
WORKSTREAM = [
    (
        "1",
        None,
        "Prepare guidance note on migration questions in the 2020 round of population censuses by December 2019.",
        "",
        "",
        "November 2018 – March 2020",
    ),
    (
        "1.1",
        "1",
        "Prepare a technical brief on Key Questions for the 2020 Census Round.",
        "A note on standardized migration questions for censuses and surveys was developed.",
        "ILO, IOM, UN DESA, UN ECA, UNFPA, UNHCR, UNICEF, UNODC (UN Expert Group on Migration Statistics)",
        "November 2018 – November 2019",
    ),
    (
        "1.2",
        "1",
        "Prepare a technical brief for country offices and National Statistical Offices on how to integrate migration related questions in their national censuses of the 2020 Census Round.",
        "",
        "IOM, UN DESA, UNFPA",
        "November 2019 – March 2020",
    ),
    (
        "2",
        None,
        "Revise the 1998 Recommendations on Statistics of International Migration under the auspices of the UN Statistical Commission.",
        "In preparation for the revision, a global consultation was carried out to assess national needs and practices for migration data.",
        "ILO, IOM, UN DESA, UN ECA, UNFPA, UNHCR, UNICEF, UNODC, FAO (UN Expert Group on Migration Statistics)",
        "March 2019 – 2021",
    ),
    (
        "3",
        None,
        "Strengthen national statistical capacities and data systems to collect and use migration-related data and indicators in the context of the 2030 Agenda and the GCM.",
        "",
        "",
        "2010 – Ongoing",
    ),
    (
        "3.1",
        "3",
        "Develop a standard module on rural migration that could be integrated in household surveys.",
        "E.g. the Living Standards Measurement Study - Integrated Surveys on Agriculture, 50x2030 initiative.",
        "FAO",
        "September 2019 – January 2020",
    ),
    (
        "3.2",
        "3",
        "Close the data gap towards an efficient remittances market in Africa.",
        "Annually updated, publicly available remittance-related market intelligence on all 54 African countries. First dissemination at the GFRID2020, Nairobi, June 2020.",
        "IFAD",
        "September 2019 – Ongoing",
    ),
    (
        "3.3",
        "3",
        "Implement the 20th ICLS Guidelines concerning labour migration statistics.",
        "Developing methodologies for capturing data on the main categories of international labour migration.",
        "ILO",
        "October 2018 – 2023",
    ),
    (
        "3.4",
        "3",
        "Implement the methodology for measuring SDG indicator 10.7.1 (recruitment cost).",
        "A methodology has been developed and is being implemented in two regions.",
        "ILO (World Bank)",
        "Ongoing – June 2020",
    ),
    (
        "3.5",
        "3",
        "Update global and regional estimates of migrant workers.",
        "The work on a new round of estimates will start in 2020.",
        "ILO",
        "2020 – 2021",
    ),
    (
        "3.6",
        "3",
        "Maintain ILO International Labour Migration Statistics Database (ILMS).",
        "",
        "ILO",
        "2013 – Ongoing",
    ),
    ("3.7", "3", "Maintain Global Migration Data Portal.", "", "IOM", "December 2017 – Ongoing"),
    (
        "3.8",
        "3",
        "Strengthen capacity building to improve the collection of migration-relevant data and use for policy.",
        "",
        "IOM",
        "Ongoing",
    ),
    (
        "3.9",
        "3",
        "Assist countries to disaggregate SDG indicators by migratory status.",
        "",
        "IOM",
        "December 2019 – August 2020",
    ),
    (
        "3.10",
        "3",
        "Develop tools for national capacity building.",
        "Two regions (Asia and Latin America), then six countries.",
        "IOM, UN DESA, UNICEF, UNODC (ECLAC, ESCAP)",
        "January 2018 – December 2021",
    ),
    (
        "3.11",
        "3",
        "Integrated Data Ecosystem Assessment and Strengthening (IDEAS).",
        "In Jordan and Thailand.",
        "IOM, UN DESA, UNHCR, UNICEF",
        "End of 2019 – End of 2020",
    ),
    (
        "3.12",
        "3",
        "Implement Census and SDG Workshop.",
        "4 regional workshops per annum.",
        "UNFPA",
        "Ongoing",
    ),
    (
        "3.13",
        "3",
        "Produce the Global Report on Trafficking in Persons.",
        "Produced every two years, next edition in 2020.",
        "UNODC",
        "July 2010 – Ongoing",
    ),
    (
        "3.14",
        "3",
        "Regional Observatory on Smuggling of Migrants on the Mediterranean.",
        "",
        "UNODC",
        "January 2019 – December 2020",
    ),
    (
        "3.15",
        "3",
        "Produce Global Study on Smuggling of Migrants.",
        "First study published in 2018.",
        "UNODC",
        "January 2017 – Ongoing",
    ),
    (
        "3.16",
        "3",
        "Voluntary Reporting System on Migrant Smuggling and Related Conduct (VRS-MSRC).",
        "",
        "UNODC",
        "2013 – Ongoing",
    ),
    (
        "3.17",
        "3",
        "Develop key indicators to monitor the health of refugees and migrants (GAP).",
        "",
        "WHO",
        "January 2020 – Ongoing",
    ),
    ("3.18", "3", "Develop global migrant health portal.", "", "WHO", "Ongoing"),
    (
        "3.19",
        "3",
        "Research on youth mixed migration flows in Beirut, Cairo, Nairobi and Tunis.",
        "",
        "UNFPA",
        "Ongoing",
    ),
    (
        "3.20",
        "3",
        "Literature review on data on female migrant garment factory workers.",
        "",
        "UNFPA",
        "Ongoing",
    ),
    (
        "4",
        None,
        "Convene, with the OECD, the second International Forum on Migration Statistics (IFMS) in January 2020.",
        "A global platform devoted to improving data on migration in all its dimensions.",
        "IOM, UN DESA (OECD) (as co-organizers); IFAD, ILO, UNFPA, UNICEF, UNODC, WHO (as partners)",
        "January 2018 – Ongoing",
    ),
]


def parse_timeline_end(text: str, *, end: bool) -> dt.date | None:
    """One side of a seed timeline ("November 2018", "2021", "End of 2019", "Ongoing")."""
    text = text.strip()
    match = re.fullmatch(r"(?:(End of) )?(?:([A-Z][a-z]+) )?(\d{4})", text)
    if not match:
        return None
    end_of, month_name, year = match.group(1), match.group(2), int(match.group(3))
    if end_of:
        return dt.date(year, 12, 31) if end else dt.date(year, 10, 1)
    if month_name in MONTHS:
        month = MONTHS[month_name]
        day = calendar.monthrange(year, month)[1] if end else 1
        return dt.date(year, month, day)
    return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)


def parse_timeline(text: str) -> tuple[dt.date | None, dt.date | None]:
    parts = [p for p in re.split(r"\s+[–-]\s+", text) if p]
    if len(parts) == 1:
        return parse_timeline_end(parts[0], end=False), None
    return parse_timeline_end(parts[0], end=False), parse_timeline_end(parts[1], end=True)


def _agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def _country(iso3: str) -> Country | None:
    return Country.objects.filter(iso3=iso3).first()


def _partners(meeting: Meeting, partners: list[tuple[str, str]]) -> None:
    """(role, "agency:CODE" | "country:ISO3" | plain name)."""
    if meeting.partners.exists():
        return
    for role, who in partners:
        kind, _sep, value = who.partition(":")
        fields: dict[str, Any] = {"name": who}
        if kind == "agency" and (agency := _agency(value)):
            fields = {"agency": agency}
        elif kind == "country" and (country := _country(value)):
            fields = {"country": country}
        elif kind in ("agency", "country"):
            fields = {"name": value}
        MeetingPartner.objects.create(meeting=meeting, role=role, **fields)


MEETINGS: list[dict[str, Any]] = [
    {
        "title": "First meeting of countries of the Statistical Conference of the Americas on monitoring the Millennium Development Goals",
        "kind": "wg_meeting",
        "city": "Buenos Aires",
        "country": "ARG",
        "start": (2009, 9, 28),
        "end": (2009, 9, 30),
        "theme": "MDG monitoring",
        "status": "held",
        "visibility": "public",
        "tz": "America/Argentina/Buenos_Aires",
        "objectives": "Evaluate the activities carried out during the biennium, adjust the group's approach and define new objectives for the next biennium.",
        "partners": [
            ("organiser", "National Institute of Statistics and Censuses of Argentina (INDEC)"),
            ("co_organiser", "agency:ECLAC"),
            ("funder", "agency:IDB"),
        ],
        "activities": [("2009", "1")],
    },
    {
        "title": "Annual seminar on advances and challenges in statistical reconciliation for monitoring the MDGs",
        "kind": "seminar",
        "city": "Buenos Aires",
        "country": "ARG",
        "start": (2009, 11, 5),
        "end": (2009, 11, 6),
        "theme": "Statistical reconciliation",
        "status": "held",
        "visibility": "public",
        "tz": "America/Argentina/Buenos_Aires",
        "objectives": "Follow-up to the annual meetings; discussion of cross-cutting MDG issues, national capacities and inter-agency coordination.",
        "partners": [
            ("organiser", "agency:ECLAC"),
            ("co_organiser", "National Institute of Statistics and Censuses of Argentina (INDEC)"),
        ],
        "activities": [("2009", "2"), ("2009", "3")],
    },
    {
        "title": "Meeting of Directors of Statistics: quality of mortality data and harmonization of MDG indicators 4 and 5",
        "kind": "thematic_session",
        "city": "Lima",
        "country": "PER",
        "start": (2010, 4, 27),
        "end": (2010, 4, 29),
        "theme": "Health statistics",
        "status": "held",
        "visibility": "public",
        "tz": "America/Lima",
        "objectives": "Two discussion forums on MDG indicators 4 and 5.",
        "partners": [("organiser", "agency:PAHO"), ("co_organiser", "agency:ECLAC")],
        "activities": [("2009", "4")],
    },
    {
        "title": "Sixth Workshop on Measuring the Information Society in Latin America and the Caribbean",
        "kind": "thematic_session",
        "city": "Montevideo",
        "country": "URY",
        "start": (2010, 9, 21),
        "end": (2010, 9, 23),
        "theme": "Information society",
        "status": "held",
        "visibility": "public",
        "tz": "America/Montevideo",
        "objectives": "Special session on the MDGs: ECLAC's proposal of complementary indicators on access to ICT.",
        "partners": [
            (
                "organiser",
                "Observatory for the Information Society in Latin America and the Caribbean (OSILAC)",
            ),
            ("funder", "International Development Research Centre"),
        ],
        "activities": [("2009", "4")],
    },
    {
        "title": "Eleventh international meeting on gender statistics and public policies based on empirical evidence",
        "kind": "thematic_session",
        "city": "Aguascalientes",
        "country": "MEX",
        "start": (2010, 9, 28),
        "end": (2010, 9, 30),
        "theme": "Gender statistics",
        "status": "held",
        "visibility": "public",
        "tz": "America/Mexico_City",
        "objectives": "Gender statistics; no MDG special session could be held for lack of coordination between the organizers.",
        "partners": [("organiser", "country:MEX")],
        "activities": [("2009", "4")],
    },
    {
        "title": "Workshop on monitoring the progress made towards the Millennium Development Goals",
        "kind": "workshop",
        "city": "San José",
        "country": "CRI",
        "start": (2011, 1, 31),
        "end": (2011, 2, 3),
        "theme": "MDG monitoring",
        "status": "held",
        "visibility": "public",
        "tz": "America/Costa_Rica",
        "objectives": "Producers from seven countries and specialists from seven international agencies discuss the discrepancies between national and international data.",
        "partners": [
            ("organiser", "agency:UNSD"),
            ("co_organiser", "agency:ECLAC"),
            ("co_organiser", "country:CRI"),
        ],
        "activities": [("2009", "3")],
    },
    {
        "title": "Second meeting of countries of the Statistical Conference of the Americas on monitoring the Millennium Development Goals",
        "kind": "wg_meeting",
        "city": "Buenos Aires",
        "country": "ARG",
        "start": (2011, 7, 14),
        "end": (2011, 7, 15),
        "theme": "MDG monitoring",
        "status": "held",
        "visibility": "public",
        "tz": "America/Argentina/Buenos_Aires",
        "objectives": "(i) Evaluate the activities of the biennium; (ii) define new objectives for the next biennium; (iii) agree on the report on activities; (iv) review the recommendations of the Executive Committee on the working groups.",
        "partners": [
            ("organiser", "National Institute of Statistics and Censuses of Argentina (INDEC)"),
            ("co_organiser", "agency:ECLAC"),
        ],
        "activities": [("2009", "1")],
    },
    {
        "title": "Annual seminar on progress and challenges in statistical reconciliation for monitoring the MDGs (Mexico City)",
        "kind": "seminar",
        "city": "Mexico City",
        "country": "MEX",
        "start": (2011, 12, 1),
        "end": (2011, 12, 2),
        "theme": "Statistical reconciliation",
        "status": "held",
        "visibility": "public",
        "tz": "America/Mexico_City",
        "objectives": "Continue helping to build up national coordination mechanisms for the production of MDG statistics.",
        "partners": [("organiser", "agency:ECLAC")],
        "activities": [("2012", "3(a)")],
    },
    {
        "title": "Regional (EECA) capacity-building workshop on migration statistics: Towards better evidence on migration and development in Eastern Europe and Central Asia",
        "kind": "workshop",
        "city": "Almaty",
        "country": "KAZ",
        "start": (2013, 10, 31),
        "end": (2013, 11, 1),
        "theme": "Migration Statistics/Migration and Development",
        "status": "held",
        "visibility": "public",
        "tz": "Asia/Almaty",
        "objectives": "Strengthen statistical capacities for measuring the impact of migration on development; bring together data producers and policy makers.",
        "partners": [
            ("organiser", "agency:UNECE"),
            ("co_organiser", "agency:IOM"),
            ("co_organiser", "European Free Trade Association (EFTA)"),
        ],
        "reported": (47, 21),
        "external_url": "http://www.unece.org/stats/documents/2013.11.migration.html",
        "activities": [("2012", "2(b)")],
    },
]


@transaction.atomic
def _programme() -> dict[tuple[str, str], Activity]:
    activities: dict[tuple[str, str], Activity] = {}
    b2009, _c = Biennium.objects.get_or_create(
        start_year=2009,
        end_year=2011,
        defaults={
            "title": "Working Group on the Monitoring of Progress towards the MDGs: programme 2009-2011"
        },
    )
    b2012, _c = Biennium.objects.get_or_create(
        start_year=2012,
        end_year=2013,
        defaults={
            "title": "Working Group on the Monitoring of Progress towards the MDGs: objectives and activities 2012-2013"
        },
    )
    b2019, _c = Biennium.objects.get_or_create(
        start_year=2019,
        end_year=2020,
        defaults={
            "title": "Migration data working group: thematic workstream 1 (national capacities)",
            "description": "Leads: UN DESA, UNFPA. Members: FAO, IFAD, ILO, IOM, UN DESA, UN ECA, UNFPA, UN-Habitat, UNHCR, UNICEF, UNODC, UNU, UN Women, WHO.",
        },
    )
    for biennium, texts in ((b2009, OBJECTIVES_2009), (b2012, OBJECTIVES_2012)):
        for number, text in enumerate(texts, start=1):
            Objective.objects.get_or_create(
                biennium=biennium, number=number, defaults={"title": text}
            )
    for order, (code, obj, title, status, notes) in enumerate(ACTIVITIES_2009):
        activities[("2009", code)], _c = Activity.objects.get_or_create(
            biennium=b2009,
            code=code,
            defaults={
                "objective": Objective.objects.get(biennium=b2009, number=obj),
                "title": title,
                "status": status,
                "progress_notes": notes,
                "order": order,
                "lead": "INDEC (Argentina), ECLAC",
                "start_date": dt.date(2009, 1, 1),
                "end_date": dt.date(2011, 12, 31),
                "timeline_note": "2009 – 2011",
            },
        )
    for order, (code, objective_no, title, lead) in enumerate(ACTIVITIES_2012):
        activities[("2012", code)], _c = Activity.objects.get_or_create(
            biennium=b2012,
            code=code,
            defaults={
                "objective": Objective.objects.get(biennium=b2012, number=objective_no)
                if objective_no
                else None,
                "title": title,
                "lead": lead,
                "order": order,
                "start_date": dt.date(2012, 1, 1),
                "end_date": dt.date(2013, 12, 31),
                "timeline_note": "2012 – 2013",
            },
        )
    objective, _c = Objective.objects.get_or_create(
        biennium=b2019,
        number=1,
        defaults={
            "title": "Develop and implement a global programme to build and enhance national capacities in data collection, analysis and dissemination"
        },
    )
    for order, (code, parent, title, description, entities, timeline) in enumerate(WORKSTREAM):
        start, end = parse_timeline(timeline)
        lead = activity_lead(entities)
        activities[("2019", code)], _c = Activity.objects.get_or_create(
            biennium=b2019,
            code=code,
            defaults={
                "objective": objective,
                "parent": activities.get(("2019", parent or "")),
                "title": title,
                "description": description,
                "entities": entities,
                "lead": lead,
                "order": order,
                "start_date": start,
                "end_date": end,
                "timeline_note": timeline,
                "status": "ongoing" if end is None or end.year >= 2020 else "done",
            },
        )
        if activities[("2019", code)].lead != lead:  # demo data loaded before the fix
            Activity.objects.filter(pk=activities[("2019", code)].pk).update(lead=lead)
    return activities


# The workstream plan lists each activity's entities in alphabetical order: the first one
# listed is not its lead. Its leads, as the plan states them: the workstream's own leads for
# the headings without entities; the UN Expert Group on Migration Statistics where the plan
# names it as the body doing the work; the co-organisers of the forum (activity 4); otherwise
# every working-group member listed, jointly (partners outside the group, in brackets, are
# not leads).
WORKSTREAM_LEADS = "UN DESA, UNFPA"
EXPERT_GROUP = "UN Expert Group on Migration Statistics"


def activity_lead(entities: str) -> str:
    if not entities:
        return WORKSTREAM_LEADS
    if EXPERT_GROUP in entities:
        return EXPERT_GROUP
    if "(as co-organizers)" in entities:
        organisers = entities.split("(as co-organizers)")[0]
        return ", ".join(name.strip() for name in re.split(r"[,()]", organisers) if name.strip())
    return re.sub(r"\s*\([^)]*\)", "", entities).strip()


def _meeting(spec: dict[str, Any], activities: dict[tuple[str, str], Activity]) -> Meeting:
    meeting, created = Meeting.objects.get_or_create(
        title=spec["title"],
        defaults={
            "kind": spec["kind"],
            "city": spec["city"],
            "country": _country(spec["country"]),
            "start_date": dt.date(*spec["start"]),
            "end_date": dt.date(*spec["end"]),
            "thematic_focus": spec["theme"],
            "status": spec["status"],
            "visibility": spec["visibility"],
            "time_zone": spec["tz"],
            "objectives": spec["objectives"],
            "external_url": spec.get("external_url", ""),
            "reported_total": spec.get("reported", (None, None))[0],
            "reported_female": spec.get("reported", (None, None))[1],
        },
    )
    if created:
        meeting.full_clean()
        _partners(meeting, spec["partners"])
        meeting.activities.set(
            [activities[key] for key in spec.get("activities", []) if key in activities]
        )
    return meeting


def _upcoming(activities: dict[tuple[str, str], Activity]) -> None:
    """An online coordination meeting a month ahead, so registration can be tried."""
    title = "Online coordination meeting of the working group"
    if Meeting.objects.filter(title=title).exists():
        return
    start = timezone.localdate() + dt.timedelta(days=30)
    meeting = Meeting.objects.create(
        title=title,
        kind="online_meeting",
        mode="online",
        online_url="https://meet.example.org/wg-coordination",
        thematic_focus="MDG monitoring",
        start_date=start,
        end_date=start,
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        time_zone="America/Santiago",
        status="planned",
        visibility="members",
        objectives="Remote meeting to coordinate the activities defined for the biennium (seed 000, activity 5(a)).",
    )
    _partners(meeting, [("organiser", "agency:ECLAC"), ("co_organiser", "country:KAZ")])
    if ("2012", "5(a)") in activities:
        meeting.activities.set([activities[("2012", "5(a)")]])
    for email, sex in (
        ("focal.kaz@demo.wg.example", "female"),
        ("member.kaz@demo.wg.example", "male"),
    ):
        user = User.objects.filter(email=email).first()
        if user is not None:
            Participant.objects.get_or_create(
                meeting=meeting,
                user=user,
                defaults={
                    "full_name": user.full_name,
                    "organisation": user.organisation,
                    "country": user.country,
                    "sex": sex,
                    "consent_to_publish": True,
                },
            )


def _outcomes(almaty: Meeting) -> None:
    if almaty.conclusions.exists():
        return
    Conclusion.objects.create(
        meeting=almaty,
        order=1,
        text="Countries produced a series of migration-related indicators for monitoring the post-2015 development agenda.",
    )
    Conclusion.objects.create(
        meeting=almaty,
        order=2,
        text="Capacity-building in migration statistics should continue; financial resources and institutional mechanisms are needed.",
    )
    owner = Organisation.objects.filter(country__iso3="KAZ", kind="nso").first()
    if owner is not None:
        ActionItem.objects.create(
            meeting=almaty,
            owner=owner,
            description="Share the country's migration-related indicators with the secretariat.",
            due_date=timezone.localdate() - dt.timedelta(days=10),
        )
    secretariat = Organisation.objects.filter(kind="secretariat").first()
    if secretariat is not None:
        ActionItem.objects.create(
            meeting=almaty,
            owner=secretariat,
            description="Circulate the workshop report and presentations to all participants.",
            due_date=timezone.localdate() + dt.timedelta(days=20),
        )


def _meeting_titled(meetings: list[Meeting], start: str) -> Meeting:
    return next(m for m in meetings if m.title.startswith(start))


def _capacity(activities: dict[tuple[str, str], Activity], meetings: list[Meeting]) -> None:
    """Funding and training as the seeds state them; amounts are not stated there, so none is
    invented (the financing page counts them as "not stated")."""
    first = _meeting_titled(meetings, "First meeting of countries")
    grants = [
        (
            "Financial support for the first meeting of countries on monitoring the MDGs",
            "Inter-American Development Bank (IDB)",
            Grant.Status.DISBURSED,
            dt.date(2009, 9, 28),
            [("2009", "1")],
            [first],
        ),
        (
            "Strengthening statistical and inter-institutional capacities for monitoring the "
            "Millennium Development Goals through interregional cooperation and knowledge-sharing",
            "United Nations Development Account (project implemented by ECLAC)",
            Grant.Status.COMMITTED,
            None,
            [("2012", "2(c)")],
            [],
        ),
        (
            "Support for the Sixth Workshop on Measuring the Information Society",
            "International Development Research Centre",
            Grant.Status.DISBURSED,
            dt.date(2010, 9, 21),
            [("2009", "4")],
            [_meeting_titled(meetings, "Sixth Workshop on Measuring the Information Society")],
        ),
    ]
    for title, donor, status, start, activity_keys, linked in grants:
        grant, _c = Grant.objects.get_or_create(
            title=title,
            defaults={"donor_name": donor, "status": status, "start_date": start},
        )
        grant.activities.add(*[activities[key] for key in activity_keys if key in activities])
        grant.meetings.add(*linked)
    almaty = _meeting_titled(meetings, "Regional (EECA) capacity-building workshop")
    Training.objects.get_or_create(
        title="Capacity-building workshop on migration statistics (Eastern Europe and Central Asia)",
        defaults={
            "kind": Training.Kind.WORKSHOP,
            "topic": "Migration statistics; migration and development",
            "organiser": Organisation.objects.filter(agency__code="UNECE").first(),
            "activity": activities.get(("2012", "2(b)")),
            "meeting": almaty,
            "start_date": dt.date(2013, 10, 31),
            "end_date": dt.date(2013, 11, 1),
            "city": "Almaty",
            "country": Country.objects.filter(iso3="KAZ").first(),
            "description": (
                "Co-organised by UNECE, IOM and EFTA for national statistical offices and "
                "migration policy offices: concepts and methods to measure the impact of "
                "migration on development, country presentations and migration-related "
                "indicators for the post-2015 agenda."
            ),
        },
    )


def demo_load() -> None:
    """Load the seeds' programme and meetings (idempotent)."""
    with transaction.atomic():
        activities = _programme()
        meetings = [_meeting(spec, activities) for spec in MEETINGS]
        _upcoming(activities)
        _outcomes(meetings[-1])
        _capacity(activities, meetings)
        financing_demo.load(activities)
        attendance_demo.load(meetings)
