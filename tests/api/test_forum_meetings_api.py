"""The forum and meetings over the API (read only): exactly what their pages show each user.

Forum: a category's topics are listed only to those who may read the category (open, focal
points, one country group); hidden topics only to moderators; a hidden post shows no text to
non-moderators; a pending post only to its author and the moderators. Meetings: public and
members' meetings to every member, restricted ones to the listed organisations, organisers,
participants and the secretariat; documents one by one; participants only with consent.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from forum import services as forum_services
from meetings import services as meeting_services
from meetings.models import MeetingPartner, Participant, Session
from portal.services import token_create
from tests.forum.conftest import board, make_topic  # noqa: F401 - the fixture
from tests.meetings.factories import (
    ActionFactory,
    MeetingFactory,
    ParticipantFactory,
    PartnerFactory,
)

ROLES = ["focal_point", "member", "focal_point_b", "agency_focal_point", "coordinator", "observer"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = token_create(user=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _errors(response):
    body = response.json()
    assert set(body) == {"errors"}, body
    for error in body["errors"]:
        assert {"field", "message", "code"} <= set(error) and error["message"]
    return body["errors"]


# --- forum --------------------------------------------------------------------------------


@pytest.fixture
def forum(cast, board, settings, tmp_path):  # noqa: F811
    """A topic in each category kind; in the open one, a hidden post and a pending one."""
    settings.MEDIA_ROOT = str(tmp_path)
    fp, fp_b, coord = (cast.users[r] for r in ("focal_point", "focal_point_b", "coordinator"))
    topics = {
        "open": make_topic(
            fp,
            board.open,
            title="Open topic",
            files=[SimpleUploadedFile("notes.pdf", PDF, "application/pdf")],
        ),
        "focal": make_topic(fp_b, board.focal, title="Focal topic"),
        "region": make_topic(fp, board.region, title="EECA topic"),
        "other_region": make_topic(fp_b, board.other_region, title="LAC topic"),
        "announcements": make_topic(coord, board.announcements, title="Announcement"),
    }
    open_topic = topics["open"]
    hidden = forum_services.post_create(
        user=fp_b, topic=open_topic, source="HIDDENTEXT", enforce_rate_limit=False
    )
    forum_services.post_moderate(moderator=coord, post=hidden, action="hide_post", reason="spam")
    forum_services.post_create(
        user=cast.users["member"],
        topic=open_topic,
        source="A reply",
        reply_to=open_topic.posts.get(number=1),
        enforce_rate_limit=False,
    )
    hidden_topic = make_topic(fp, board.open, title="Hidden topic")
    forum_services.topic_moderate(
        moderator=coord, topic=hidden_topic, action="hide_topic", reason="duplicate"
    )
    # A newcomer's first post in a category that approves first posts: pending.
    pending_topic = make_topic(coord, board.approval, title="Welcome")
    newcomer = cast.users["agency_focal_point"]
    pending = forum_services.post_create(
        user=newcomer, topic=pending_topic, source="PENDINGTEXT", enforce_rate_limit=False
    )
    assert not pending.approved
    return {
        **topics,
        "hidden_post": hidden,
        "hidden_topic": hidden_topic,
        "approval": pending_topic,
        "pending_post": pending,
    }


# role -> the category kinds whose topics the role reads (tests/forum/test_permissions.py).
FORUM_MATRIX = {
    "coordinator": {"open", "focal", "region", "other_region", "announcements", "approval"},
    "focal_point": {"open", "focal", "region", "announcements", "approval"},
    "member": {"open", "region", "announcements", "approval"},
    "focal_point_b": {"open", "focal", "other_region", "announcements", "approval"},
    "agency_focal_point": {"open", "focal", "announcements", "approval"},
    "observer": {"open", "announcements", "approval"},
}
SLUGS = {
    "open": "health",
    "focal": "reconciliation",
    "region": "eeca",
    "other_region": "lac",
    "announcements": "meetings",
    "approval": "newcomers",
}


@pytest.mark.parametrize("role", ROLES)
def test_forum_permission_matrix(cast, forum, role):
    readable = FORUM_MATRIX[role]
    client = _client(cast.users[role])
    categories = client.get("/api/v1/forum/categories/").json()["results"]
    assert {c["slug"] for c in categories} == {SLUGS[k] for k in readable}
    topics = {t["id"] for t in client.get("/api/v1/forum/topics/").json()["results"]}
    for kind in SLUGS:
        if kind == "approval":
            continue
        topic = forum[kind]
        assert (topic.pk in topics) is (kind in readable), kind
        response = client.get(f"/api/v1/forum/topics/{topic.pk}/")
        assert response.status_code == (200 if kind in readable else 404), kind
        by_category = client.get(f"/api/v1/forum/topics/?category={SLUGS[kind]}").json()
        listed = {t["id"] for t in by_category["results"]} - {forum["hidden_topic"].pk}
        assert listed == ({topic.pk} if kind in readable else set()), kind
    hidden = client.get(f"/api/v1/forum/topics/{forum['hidden_topic'].pk}/")
    assert hidden.status_code == (200 if role == "coordinator" else 404)
    assert (forum["hidden_topic"].pk in topics) is (role == "coordinator")


@pytest.mark.parametrize("role", ROLES)
def test_hidden_and_pending_posts(cast, forum, role):
    client = _client(cast.users[role])
    posts = client.get(f"/api/v1/forum/topics/{forum['open'].pk}/").json()["posts"]
    assert [p["number"] for p in posts] == [1, 2, 3]
    hidden = posts[1]
    assert hidden["hidden"] is True and hidden["hidden_reason"] == "spam"
    if role == "coordinator":
        assert hidden["source"] == "HIDDENTEXT" and "HIDDENTEXT" in hidden["html"]
    else:
        assert hidden["source"] is None and hidden["html"] is None
        assert hidden["attachments"] is None
    pending = client.get(f"/api/v1/forum/topics/{forum['approval'].pk}/").json()["posts"]
    sees_pending = role in ("coordinator", "agency_focal_point")  # moderator, author
    assert [p["number"] for p in pending] == ([1, 2] if sees_pending else [1])
    if sees_pending:
        assert pending[1]["approved"] is False and pending[1]["source"] == "PENDINGTEXT"


def test_topic_detail_fields(cast, forum):
    client = _client(cast.users["observer"])
    topic = client.get(f"/api/v1/forum/topics/{forum['open'].pk}/").json()
    assert topic["title"] == "Open topic" and topic["category"] == "health"
    assert topic["can_reply"] is False  # observers only read
    first, _hidden, reply = topic["posts"]
    fp = cast.users["focal_point"]
    assert first["author"] == fp.full_name and first["author_handle"]
    assert first["organisation"] == "NSO A" and first["reply_to"] is None
    assert first["source"] == "Hello" and "<p>Hello</p>" in first["html"]
    assert [(a["name"], a["size"]) for a in first["attachments"]] == [("notes.pdf", len(PDF))]
    assert first["attachments"][0]["url"].startswith("/forum/a/")
    assert reply["reply_to"] == 1 and reply["attachments"] == []
    member = _client(cast.users["member"]).get(f"/api/v1/forum/topics/{forum['open'].pk}/")
    assert member.json()["can_reply"] is True
    categories = client.get("/api/v1/forum/categories/").json()["results"]
    health = next(c for c in categories if c["slug"] == "health")
    assert health["topic_count"] == 1 and health["can_start_topic"] is False
    assert health["access"] == "open" and health["region"] is None


def test_topic_list_costs_the_same_queries_for_any_length(
    cast,
    board,  # noqa: F811
    forum,
    django_assert_max_num_queries,
):
    for n in range(20):
        make_topic(cast.users["focal_point"], board.open, title=f"Topic {n}")
    client = _client(cast.users["member"])
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/forum/topics/").json()["results"]) > 20
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/v1/forum/topics/{forum['open'].pk}/").status_code == 200


# --- meetings -----------------------------------------------------------------------------


@pytest.fixture
def meetings(cast, settings, tmp_path):
    """Held and upcoming meetings of every visibility; KAZ's and KGZ's restricted ones."""
    settings.MEDIA_ROOT = str(tmp_path)
    coord = cast.users["coordinator"]
    start = timezone.localdate() + dt.timedelta(days=20)
    public = MeetingFactory(title="Public seminar", kind="seminar", visibility="public")
    members = MeetingFactory(
        title="Members workshop",
        visibility="members",
        status="planned",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        reported_total=47,
        reported_female=21,
    )
    PartnerFactory(meeting=members, role=MeetingPartner.Role.ORGANISER, country=cast.country_a)
    PartnerFactory(meeting=members, role=MeetingPartner.Role.FUNDER, agency=cast.agency)
    own = MeetingFactory(title="KAZ restricted", visibility="restricted")
    own.allowed_organisations.add(cast.users["focal_point"].organisation)
    other = MeetingFactory(title="KGZ restricted", visibility="restricted", country=cast.country_b)
    PartnerFactory(meeting=other, role=MeetingPartner.Role.ORGANISER, country=cast.country_b)
    session = Session.objects.create(meeting=members, title="Opening", date=start)
    for title, visibility in (("Agenda", "members"), ("Draft report", "restricted")):
        meeting_services.document_upload(
            meeting=members,
            by=coord,
            upload=SimpleUploadedFile(f"{title}.pdf", PDF, "application/pdf"),
            title=title,
            kind="report",
            language="en",
            visibility=visibility,
        )
    for name, consent in (("Ana Published", True), ("Boris Private", False)):
        ParticipantFactory(meeting=public, user=None, full_name=name, consent_to_publish=consent)
    ParticipantFactory(
        meeting=public,
        user=cast.users["observer"],
        consent_to_publish=False,
        attendance=Participant.Attendance.ATTENDED,
    )
    meeting_services.conclusion_add(meeting=public, by=coord, text="Harmonise the sources")
    ActionFactory(meeting=public, owner=cast.users["focal_point"].organisation)
    return {
        "public": public,
        "members": members,
        "own": own,
        "other": other,
        "session": session,
    }


# role -> the meetings the role sees (meetings.permissions, tests/meetings/test_permissions.py)
MEETING_MATRIX = {
    "focal_point": {"public", "members", "own"},
    "member": {"public", "members", "own"},
    "focal_point_b": {"public", "members", "other"},
    "agency_focal_point": {"public", "members"},
    "coordinator": {"public", "members", "own", "other"},
    "observer": {"public", "members"},
}


@pytest.mark.parametrize("role", ROLES)
def test_meeting_permission_matrix(cast, meetings, role):
    visible = MEETING_MATRIX[role]
    client = _client(cast.users[role])
    listed = {m["id"] for m in client.get("/api/v1/meetings/").json()["results"]}
    for name in ("public", "members", "own", "other"):
        meeting = meetings[name]
        assert (meeting.pk in listed) is (name in visible), name
        response = client.get(f"/api/v1/meetings/{meeting.pk}/")
        assert response.status_code == (200 if name in visible else 404), name
        if name not in visible:
            assert meeting.title not in response.content.decode()
    documents = client.get(f"/api/v1/meetings/{meetings['members'].pk}/").json()["documents"]
    # The restricted document: the organiser country's offices and the secretariat.
    expected = {"Agenda"} | (
        {"Draft report"} if role in ("focal_point", "member", "coordinator") else set()
    )
    assert {d["title"] for d in documents} == expected


def test_meeting_detail_shows_what_the_page_shows(cast, meetings):
    client = _client(cast.users["observer"])
    public = client.get(f"/api/v1/meetings/{meetings['public'].pk}/").json()
    assert [p["full_name"] for p in public["participants"]] == ["Ana Published"]
    assert public["participation"]["total"] == 3 and public["participation"]["female"] == 3
    assert public["participation"]["from_attendance"] is True
    assert public["conclusions"] == ["Harmonise the sources"]
    assert [a["owner"] for a in public["actions"]] == ["NSO A"]
    assert public["my_attendance"] == "attended" and public["can_register"] is False
    upcoming = client.get(f"/api/v1/meetings/{meetings['members'].pk}/").json()
    assert upcoming["participation"]["reported_total"] == 47
    assert upcoming["participation"]["total"] == 47 and upcoming["participation"]["female"] == 21
    assert [(p["role"], p["country"]) for p in upcoming["organisers"]] == [("organiser", "KAZ")]
    assert [(p["role"], p["agency"]) for p in upcoming["funders"]] == [("funder", "UNICEF")]
    assert [s["title"] for s in upcoming["sessions"]] == ["Opening"]
    agenda = upcoming["documents"][0]
    assert agenda["versions"][0]["number"] == 1
    assert agenda["versions"][0]["url"].startswith("/meetings/documents/")
    assert upcoming["my_attendance"] is None
    member = _client(cast.users["member"]).get(f"/api/v1/meetings/{meetings['members'].pk}/")
    assert member.json()["can_register"] is True


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("kind=seminar", {"Public seminar"}),
        ("status=planned", {"Members workshop"}),
        ("visibility=restricted", {"KAZ restricted", "KGZ restricted"}),
        ("country=KGZ", {"KGZ restricted"}),
        ("country=kaz", {"Members workshop"}),  # organised by KAZ
        ("date_from=2020-01-01", {"Members workshop"}),
        ("date_to=2014-01-01", {"Public seminar", "KAZ restricted", "KGZ restricted"}),
    ],
)
def test_meeting_filters(cast, meetings, query, titles):
    response = _client(cast.users["coordinator"]).get(f"/api/v1/meetings/?{query}")
    assert {m["title"] for m in response.json()["results"]} == titles


def test_meeting_list_costs_the_same_queries_for_any_length(
    cast, meetings, django_assert_max_num_queries
):
    for n in range(30):
        MeetingFactory(title=f"Meeting {n}", visibility="members")
    client = _client(cast.users["member"])
    with django_assert_max_num_queries(6):
        rows = client.get("/api/v1/meetings/").json()["results"]
    assert len(rows) > 30 and all("participation" in r for r in rows)


# --- bad input and refusals -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/forum/categories/?colour=red",
        "/api/v1/forum/categories/?page_size=1000000",
        "/api/v1/forum/topics/?categroy=health",
        "/api/v1/forum/topics/?page_size=1000000",
        "/api/v1/forum/topics/?page_size=-1",
        "/api/v1/forum/topics/{topic}/?page=2",
        "/api/v1/meetings/?colour=red",
        "/api/v1/meetings/?kind=party",
        "/api/v1/meetings/?date_from=soon",
        "/api/v1/meetings/?page_size=1000000",
        "/api/v1/meetings/{meeting}/?colour=red",
    ],
)
def test_bad_input_is_a_clear_400(cast, forum, meetings, url):
    url = url.format(topic=forum["open"].pk, meeting=meetings["public"].pk)
    response = _client(cast.users["member"]).get(url)
    assert response.status_code == 400, (url, response.content)
    _errors(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/forum/topics/999999/",
        "/api/v1/meetings/999999/",
        "/api/v1/forum/topics/?page=9",
        "/api/v1/meetings/?page=9",
    ],
)
def test_not_found(cast, forum, meetings, url):
    response = _client(cast.users["member"]).get(url)
    assert response.status_code == 404
    assert _errors(response)[0]["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/forum/categories/",
        "/api/v1/forum/topics/",
        "/api/v1/forum/topics/{topic}/",
        "/api/v1/meetings/",
        "/api/v1/meetings/{meeting}/",
    ],
)
def test_anonymous_is_refused_even_public_meetings(cast, forum, meetings, url):
    url = url.format(topic=forum["open"].pk, meeting=meetings["public"].pk)
    response = APIClient().get(url)
    assert response.status_code == 401
    assert _errors(response)[0]["code"] == "not_authenticated"


def test_a_disabled_account_reads_nothing(cast, forum, meetings):
    client = APIClient()
    client.force_authenticate(cast.users["disabled_focal_point"])
    assert client.get("/api/v1/forum/categories/").json()["results"] == []
    assert client.get("/api/v1/forum/topics/").json()["results"] == []
    assert client.get(f"/api/v1/forum/topics/{forum['open'].pk}/").status_code == 404
    titles = {m["title"] for m in client.get("/api/v1/meetings/").json()["results"]}
    assert titles == {"Public seminar"}  # what an anonymous visitor sees on the page
    assert client.get(f"/api/v1/meetings/{meetings['members'].pk}/").status_code == 404


def test_reading_a_topic_changes_nothing(cast, forum):
    """The API reads: no read marker, no subscription (unlike opening the page)."""
    from forum.models import Subscription, TopicReadState

    observer = cast.users["observer"]
    _client(observer).get(f"/api/v1/forum/topics/{forum['open'].pk}/")
    assert not TopicReadState.objects.filter(user=observer).exists()
    assert not Subscription.objects.filter(user=observer).exists()
