import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import MeetingPartner

from .factories import MeetingFactory, PartnerFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def upcoming(cast):
    """A members' workshop next month, organised by country A (KAZ)."""
    start = timezone.localdate() + dt.timedelta(days=30)
    meeting = MeetingFactory(
        title="Upcoming workshop",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        status="planned",
        visibility="members",
    )
    PartnerFactory(meeting=meeting, role=MeetingPartner.Role.ORGANISER, country=cast.country_a)
    return meeting


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
