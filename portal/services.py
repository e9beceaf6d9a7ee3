"""Writes of the portal app: login throttling, reference and demo data, heartbeats."""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction

from portal.models import (
    Agency,
    Country,
    PersonalToken,
    Region,
    SubnationalArea,
    User,
    WorkerHeartbeat,
)

M = TypeVar("M", bound=models.Model)

REFERENCE_DIR = Path(settings.BASE_DIR) / "portal" / "fixtures" / "reference"


# --- login throttling -------------------------------------------------------------------


def _count(key: str, window: int) -> int:
    """Add one to a counter that lives `window` seconds from its first count; the new total."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _username_key(username: str) -> str:
    return f"login-fail:user:{username.strip().lower()}"


def _address_key(address: str) -> str:
    return f"login-fail:addr:{address}"


def login_throttle_check(*, username: str, address: str) -> bool:
    """True when this username or this address has used up its failed attempts.

    Failures are counted per username and per address separately: spraying one password
    across many accounts from one address is stopped by the address's count, guessing one
    account's password from many addresses by the username's.
    """
    if (cache.get(_address_key(address)) or 0) >= settings.LOGIN_THROTTLE_ADDRESS_FAILURES:
        return True
    return (
        bool(username.strip())
        and (cache.get(_username_key(username)) or 0) >= settings.LOGIN_THROTTLE_FAILURES
    )


def login_throttle_record_failure(*, username: str, address: str) -> None:
    """One failed login (a wrong password, or a wrong API token when `username` is empty)."""
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    _count(_address_key(address), window)
    if username.strip():
        _count(_username_key(username), window)


def login_throttle_reset(*, username: str) -> None:
    """A successful login clears that username's failures, never the address's."""
    cache.delete(_username_key(username))


def password_reset_allowed(*, email: str, address: str) -> bool:
    """Count one password-reset request; False when the address or the e-mail asked too often."""
    window = settings.PASSWORD_RESET_THROTTLE_WINDOW_SECONDS
    by_address = _count(f"password-reset:addr:{address}", window)
    by_email = _count(f"password-reset:email:{email.strip().lower()}", window)
    return (
        by_address <= settings.PASSWORD_RESET_THROTTLE_PER_ADDRESS
        and by_email <= settings.PASSWORD_RESET_THROTTLE_PER_EMAIL
    )


# --- reference data ---------------------------------------------------------------------


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(
    model: type[M], lookup: dict[str, object], values: dict[str, object], counts: LoadCounts
) -> M:
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        counts.created += 1
        return model._default_manager.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
        counts.updated += 1
    else:
        counts.unchanged += 1
    return obj


def reference_data_load() -> dict[str, LoadCounts]:
    """Load countries, regions, memberships, areas and agencies from the shipped CSV files.

    Idempotent: a second run reports everything unchanged. Returns counts per table.
    """
    result = {
        name: LoadCounts() for name in ("countries", "regions", "members", "areas", "agencies")
    }
    with transaction.atomic():
        for row in _read_csv("countries.csv"):
            _upsert(
                Country,
                {"iso3": row["iso3"]},
                {
                    "iso2": row["iso2"],
                    "m49": row["m49"],
                    "name_en": row["name_en"],
                    "name_es": row["name_es"],
                },
                result["countries"],
            )
        _load_regions(result)
        _load_areas(result["areas"])
        _load_iso_subdivisions(result["areas"])
        for row in _read_csv("agencies.csv"):
            _upsert(
                Agency,
                {"code": row["code"]},
                {
                    key: row[key]
                    for key in ("acronym_en", "acronym_es", "name_en", "name_es", "url")
                },
                result["agencies"],
            )
    return result


def _load_regions(result: dict[str, LoadCounts]) -> None:
    rows = _read_csv("regions.csv")
    regions: dict[str, Region] = {}
    for row in rows:
        regions[row["code"]] = _upsert(
            Region,
            {"code": row["code"]},
            {"name_en": row["name_en"], "name_es": row["name_es"], "kind": row["kind"]},
            result["regions"],
        )
    for row in rows:
        parent = regions.get(row["parent_code"]) if row["parent_code"] else None
        region = regions[row["code"]]
        if region.parent_id != (parent.pk if parent else None):
            region.parent = parent
            region.save(update_fields=["parent"])
    countries = {c.iso3: c.pk for c in Country.objects.only("id", "iso3")}
    wanted = {
        (regions[row["region_code"]].pk, countries[row["iso3"]])
        for row in _read_csv("region_members.csv")
        if row["iso3"] in countries
    }
    through = Region.members.through
    existing = set(through.objects.values_list("region_id", "country_id"))
    missing = wanted - existing
    through.objects.bulk_create(
        [through(region_id=region_id, country_id=country_id) for region_id, country_id in missing]
    )
    result["members"].created += len(missing)
    result["members"].unchanged += len(wanted & existing)
    cis_ids = {
        country_id
        for region_id, country_id in wanted
        if region_id == regions.get("CIS", Region()).pk
    }
    Country.objects.filter(cis=True).exclude(pk__in=cis_ids).update(cis=False)
    Country.objects.filter(pk__in=cis_ids, cis=False).update(cis=True)


def _load_areas(counts: LoadCounts) -> None:
    path = REFERENCE_DIR / "subnational_areas.csv"
    if not path.exists():
        return
    countries = {c.iso3: c for c in Country.objects.all()}
    for row in _read_csv("subnational_areas.csv"):
        country = countries.get(row["country_iso3"])
        if country is None:
            continue
        _upsert(
            SubnationalArea,
            {"country": country, "code": row["code"]},
            {"name_en": row["name_en"] or row["code"], "name_es": row["name_es"]},
            counts,
        )


def _iso_subdivisions() -> list[tuple[str, str, str, str]]:
    """(alpha-2 country code, ISO 3166-2 code, English name, Spanish name) from pycountry.

    The Spanish name comes from pycountry's own translations; where it has none, the
    English one is used.
    """
    import gettext

    import pycountry

    spanish = gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=["es"], fallback=True
    )
    return [
        (sub.country_code, sub.code, sub.name, spanish.gettext(sub.name))
        for sub in pycountry.subdivisions
    ]


def _load_iso_subdivisions(counts: LoadCounts) -> None:
    """Every country's ISO 3166-2 subdivisions as areas, next to the national codes.

    Done in bulk (about 5,000 rows): one query reads what is there, then creates and
    updates only what differs, so a second run changes nothing.
    """
    countries = {c.iso2: c for c in Country.objects.all()}
    existing = {(area.country_id, area.code): area for area in SubnationalArea.objects.all()}
    created: list[SubnationalArea] = []
    updated: list[SubnationalArea] = []
    for iso2, code, name_en, name_es in _iso_subdivisions():
        country = countries.get(iso2)
        if country is None:
            continue
        area = existing.get((country.pk, code))
        if area is None:
            created.append(
                SubnationalArea(country=country, code=code, name_en=name_en, name_es=name_es)
            )
        elif (area.name_en, area.name_es) != (name_en, name_es):
            area.name_en, area.name_es = name_en, name_es
            updated.append(area)
        else:
            counts.unchanged += 1
    SubnationalArea.objects.bulk_create(created, batch_size=1000)
    SubnationalArea.objects.bulk_update(updated, ["name_en", "name_es"], batch_size=1000)
    counts.created += len(created)
    counts.updated += len(updated)


# --- Celery heartbeat ------------------------------------------------------------------


def worker_heartbeat_record(*, hostname: str, token: str | None = None) -> WorkerHeartbeat:
    """Store proof that a worker ran a task; the token lets a caller find its own beat."""
    return WorkerHeartbeat.objects.create(hostname=hostname, token=token or secrets.token_hex(16))


# --- personal API tokens ---------------------------------------------------------------


def token_create(*, user: User, name: str) -> tuple[PersonalToken, str]:
    """Create a token; returns it and the key, which is shown once and never stored in clear."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from portal.authentication import hash_key

    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationError({"name": _("Give the token a name of 1 to 80 characters.")})
    if PersonalToken.objects.filter(user=user, revoked_at__isnull=True).count() >= 20:
        raise ValidationError({"name": _("You have 20 active tokens: revoke one first.")})
    key = secrets.token_urlsafe(32)
    token = PersonalToken.objects.create(
        user=user, name=name, prefix=key[:8], key_hash=hash_key(key)
    )
    return token, key


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's active tokens; False when there is no such token of theirs."""
    from django.utils import timezone

    tokens = PersonalToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True)
    return tokens.update(revoked_at=timezone.now()) == 1


# --- audit trail -------------------------------------------------------------------------


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    summary: str,
    actor: User | None = None,
    address: str | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """Record a state change that matters; call it inside the transaction that makes the change."""
    from portal.models import AuditEvent

    AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        address=address,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        details=details or {},
    )
