"""The working group's record (reference data from the seeds) and the demo meeting records on
top of it; both idempotent."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from meetings import demo, reference
from meetings.models import (
    ActionItem,
    Activity,
    Biennium,
    Conclusion,
    Consultation,
    Grant,
    Meeting,
    MeetingPartner,
    Objective,
    Participant,
    ParticipantGroup,
    Training,
)
from portal.models import User

FIXTURES = Path(demo.__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("November 2018 – November 2019", dt.date(2018, 11, 1), dt.date(2019, 11, 30)),
        ("March 2019 – 2021", dt.date(2019, 3, 1), dt.date(2021, 12, 31)),
        ("2013 – Ongoing", dt.date(2013, 1, 1), None),
        ("End of 2019 – End of 2020", dt.date(2019, 10, 1), dt.date(2020, 12, 31)),
        ("Ongoing – June 2020", None, dt.date(2020, 6, 30)),
        ("Ongoing", None, None),
    ],
)
def test_parse_timeline(text, start, end):
    assert reference.parse_timeline(text) == (start, end)


def test_demo_load_is_idempotent(db):
    call_command("load_reference", verbosity=0)
    from portal.demo import demo_load as portal_demo

    portal_demo()
    demo.demo_load()
    counts = (Meeting.objects.count(), Activity.objects.count(), Biennium.objects.count())
    demo.demo_load()
    assert counts == (Meeting.objects.count(), Activity.objects.count(), Biennium.objects.count())
    almaty = Meeting.objects.get(city="Almaty")
    assert (almaty.reported_total, almaty.reported_female) == (47, 21)
    assert Activity.objects.filter(biennium__start_year=2012).count() == 14
    assert Activity.objects.filter(biennium__start_year=2019, parent__code="3").count() == 20


def _data(name):
    """A data file, "reference/<name>" or "demo/<name>"."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_demo_loads_its_data_files(db):
    """The seed content lives in meetings/fixtures/reference/, the demo's own in
    meetings/fixtures/demo/; the loaders store every record of them, and the same numbers of
    records as before the content moved out of demo.py."""
    call_command("load_reference", verbosity=0)
    from portal.demo import demo_load as portal_demo

    portal_demo()
    demo.demo_load()
    programme, meetings = _data("reference/programme.json"), _data("reference/meetings.json")
    for year, objectives, activities in (
        (2009, programme["objectives_2009"], programme["activities_2009"]["rows"]),
        (2012, programme["objectives_2012"], programme["activities_2012"]["rows"]),
        (2019, ["(one objective)"], programme["workstream"]["rows"]),
    ):
        assert Objective.objects.filter(biennium__start_year=year).count() == len(objectives)
        stored = Activity.objects.filter(biennium__start_year=year)
        assert sorted(stored.values_list("code", flat=True)) == sorted(r[0] for r in activities)
    first = Activity.objects.get(biennium__start_year=2009, code="1")
    assert (first.objective.number, first.status) == (1, "done")
    assert first.title == programme["activities_2009"]["rows"][0][2]
    for spec in meetings:
        meeting = Meeting.objects.get(title=spec["title"])
        assert (meeting.city, meeting.country.iso3, meeting.time_zone) == (
            spec["city"],
            spec["country"],
            spec["tz"],
        )
        assert meeting.start_date == dt.date(*spec["start"])
        assert meeting.end_date == dt.date(*spec["end"])
        assert meeting.partners.count() == len(spec["partners"])
        assert sorted(meeting.activities.values_list("code", flat=True)) == sorted(
            code for _year, code in spec["activities"]
        )
    upcoming, conclusions, actions, capacity = (
        _data("demo/upcoming.json"),
        _data("reference/conclusions.json"),
        _data("demo/actions.json"),
        _data("reference/capacity.json"),
    )
    online = Meeting.objects.get(title=upcoming["title"])
    assert sorted(online.participants.values_list("user__email", "sex")) == sorted(
        tuple(row) for row in upcoming["participants"]
    )
    almaty = Meeting.objects.get(city="Almaty")
    assert almaty.title == conclusions["meeting"] == actions["meeting"]
    assert list(almaty.conclusions.values_list("text", flat=True)) == conclusions["conclusions"]
    assert sorted(almaty.actions.values_list("description", flat=True)) == sorted(
        action["description"] for action in actions["actions"]
    )
    assert sorted(Grant.objects.values_list("title", flat=True)) == sorted(
        grant["title"] for grant in capacity["grants"]
    )
    training = Training.objects.get()
    assert (training.title, training.meeting) == (capacity["trainings"][0]["title"], almaty)
    # The figures the demo loaded before its content moved to the data files: 9 meetings of
    # the seeds and the upcoming online one with its 2 partners and 2 participants, 46
    # activities, 13 objectives, Almaty's 2 conclusions and 2 actions, 3 grants, 1 training.
    assert Meeting.objects.count() == len(meetings) + 1 == 10
    assert Activity.objects.count() == 46
    assert Objective.objects.count() == 13
    assert MeetingPartner.objects.count() == sum(len(m["partners"]) for m in meetings) + 2 == 21
    assert (Participant.objects.count(), Conclusion.objects.count()) == (2, 2)
    assert (ActionItem.objects.count(), Grant.objects.count(), Training.objects.count()) == (
        2,
        3,
        1,
    )


def test_working_group_record_loads_without_the_demo(db):
    """`load_reference --working-group` loads the seeds' record with no demo account or
    organisation: the programme, the seed meetings, Almaty's conclusions, grants, training,
    consultations and participant mix; not the demo's online meeting or actions. Twice
    creates nothing new."""
    call_command("load_reference", working_group=True, verbosity=0)
    call_command("load_reference", working_group=True, verbosity=0)
    assert not User.objects.exists()
    assert Meeting.objects.count() == 9  # the seeds' meetings, without the online one
    assert Activity.objects.count() == 46
    assert Conclusion.objects.count() == 2 and ActionItem.objects.count() == 0
    assert (Grant.objects.count(), Training.objects.count()) == (3, 1)
    assert Consultation.objects.count() == 4
    assert ParticipantGroup.objects.count() == 12
    assert not Meeting.objects.filter(title=_data("demo/upcoming.json")["title"]).exists()
