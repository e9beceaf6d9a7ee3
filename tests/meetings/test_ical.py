"""iCalendar files parsed back with `icalendar`: times, time zones, all-day DTEND."""

import datetime as dt
import zoneinfo

from django.urls import reverse
from icalendar import Calendar

from .factories import MeetingFactory


def _events(response):
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return cal, {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_all_day_multi_day_meeting_has_exclusive_dtend(client, db):
    meeting = MeetingFactory(title="Almaty workshop")  # 31 Oct - 1 Nov 2013
    cal, events = _events(client.get(reverse("meetings:ics", args=[meeting.pk])))
    event = events["Almaty workshop"]
    assert event.decoded("dtstart") == dt.date(2013, 10, 31)
    assert event.decoded("dtend") == dt.date(2013, 11, 2)
    assert "VALUE=DATE" in event.to_ical().decode()
    assert str(event["location"]) == "Almaty"


def test_timed_meeting_keeps_its_time_zone(client, db):
    meeting = MeetingFactory(
        title="Online",
        mode="online",
        online_url="https://meet.example.org/x",
        city="",
        start_date=dt.date(2026, 3, 10),
        end_date=dt.date(2026, 3, 10),
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        time_zone="America/Santiago",
    )
    cal, events = _events(client.get(reverse("meetings:ics", args=[meeting.pk])))
    start, end = events["Online"].decoded("dtstart"), events["Online"].decoded("dtend")
    assert start == dt.datetime(2026, 3, 10, 14, 0, tzinfo=zoneinfo.ZoneInfo("America/Santiago"))
    assert end - start == dt.timedelta(hours=2)
    assert start.astimezone(dt.UTC).hour == 17  # Chile summer time, UTC-3
    tzids = [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")]
    assert tzids == ["America/Santiago"]
    assert "TZID=America/Santiago" in events["Online"].to_ical().decode()


def test_feed_lists_what_the_user_may_see(client, cast):
    MeetingFactory(title="Public one")
    MeetingFactory(title="Members one", visibility="members")
    _cal, events = _events(client.get(reverse("meetings:feed")))
    assert set(events) == {"Public one"}
    client.force_login(cast.users["observer"])
    _cal, events = _events(client.get(reverse("meetings:feed")))
    assert set(events) == {"Public one", "Members one"}
    assert all(str(e["uid"]).startswith("meeting-") for e in events.values())
