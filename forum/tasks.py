"""Thin Celery tasks of the forum: they take ids, call one service, and retry.

Beat schedule for the daily digest (the lead adds it to settings)::

    CELERY_BEAT_SCHEDULE = {
        "forum-daily-digest": {
            "task": "forum.tasks.send_daily_digests",
            "schedule": crontab(hour=6, minute=0),
        },
    }
"""

from __future__ import annotations

from celery import shared_task

from forum import services


@shared_task(bind=True, acks_late=True, autoretry_for=(ConnectionError,), max_retries=3)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail these notifications now (users who chose immediate e-mails)."""
    return services.notifications_email_immediate(notification_ids=notification_ids)


@shared_task(bind=True, acks_late=True, autoretry_for=(ConnectionError,), max_retries=3)
def send_daily_digests(self) -> int:
    """Send the daily digest to every user who chose it."""
    return services.notifications_email_digest()
