"""The pre-filled Excel template of the demo's accepted Kazakh data sheet (about 3,500 values),
downloaded through the whole Django stack, in a fresh process on a fresh database.

    .venv/bin/python bench/template.py [--database-url URL] [--repeat 5]

Without --database-url a temporary SQLite database is made, migrated and loaded with the
reference and demo data. Prints, against the goal of 1 s, wall clock and CPU of:
- cold: the first download of a process that only ran ``django.setup()`` (every import the
  request needs, the URL configuration's included, is paid by the download);
- cold after warm-up: the first download of a process started as the WSGI worker starts
  (``portal.wsgi``: setup, then ``warm_up()`` imports every view module before serving);
  the start-up time itself is printed apart: a worker pays it once, before its first request;
- warm: the median of the following downloads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 1.0

CHILD = r"""
import json, os, statistics, sys, time
sys.path.insert(0, {repo!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
os.environ["PORTAL_WSGI_WARM_UP"] = "0"
started = time.perf_counter()
if {wsgi!r}:
    import portal.wsgi  # as gunicorn's worker: setup, then the start-up warm-up, timed
    portal.wsgi.warm_up()
else:
    import django
    django.setup()
start_up = time.perf_counter() - started
from django.test import Client
from indicators.models import DataSheet
from portal.models import User
sheet = DataSheet.objects.filter(country__iso3="KAZ", is_current=True).get()
client = Client()
client.force_login(User.objects.get(email="focal.kaz@demo.wg.example"))
runs = []
for _ in range({repeat} + 1):
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/data/sheets/{{sheet.pk}}/template.xlsx")
    size = len(b"".join(response.streaming_content))
    assert response.status_code == 200, response.status_code
    runs.append((time.perf_counter() - wall, time.process_time() - cpu))
print(json.dumps({{
    "start_up": start_up,
    "values": sheet.observations.count(),
    "bytes": size,
    "cold_wall": runs[0][0],
    "cold_cpu": runs[0][1],
    "warm_wall": statistics.median(r[0] for r in runs[1:]),
    "warm_cpu": statistics.median(r[1] for r in runs[1:]),
}}))
"""


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # nosec B603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(Path(tmp) / "media"),
        }
        env.pop("CELERY_BROKER_URL", None)
        for command in (
            ["migrate", "-v0"],
            ["load_reference"],
            ["load_indicators"],
            ["load_demo", "--quiet-logins"],
        ):
            _manage(env, *command)
        results = {}
        for wsgi in (False, True):
            done = subprocess.run(  # nosec B603 - fixed arguments
                [sys.executable, "-c", CHILD.format(repo=str(REPO), repeat=args.repeat, wsgi=wsgi)],
                cwd=REPO,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            results[wsgi] = json.loads(done.stdout.strip().splitlines()[-1])
    plain, warmed = results[False], results[True]
    print(f"Template download: {plain['values']:,} values, {plain['bytes']:,} bytes")
    figures = (
        ("cold", plain["cold_wall"], plain["cold_cpu"]),
        ("cold after warm-up", warmed["cold_wall"], warmed["cold_cpu"]),
        ("warm", plain["warm_wall"], plain["warm_cpu"]),
    )
    for label, wall, cpu in figures:
        verdict = "met" if wall < GOAL_SECONDS else "NOT met"
        print(
            f"  {label:<18} {wall:6.3f} s wall, {cpu:6.3f} s CPU "
            f"(goal < {GOAL_SECONDS:.0f} s: {verdict})"
        )
    print(
        f"  worker start-up: {plain['start_up']:.3f} s setup only, "
        f"{warmed['start_up']:.3f} s setup + warm-up (paid once per worker, before serving)"
    )


if __name__ == "__main__":
    main()
