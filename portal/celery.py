"""The Celery application. Tasks are thin: they take ids, call one service, retry."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Embedded default (no CELERY_BROKER_URL): tasks run in-process (task_always_eager), but Celery
# still builds a producer for them; an in-memory transport keeps kombu from warning about a
# broker address that is deliberately absent. Nothing is sent anywhere.
app.conf.broker_url = app.conf.broker_url or "memory://localhost/"
app.autodiscover_tasks()
