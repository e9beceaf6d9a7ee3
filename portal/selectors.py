"""Reads of the portal app."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from portal.models import Country, Region, User


@dataclass(frozen=True)
class AttentionItem:
    """One line of 'what needs my attention' on the dashboard."""

    title: str
    url: str
    detail: str = ""
    level: str = "info"


def dashboard_attention(*, user: User) -> list[AttentionItem]:
    """Collect attention items from every app that offers `<app>.selectors.attention_items`."""
    items: list[AttentionItem] = []
    for app in ("indicators", "forum", "meetings", "portal.secretariat"):
        try:
            module = importlib.import_module(f"{app}.selectors")
        except ModuleNotFoundError:
            continue
        provider = getattr(module, "attention_items", None)
        if provider is not None:
            items.extend(provider(user=user))
    return items


def member_countries() -> list[Country]:
    return list(Country.objects.filter(is_member=True).prefetch_related("organisations"))


def country_keys(country: Country, *, names: bool = True) -> list[str]:
    """Every text that names `country` in a file, case-folded: ISO 3166 alpha-2 and alpha-3
    codes, the UN M49 code with and without leading zeros ("004" and "4") and, with `names`,
    its English and Spanish names."""
    keys = [country.name_en, country.name_es] if names else []
    keys += [country.m49, country.m49.lstrip("0"), country.iso2, country.iso3]
    return [key.casefold() for key in keys if key]


def country_lookup(*, names: bool = True) -> dict[str, Country]:
    """Every country by each of its `country_keys` (one query): the one place where a code or
    name read from an upload or a release is resolved to a country. Look keys up case-folded
    (`lookup.get(text.strip().casefold())`)."""
    found: dict[str, Country] = {}
    for country in Country.objects.all():
        for key in country_keys(country, names=names):
            found[key] = country
    return found


def country_regions(*, country: Country) -> list[Region]:
    return list(country.regions.order_by("kind", "code"))


def health_status() -> tuple[bool, dict[str, object]]:
    """Database and broker status for /healthz."""
    body: dict[str, object] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        body["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down
        ok = False
        body["database"] = {"status": "error", "error": exc.__class__.__name__}
    if not settings.CELERY_BROKER_URL:
        body["broker"] = {"status": "ok", "mode": "in-process"}
        return ok, body
    try:
        from kombu import Connection

        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        body["broker"] = {"status": "ok", "mode": "redis"}
    except Exception as exc:  # noqa: BLE001
        ok = False
        body["broker"] = {"status": "error", "error": exc.__class__.__name__}
    return ok, body
