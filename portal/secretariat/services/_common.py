"""Helpers shared by the secretariat's service modules."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path
