"""Redis unreachable while a member posts in the forum: the post is saved at once, its
notification e-mails wait in the outbox and leave when the sweep runs."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from forum import services
from forum.models import Notification, Topic
from portal import outbox
from portal.models import PendingTask
from tests.faults.test_broker_down import broker_down
from tests.forum import conftest as forum_fixtures
from tests.forum.conftest import make_topic

board = forum_fixtures.board

pytestmark = pytest.mark.django_db(transaction=True)


def test_post_during_an_outage_keeps_its_notification_for_the_sweep(cast, board, monkeypatch):
    services.subscription_toggle(user=cast.users["member"], category=board.open)
    mail.outbox.clear()
    with broker_down(monkeypatch):
        topic = make_topic(cast.users["focal_point"], board.open)
        assert Topic.objects.filter(pk=topic.pk).exists()
        pending = PendingTask.objects.get()
        assert pending.task == "forum.tasks.send_notification_emails"
        assert pending.attempts == 1 and pending.key.startswith("forum-post:")
        assert mail.outbox == []
    assert outbox.sweep() == (1, 0)
    notification = Notification.objects.get(user=cast.users["member"])
    assert pending.args == [[notification.pk]]
    assert not PendingTask.objects.exists()
    if settings.CELERY_TASK_ALWAYS_EAGER:  # embedded default: the swept task ran here
        assert len(mail.outbox) == 1 and cast.users["member"].email in mail.outbox[0].to
