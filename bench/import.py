"""End to end: a 50,000-row Excel template and a 50,000-observation SDMX-ML file, each
parsed, mapped, validated and stored as a data sheet (preview + apply), in a fresh process.

    .venv/bin/python bench/import.py [--rows 50000] [--database-url postgres://...]

Without --database-url a temporary SQLite database is used. Prints seconds and peak memory
(maxrss of the process doing the import, which includes Django and the interpreter).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

CHILD = r"""
import os, resource, sys, time
sys.path.insert(0, {repo!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
import django
django.setup()
from indicators import services
from indicators.models import ReportingRound, DataSheet
from portal.models import Country, SubnationalArea, User
import datetime
country = Country.objects.get(iso3="KGZ")
SubnationalArea.objects.bulk_create(
    [SubnationalArea(country=country, code=f"KG{{i:02d}}", name_en=f"Area {{i}}") for i in range(1, 100)],
    ignore_conflicts=True)
round, _ = ReportingRound.objects.get_or_create(code={round!r}, defaults=dict(
    name_en="Benchmark", name_es="Prueba", opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 12, 31)))
user = User.objects.get(email="focal.kgz@demo.wg.example")
path = {path!r}
start = time.perf_counter()
sheet = services.datasheet_create(country=country, round=round, user=user)
token = services.upload_stage(sheet=sheet, user=user, files=[(os.path.basename(path), open(path, "rb").read())])
preview = services.datasheet_import_preview(sheet=sheet, user=user, token=token, max_bytes=200 * 2**20)
assert preview.ok, [(p.row, p.column, str(p.reason)) for p in preview.problems[:5]]
services.datasheet_import_apply(sheet=sheet, user=user, token=token, expected_lock_version=sheet.lock_version,
                                confirm_outliers=True, preview=preview)
elapsed = time.perf_counter() - start
stored = sheet.observations.count()
print(f"{{elapsed:.2f}} {{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} {{stored}}")
"""


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from import_parse import build_sdmx, build_template

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "PORTAL_MAX_UPLOAD_BYTES": str(200 * 2**20),
        }
        env.pop("CELERY_BROKER_URL", None)
        for command in (
            ["migrate", "-v0"],
            ["load_reference"],
            ["load_indicators"],
            ["load_demo", "--quiet-logins"],
        ):
            manage(env, *command)
        xlsx, sdmx = folder / "bench.xlsx", folder / "bench.xml"
        started = time.perf_counter()
        build_template(xlsx, args.rows)
        build_sdmx(sdmx, args.rows)
        print(
            f"files built in {time.perf_counter() - started:.1f} s ({xlsx.stat().st_size / 2**20:.1f} MB xlsx, "
            f"{sdmx.stat().st_size / 2**20:.1f} MB SDMX)"
        )
        database = "PostgreSQL" if args.database_url else "SQLite"
        for label, path, round_code in (
            ("Excel template", xlsx, "BENCH-X"),
            ("SDMX-ML 2.1", sdmx, "BENCH-S"),
        ):
            code = CHILD.format(repo=str(REPO), path=str(path), round=round_code)
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
            )
            seconds, rss, stored = out.stdout.split()[-3:]
            print(
                f"{label:15} {args.rows} rows -> {stored} stored on {database}: {seconds} s, peak RSS {rss} MB"
            )


if __name__ == "__main__":
    main()
