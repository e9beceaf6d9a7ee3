"""The forum's "subject" parameter: only objects the user may see can be discussed.

`/forum/new/?subject=<content type>:<id>` used to resolve any model of indicators and
meetings without a permission check and print it. The matrix: every role x every kind of
object x visible / invisible, for the form (GET), the submission (POST) and the topic page
that shows the subject later.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from forum.links import subject_reference
from forum.models import Topic
from tests.forum.conftest import make_topic
from tests.security.conftest import PASSWORD, SECRET_MEETING

ROLES = (
    "anonymous",
    "observer",
    "member",
    "focal_point",
    "focal_point_b",
    "agency_focal_point",
    "coordinator",
)
MEMBERS = frozenset(ROLES) - {"anonymous"}
KGZ_AND_SECRETARIAT = frozenset({"focal_point_b", "coordinator"})
WRITERS = MEMBERS - {"observer"}
SECRET_NAME = "KGZSECRETPARTICIPANT1187"
SECRET_COMMENT = "KGZSECRETRETURNCOMMENT2298"


@dataclass
class Target:
    name: str
    obj: object
    visible_to: frozenset[str]  # empty: never a subject (not a linkable kind)

    @property
    def text(self) -> str:
        return html.escape(str(self.obj))


def _targets(world) -> list[Target]:
    from indicators.models import Indicator, ValueComment
    from tests.meetings.factories import MeetingFactory, ParticipantFactory

    members_meeting = MeetingFactory(title="MEMBERSMEETING3301", visibility="members")
    comment = ValueComment.objects.create(
        sheet=world.sheet_b, author=world.cast.users["coordinator"], text=SECRET_COMMENT
    )
    participant = ParticipantFactory(meeting=world.meeting_b, full_name=SECRET_NAME)
    return [
        Target("indicator", Indicator.objects.get(code="3.2.1"), MEMBERS),
        Target("country", world.cast.country_b, MEMBERS),
        Target("discrepancy case", world.case_b, MEMBERS),
        Target("members' meeting", members_meeting, MEMBERS),
        Target("KGZ draft sheet", world.sheet_b, KGZ_AND_SECRETARIAT),
        Target("restricted meeting", world.meeting_b, KGZ_AND_SECRETARIAT),
        Target("restricted document", world.document_version_b.document, KGZ_AND_SECRETARIAT),
        Target("action of a restricted meeting", world.action_b, KGZ_AND_SECRETARIAT),
        # Not linkable kinds, for anybody.
        Target("draft value", world.observation_b, frozenset()),
        Target("returned sheet's comment", comment, frozenset()),
        Target("participant", participant, frozenset()),
        Target("user", world.cast.users["disabled_focal_point"], frozenset()),
    ]


def _client(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        assert client.login(username=world.cast.users[role].email, password=PASSWORD)
    return client


def _new_topic_url(obj) -> str:
    return reverse("forum:topic_create") + "?subject=" + subject_reference(obj)


@pytest.mark.parametrize("role", ROLES)
def test_only_visible_objects_can_be_a_subject(world, role):
    client = _client(world, role)
    for target in _targets(world):
        response = client.get(_new_topic_url(target.obj))
        body = response.content.decode()
        if role == "anonymous":
            assert response.status_code == 302, target.name
        elif role == "observer":
            assert response.status_code == 403, target.name
        elif role in target.visible_to:
            assert response.status_code == 200, target.name
            assert target.text in body, target.name
        else:
            assert response.status_code == 404, (target.name, response.status_code)
        if role not in target.visible_to:
            assert target.text not in body, target.name


@pytest.mark.parametrize("role", sorted(WRITERS))
def test_posting_an_invisible_subject_is_refused(world, role):
    client = _client(world, role)
    for target in _targets(world):
        before = Topic.objects.count()
        response = client.post(
            reverse("forum:topic_create"),
            {
                "category": world.board.open.pk,
                "title": f"About the {target.name}",
                "source": "Let us discuss it.",
                "language": "en",
                "subject": subject_reference(target.obj),
            },
        )
        if role in target.visible_to:
            assert response.status_code == 302, target.name
            topic = Topic.objects.latest("pk")
            assert topic.subject == target.obj
            topic.delete()
        else:
            assert response.status_code == 400, target.name
            body = response.content.decode()
            assert "The object this topic should discuss does not exist." in body
            assert target.text not in body, target.name
            assert Topic.objects.count() == before


@pytest.mark.parametrize("role", sorted(MEMBERS))
def test_topic_page_shows_its_subject_only_to_who_may_see_it(world, role):
    coordinator = world.cast.users["coordinator"]
    client = _client(world, role)
    for target in _targets(world):
        if "coordinator" not in target.visible_to:
            continue
        topic = make_topic(coordinator, world.board.open, title="A subject", subject=target.obj)
        body = client.get(topic.get_absolute_url()).content.decode()
        assert (target.text in body) == (role in target.visible_to), target.name
        topic.delete()


def test_a_subject_that_became_invisible_no_longer_shows(world):
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory(title="SOONRESTRICTED4471", visibility="members")
    member = world.cast.users["member"]
    topic = make_topic(member, world.board.open, title="Our meeting", subject=meeting)
    client = _client(world, "member")
    assert "SOONRESTRICTED4471" in client.get(topic.get_absolute_url()).content.decode()
    meeting.visibility = "restricted"
    meeting.save(update_fields=["visibility"])
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert "SOONRESTRICTED4471" not in response.content.decode()
    assert SECRET_MEETING not in response.content.decode()


def test_malformed_subject_references_are_not_found(world):
    client = _client(world, "coordinator")
    for reference in (
        "abc",
        "1",
        "1:x",
        "99999999999999999999:1",
        "1:99999999999999999999",
        "-1:-1",
    ):
        response = client.get(reverse("forum:topic_create"), {"subject": reference})
        assert response.status_code == 404, reference
