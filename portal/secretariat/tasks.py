"""Thin Celery tasks of the secretariat."""

from celery import shared_task


@shared_task(acks_late=True)
def send_round_reminders() -> int:
    """E-mail reminders of open rounds' deadlines to countries that have not submitted
    (Celery beat, daily); returns the number of e-mails sent."""
    from portal.secretariat.services import round_reminders_send

    return round_reminders_send()
