"""iCalendar files built with the `icalendar` library.

Timed meetings carry their own time zone (TZID with a VTIMEZONE); all-day meetings use
DATE values with an exclusive DTEND, the day after the last day (RFC 5545, 3.6.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting

PRODID = "-//Statistics Working Group Portal//Meetings//EN"


def _event(meeting: Meeting, *, url: str, host: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("summary", meeting.title)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    if meeting.is_all_day:
        event.add("dtstart", meeting.start_date)
        event.add("dtend", meeting.end_date + dt.timedelta(days=1))
    else:
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
    if meeting.venue:
        event.add("location", meeting.venue)
    description = [meeting.get_kind_display(), meeting.thematic_focus, meeting.objectives]
    if meeting.online_url:
        description.append(meeting.online_url)
    event.add("description", "\n\n".join(str(part) for part in description if part))
    event.add("url", url)
    status = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}
    event.add("status", status[meeting.status])
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    return event


def build_calendar(
    meetings: Iterable[Meeting], *, url_for: dict[int, str], host: str, name: str
) -> bytes:
    """One VCALENDAR with a VEVENT per meeting and the VTIMEZONEs they use."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting, url=url_for[meeting.pk], host=host))
    cal.add_missing_timezones()
    return cal.to_ical()
