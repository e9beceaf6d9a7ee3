"""System checks of the portal's own settings (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

#: Cache backends whose entries live in one process only
PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=False)
def shared_cache_with_workers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With Celery workers (a broker, tasks not eager), the cache must be shared by every process.

    An upload job's worker leaves the parsed preview in the cache for the web process to show,
    and the login and API throttles count attempts there: with a per-process cache the web
    process never sees the preview and each worker counts its own attempts.
    """
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    workers = bool(getattr(settings, "CELERY_BROKER_URL", "")) and not getattr(
        settings, "CELERY_TASK_ALWAYS_EAGER", False
    )
    if workers and backend in PROCESS_CACHES:
        return [
            checks.Error(
                _("The cache is kept in each process, but tasks run on Celery workers."),
                hint=_(
                    "Set CACHE_URL to a cache every process shares (Redis): upload previews "
                    "and the login throttle live in the cache."
                ),
                id="portal.E001",
            )
        ]
    return []
