"""Backup and restore: the database as Django fixtures (JSON, natural keys) plus the uploaded files.

A backup is a folder with `database.json`, `media.tar.gz` and `manifest.json` (row counts per
table and a checksum of every observation), so a restore can be verified, not hoped.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def table_counts() -> dict[str, int]:
    """Rows per model table (excluding what migrations recreate)."""
    counts = {}
    for model in apps.get_models():
        label = model._meta.label
        if (
            model._meta.app_label in ("contenttypes", "sessions", "admin")
            or label == "auth.Permission"
        ):
            continue
        counts[label] = model._default_manager.count()
    return counts


def observations_checksum() -> str:
    """SHA-256 over every national and international value, in a fixed order."""
    from indicators.models import InternationalObservation, Observation

    digest = hashlib.sha256()
    rows = Observation.objects.order_by(
        "sheet__country__iso3",
        "sheet__round__code",
        "sheet__version",
        "indicator__code",
        "area__code",
        "disaggregation",
        "year",
    ).values_list(
        "sheet__country__iso3",
        "sheet__round__code",
        "sheet__version",
        "indicator__code",
        "area__code",
        "disaggregation",
        "year",
        "value",
        "unit",
        "nature",
    )
    for row in rows.iterator(chunk_size=5000):
        digest.update(repr(tuple(str(v) for v in row)).encode())
    intl = InternationalObservation.objects.order_by(
        "release__agency__code",
        "release__version",
        "country__iso3",
        "indicator__code",
        "disaggregation",
        "year",
    ).values_list(
        "release__agency__code",
        "release__version",
        "country__iso3",
        "indicator__code",
        "disaggregation",
        "year",
        "value",
    )
    for intl_row in intl.iterator(chunk_size=5000):
        digest.update(repr(tuple(str(v) for v in intl_row)).encode())
    return digest.hexdigest()


def backup_create(*, folder: Path) -> dict[str, Any]:
    """Write a backup into `folder` (created); returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        with open(folder / "database.json", "w", encoding="utf-8") as handle:
            call_command(
                "dumpdata",
                "--natural-foreign",
                "--natural-primary",
                *[f"--exclude={e}" for e in EXCLUDED],
                stdout=handle,
            )
        manifest = {
            "counts": table_counts(),
            "observations_sha256": observations_checksum(),
            "database": connection.vendor,
        }
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    (folder / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8"
    )
    return manifest


def backup_restore(*, folder: Path) -> dict[str, Any]:
    """Load a backup into an empty, migrated database and check it against its manifest.

    Raises ValueError when the database is not empty or the restored data differ from the manifest.
    """
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if any(table_counts().values()):
        raise ValueError("the database is not empty: restore only into a freshly migrated database")
    call_command("loaddata", str(folder / "database.json"), stdout=StringIO())
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
        members = [
            m for m in archive.getmembers() if m.name.startswith("media") and ".." not in m.name
        ]
        for member in members:
            member.name = member.name.removeprefix("media").lstrip("/")
        archive.extractall(media, members=[m for m in members if m.name], filter="data")
    restored = {"counts": table_counts(), "observations_sha256": observations_checksum()}
    if (
        restored["counts"] != manifest["counts"]
        or restored["observations_sha256"] != manifest["observations_sha256"]
    ):
        raise ValueError("the restored data differ from the backup's manifest")
    return restored
