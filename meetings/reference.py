"""The working group's own record, reference data (true, not demo): the 2009-2011 and
2012-2013 programme of the MDG working group (seed 000), the migration workstream plan (seed
002), the meetings they describe and the Almaty workshop of 47 participants, 21 of them women
(seed 001), its conclusions, the grants, training and fund-raising consultations the sources
state, and each meeting's participant mix as its report states it. Idempotent.

The content is data files in meetings/fixtures/reference/: the programme (programme.json), the
meetings (meetings.json), the Almaty conclusions (conclusions.json), grants and training
(capacity.json), the consultations (consultations.json) and the participant mix
(participant_mix.json); this module loads them. `manage.py load_reference --working-group`
calls `reference_load()`, and so does `meetings.demo.demo_load()` before the demo records that
hang on it."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from django.db import transaction

from portal.models import Agency, Country, Organisation, Region

from .models import (
    Activity,
    Biennium,
    Conclusion,
    Consultation,
    Grant,
    Meeting,
    MeetingPartner,
    Objective,
    ParticipantGroup,
    Training,
)

MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reference"


def _read(name: str) -> Any:
    """One data file of the working group's record (meetings/fixtures/reference/<name>)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _rows(table: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a {"columns": [...], "rows": [[...], ...]} table, as tuples."""
    return [tuple(row) for row in table["rows"]]


