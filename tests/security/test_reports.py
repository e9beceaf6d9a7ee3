"""Moderation reports: observers cannot file them; one open report per user and post."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from forum import services
from forum.models import Report
from tests.forum.conftest import make_topic


@pytest.fixture
def post(cast, board):
    return make_topic(cast.users["focal_point"], board.open, source="Reportable").posts.get()


def _report(cast, role: str, post, reason: str = "spam"):
    client = Client()
    client.force_login(cast.users[role])
    return client.post(f"/forum/p/{post.pk}/report/", {"reason": reason})


def test_observer_cannot_report(cast, post):
    observer = cast.users["observer"]
    client = Client()
    client.force_login(observer)
    assert client.get(f"/forum/p/{post.pk}/report/").status_code == 403
    assert _report(cast, "observer", post).status_code == 403
    with pytest.raises(PermissionDenied):
        services.post_report(user=observer, post=post, reason="spam")
    assert not Report.objects.exists()
    # The topic page offers no "Report" button to the observer either.
    body = client.get(post.topic.get_absolute_url()).content.decode()
    assert f"/forum/p/{post.pk}/report/" not in body


def test_a_second_open_report_of_the_same_post_is_refused(cast, post):
    assert _report(cast, "member", post).status_code == 302
    response = _report(cast, "member", post, reason="still spam")
    assert response.status_code == 400
    assert "You have already reported this post" in response.content.decode()
    assert Report.objects.count() == 1
    with pytest.raises(ValidationError):
        services.post_report(user=cast.users["member"], post=post, reason="again")
    # Another user may report it; once resolved, the first user may report it again.
    assert _report(cast, "agency_focal_point", post).status_code == 302
    first = Report.objects.get(reporter=cast.users["member"])
    services.report_resolve(moderator=cast.users["coordinator"], report=first)
    assert _report(cast, "member", post, reason="back again").status_code == 302
    assert Report.objects.count() == 3


def test_the_database_keeps_one_open_report_per_user_and_post(cast, post):
    from django.db import IntegrityError, transaction

    member = cast.users["member"]
    Report.objects.create(post=post, reporter=member, reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(post=post, reporter=member, reason="spam")
