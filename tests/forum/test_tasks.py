"""Celery tasks: thin wrappers, run here with .apply() (eager or not)."""

from __future__ import annotations

from django.core import mail

from forum import services, tasks
from forum.models import Notification
from portal.models import User
from tests.forum.conftest import make_topic


def test_send_notification_emails_task(cast, board):
    services.subscription_toggle(user=cast.users["member"], category=board.open)
    make_topic(cast.users["focal_point"], board.open)
    ids = list(Notification.objects.values_list("pk", flat=True))
    mail.outbox.clear()
    assert tasks.send_notification_emails.apply(args=[ids]).get() == 1
    assert len(mail.outbox) == 1


def test_send_daily_digests_task(cast, board):
    member = cast.users["member"]
    member.email_notifications = User.Digest.DAILY
    member.save()
    services.subscription_toggle(user=member, category=board.open)
    make_topic(cast.users["focal_point"], board.open)
    make_topic(cast.users["focal_point"], board.open, title="Second debate")
    mail.outbox.clear()
    assert tasks.send_daily_digests.apply().get() == 1
    assert "2 new notifications" in mail.outbox[0].subject


def test_notification_email_queued_on_commit(cast, board, django_capture_on_commit_callbacks):
    services.subscription_toggle(user=cast.users["member"], category=board.open)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_topic(cast.users["focal_point"], board.open)
    assert len(callbacks) == 1


def test_no_email_for_users_who_opted_out(cast, board):
    member = cast.users["member"]
    member.email_notifications = User.Digest.NONE
    member.save()
    services.subscription_toggle(user=member, category=board.open)
    make_topic(cast.users["focal_point"], board.open)
    ids = list(Notification.objects.values_list("pk", flat=True))
    mail.outbox.clear()
    assert tasks.send_notification_emails.apply(args=[ids]).get() == 0
    assert tasks.send_daily_digests.apply().get() == 0
    assert Notification.objects.filter(user=member).exists()
