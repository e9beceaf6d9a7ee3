"""Demo content from the seeds; idempotent."""

import datetime as dt

import pytest
from django.core.management import call_command

from meetings import demo
from meetings.models import Activity, Biennium, Meeting


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
    assert demo.parse_timeline(text) == (start, end)


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
