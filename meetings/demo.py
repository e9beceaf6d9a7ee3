"""Demo meeting records on top of the working group's record (meetings/reference.py): an
online coordination meeting a month ahead with demo participants, so registration can be
tried, and follow-up actions of the Almaty workshop owned by demo organisations, due relative
to today. Idempotent.

The content is data files in meetings/fixtures/demo/: the upcoming meeting and its
participants (upcoming.json) and the follow-up actions (actions.json); this module loads them,
after loading the reference record they hang on (idempotent: nothing new when
`load_reference --working-group` already did)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.models import Organisation, User

from .models import ActionItem, Activity, Meeting, Participant
from .reference import _meeting_titled, _partners, reference_load

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "demo"


def _read(name: str) -> Any:
    """One data file of the demo content (meetings/fixtures/demo/<name>)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


UPCOMING: dict[str, Any] = _read("upcoming.json")
ACTIONS: dict[str, Any] = _read("actions.json")


def _upcoming(activities: dict[tuple[str, str], Activity]) -> None:
    """An online coordination meeting a month ahead, so registration can be tried."""
    spec = UPCOMING
    if Meeting.objects.filter(title=spec["title"]).exists():
        return
    start = timezone.localdate() + dt.timedelta(days=spec["days_ahead"])
    meeting = Meeting.objects.create(
        title=spec["title"],
        kind=spec["kind"],
        mode=spec["mode"],
        online_url=spec["online_url"],
        thematic_focus=spec["theme"],
        start_date=start,
        end_date=start,
        start_time=dt.time.fromisoformat(spec["start_time"]),
        end_time=dt.time.fromisoformat(spec["end_time"]),
        time_zone=spec["tz"],
        status=spec["status"],
        visibility=spec["visibility"],
        objectives=spec["objectives"],
    )
    _partners(meeting, [tuple(partner) for partner in spec["partners"]])
    activity = tuple(spec["activity"])
    if activity in activities:
        meeting.activities.set([activities[activity]])
    for email, sex in spec["participants"]:
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


def _actions(meetings: list[Meeting]) -> None:
    meeting = _meeting_titled(meetings, ACTIONS["meeting"])
    if meeting.actions.exists():
        return
    for action in ACTIONS["actions"]:
        owner = Organisation.objects.filter(**action["owner"]).first()
        if owner is not None:
            ActionItem.objects.create(
                meeting=meeting,
                owner=owner,
                description=action["description"],
                due_date=timezone.localdate() + dt.timedelta(days=action["due_in_days"]),
            )


def demo_load() -> None:
    """Load the working group's record, then the demo meeting and actions (idempotent)."""
    with transaction.atomic():
        activities, meetings = reference_load()
        _upcoming(activities)
        _actions(meetings)