def _meeting_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A meeting as its data file states it, with its dates, reported counts, partners and
    activity keys as the tuples the loader uses."""
    spec = dict(spec)
    for key in ("start", "end", "reported"):
        if key in spec:
            spec[key] = tuple(spec[key])
    spec["partners"] = [tuple(partner) for partner in spec["partners"]]
    spec["activities"] = [tuple(key) for key in spec.get("activities", [])]
    return spec


_PROGRAMME = _read("programme.json")
# Seed 000: the objectives of each biennium, then its activities:
# 2009: (code, objective number, title, status, progress notes);
# 2012: (code, objective number or None, title, lead).
OBJECTIVES_2009: list[str] = _PROGRAMME["objectives_2009"]
ACTIVITIES_2009 = _rows(_PROGRAMME["activities_2009"])
OBJECTIVES_2012: list[str] = _PROGRAMME["objectives_2012"]
ACTIVITIES_2012 = _rows(_PROGRAMME["activities_2012"])
# Seed 002: (code, parent code or None, title, description, entities, timeline)
WORKSTREAM = _rows(_PROGRAMME["workstream"])
BIENNIUMS: list[dict[str, Any]] = _PROGRAMME["bienniums"]
MEETINGS: list[dict[str, Any]] = [_meeting_spec(spec) for spec in _read("meetings.json")]
# The Almaty workshop's conclusions, the grants and the training the seeds state, the
# fund-raising consultations of the report and work programme, the meetings' participant mix.
CONCLUSIONS: dict[str, Any] = _read("conclusions.json")
CAPACITY: dict[str, Any] = _read("capacity.json")
CONSULTATIONS: list[dict[str, Any]] = _read("consultations.json")
PARTICIPANT_MIX: list[dict[str, Any]] = _read("participant_mix.json")


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


@transaction.atomic
def _programme() -> dict[tuple[str, str], Activity]:
    activities: dict[tuple[str, str], Activity] = {}
    b2009, b2012, b2019 = (
        Biennium.objects.get_or_create(
            start_year=spec["start_year"],
            end_year=spec["end_year"],
            defaults={"title": spec["title"], "description": spec["description"]},
        )[0]
        for spec in BIENNIUMS
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
                "lead": _PROGRAMME["lead_2009"],
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
        defaults={"title": _PROGRAMME["objective_2019"]},
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


def _conclusions(meetings: list[Meeting]) -> None:
    meeting = _meeting_titled(meetings, CONCLUSIONS["meeting"])
    if meeting.conclusions.exists():
        return
    for order, text in enumerate(CONCLUSIONS["conclusions"], start=1):
        Conclusion.objects.create(meeting=meeting, order=order, text=text)


def _meeting_titled(meetings: list[Meeting], start: str) -> Meeting:
    return next(m for m in meetings if m.title.startswith(start))


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _capacity(activities: dict[tuple[str, str], Activity], meetings: list[Meeting]) -> None:
    """Funding and training as the seeds state them; amounts are not stated there, so none is
    invented (the financing page counts them as "not stated")."""
    for spec in CAPACITY["grants"]:
        grant, _c = Grant.objects.get_or_create(
            title=spec["title"],
            defaults={
                "donor_name": spec["donor"],
                "status": spec["status"],
                "start_date": _date(spec["start"]),
            },
        )
        keys = [tuple(key) for key in spec["activities"]]
        grant.activities.add(*[activities[key] for key in keys if key in activities])
        grant.meetings.add(*[_meeting_titled(meetings, start) for start in spec["meetings"]])
    for spec in CAPACITY["trainings"]:
        Training.objects.get_or_create(
            title=spec["title"],
            defaults={
                "kind": spec["kind"],
                "topic": spec["topic"],
                "organiser": Organisation.objects.filter(
                    agency__code=spec["organiser_agency"]
                ).first(),
                "activity": activities.get(tuple(spec["activity"])),
                "meeting": _meeting_titled(meetings, spec["meeting"]),
                "start_date": _date(spec["start"]),
                "end_date": _date(spec["end"]),
                "city": spec["city"],
                "country": Country.objects.filter(iso3=spec["country"]).first(),
                "description": spec["description"],
            },
        )


def _consultations(activities: dict[tuple[str, str], Activity]) -> None:
    """The fund-raising consultations, as the working group's report and work programme
    describe its financing. The sources name no amounts and no dates for the consultations
    themselves: no amount is invented and each note says which date is shown."""
    for spec in CONSULTATIONS:
        Consultation.objects.get_or_create(
            date=dt.date.fromisoformat(spec["date"]),
            donor_name=spec["donor"],
            defaults={
                "activity": activities.get(tuple(spec["activity"])),
                "project": spec["project"],
                "status": spec["status"],
                "outcome": spec["outcome"],
                "notes": spec["notes"],
            },
        )


def _participant_mix(meetings: list[Meeting]) -> None:
    """The reported participant groups of the meetings: counts a report does not give stay
    empty; countries are a list of ISO3 codes or a region's code."""
    for entry in PARTICIPANT_MIX:
        meeting = next((m for m in meetings if m.title.startswith(entry["meeting"])), None)
        if meeting is None:
            continue
        for spec in entry["groups"]:
            group, created = ParticipantGroup.objects.get_or_create(
                meeting=meeting,
                institution_type=spec["institution_type"],
                defaults={
                    "institutions": spec["institutions"],
                    "people": spec["people"],
                    "description_en": spec["description_en"],
                    "description_es": spec["description_es"],
                },
            )
            if not created:
                continue
            countries = spec["countries"]
            if isinstance(countries, str):
                region = Region.objects.filter(code=countries).first()
                members = list(region.members.all()) if region else []
            else:
                members = list(Country.objects.filter(iso3__in=countries))
            group.countries.add(*members)
            group.agencies.add(*Agency.objects.filter(code__in=spec["agencies"]))


def reference_load() -> tuple[dict[tuple[str, str], Activity], list[Meeting]]:
    """Load the working group's programme, meetings, conclusions, grants, training,
    consultations and participant mix (idempotent); returns the activities by (biennium start
    year, code) and the meetings, for the demo records that hang on them."""
    with transaction.atomic():
        activities = _programme()
        meetings = [_meeting(spec, activities) for spec in MEETINGS]
        _conclusions(meetings)
        _capacity(activities, meetings)
        _consultations(activities)
        _participant_mix(meetings)
    return activities, meetings
