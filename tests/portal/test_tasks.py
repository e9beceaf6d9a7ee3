"""The task path end to end: a real worker over Redis, and in-process on the embedded default."""

import uuid

import pytest
from django.conf import settings

from portal.models import WorkerHeartbeat
from portal.tasks import worker_heartbeat


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_runs_in_a_real_worker_process(celery_worker_process):
    token = uuid.uuid4().hex
    row_id = worker_heartbeat.delay(token).get(timeout=60)
    beat = WorkerHeartbeat.objects.get(pk=row_id)
    assert beat.token == token
    assert beat.hostname.startswith("pytest-")


@pytest.mark.django_db
def test_task_runs_in_process_on_the_embedded_default():
    token = uuid.uuid4().hex
    if settings.CELERY_TASK_ALWAYS_EAGER:
        worker_heartbeat.delay(token)
    else:
        worker_heartbeat.apply(args=[token])
    assert WorkerHeartbeat.objects.filter(token=token).exists()
