"""List 1,000,000 published observations through the API, page by page, on PostgreSQL.

    .venv/bin/python bench/api.py [--rows 1000000] [--export-rows 200000] [--keep]
        [--database-url postgres://postgres@127.0.0.1:5432/wgportal_apibench]

Creates the database named in --database-url (dropping it first if it exists), runs
`manage.py migrate` in a subprocess, then, each in a fresh child process (so that ru_maxrss
is that step's own):

1. seed: reference data, indicators, two rounds, one accepted (current) sheet per country
   and round, 5,000 observations each (the 11 indicators that have an SDMX series x 5
   disaggregations x years), written with PostgreSQL COPY; `--export-rows` of them in
   round 2025, the rest in round 2026;
2. list: GET /api/v1/observations/?page_size=1000 through Django's test client (the whole
   stack: middleware, token authentication, filters, cursor pagination, serializers, JSON),
   following the `next` cursor links to the end, untraced (throughput, ru_maxrss); then the
   first `--trace-pages` pages again under tracemalloc (peak of Python allocations during
   the loop: it is per page, the loop keeps nothing);
3. export: GET /api/v1/exports/observations.sdmx-csv?round=2025 (the round of
   `--export-rows` observations), consuming the streamed body, if that URL exists.

Prints JSON lines and a summary; drops the database at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wgportal_apibench"
PER_SHEET = 5000
DISAGGREGATIONS = ["", "SEX=F", "SEX=M", "URBANISATION=U", "URBANISATION=R"]


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- children (run with DJANGO_SETTINGS_MODULE and DATABASE_URL set) -----------------------


def _django() -> None:
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def child_seed(rows: int, export_rows: int) -> dict[str, Any]:
    import datetime

    from django.db import connection
    from django.utils import timezone

    from indicators.models import DataSheet, Indicator, Observation, ReportingRound
    from indicators.services.reference import indicators_load
    from portal.models import Country, Organisation, User
    from portal.services import reference_data_load, token_create

    start = time.perf_counter()
    reference_data_load()
    indicators_load()
    secretariat = Organisation.objects.create(name="Bench secretariat", kind="secretariat")
    user = User.objects.create_user(
        "bench@example.org", None, full_name="Bench", role="observer", organisation=secretariat
    )
    _token, key = token_create(user=user, name="bench")
    rounds = {
        code: ReportingRound.objects.create(
            code=code,
            name_en=f"{code} round",
            name_es=f"Ronda {code}",
            opens_on=datetime.date(int(code), 3, 1),
            closes_on=datetime.date(int(code), 12, 15),
        )
        for code in ("2025", "2026")
    }
    sheets_needed = -(-rows // PER_SHEET)
    countries = list(Country.objects.order_by("iso3")[:sheets_needed])
    export_sheets = export_rows // PER_SHEET
    if max(export_sheets, sheets_needed - export_sheets) > len(countries):
        raise SystemExit(f"not enough countries for {rows} rows of {PER_SHEET} per sheet")
    now = timezone.now()
    plan = [(rounds["2025"], c) for c in countries[:export_sheets]]
    plan += [(rounds["2026"], c) for c in countries[: sheets_needed - export_sheets]]
    sheets = DataSheet.objects.bulk_create(
        [
            DataSheet(
                country=country,
                round=round_,
                status=DataSheet.Status.ACCEPTED,
                is_current=True,
                created_by=user,
                submitted_at=now,
                reviewed_at=now,
            )
            for round_, country in plan
        ]
    )
    # The 11 indicators with an SDMX series, so that the SDMX export writes every row.
    indicators = list(
        Indicator.objects.filter(series_codes__isnull=False)
        .distinct()
        .order_by("code")
        .values_list("pk", "unit")
    )
    keys = [
        (ind, unit, dis, year)
        for ind, unit in indicators
        for dis in DISAGGREGATIONS
        for year in range(1940, 2031)
    ][:PER_SHEET]
    assert len(keys) == PER_SHEET, len(keys)
    meta = Observation._meta
    columns = [
        meta.get_field(name).column
        for name in (
            "sheet",
            "indicator",
            "disaggregation",
            "year",
            "value",
            "unit",
            "nature",
            "source",
            "footnote",
            "entered_at",
        )
    ]
    copied = 0
    with connection.cursor() as cursor:
        sql = f"COPY {meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for sheet in sheets:
                for n, (ind, unit, dis, year) in enumerate(keys):
                    if copied == rows:
                        break
                    value = f"{(sheet.pk * 7919 + n) % 100000 / 100:.2f}"
                    copy.write_row((sheet.pk, ind, dis, year, value, unit, "C", "bench", "", now))
                    copied += 1
        cursor.execute(f"ANALYZE {meta.db_table}")
    return {
        "step": "seed",
        "rows": copied,
        "sheets": len(sheets),
        "export_round_rows": Observation.objects.filter(sheet__round__code="2025").count(),
        "seconds": time.perf_counter() - start,
        "key": key,
    }


def _list_all(client: Any, key: str, max_pages: int | None = None) -> tuple[int, list[float]]:
    url = "/api/v1/observations/?page_size=1000"
    rows, page_seconds = 0, []
    while url:
        start = time.perf_counter()
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {key}")
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code} {response.content[:300]!r}")
        page = json.loads(response.content)
        page_seconds.append(time.perf_counter() - start)
        rows += len(page["results"])
        link = page["next"]
        url = f"{urlsplit(link).path}?{urlsplit(link).query}" if link else ""
        if max_pages and len(page_seconds) >= max_pages:
            break
    return rows, page_seconds


def child_list(key: str, trace_pages: int | None) -> dict[str, Any]:
    from django.test import Client

    client = Client()
    rss_before = maxrss_mb()
    start = time.perf_counter()
    rows, pages = _list_all(client, key)
    seconds = time.perf_counter() - start
    rss_after = maxrss_mb()
    tenth = max(1, len(pages) // 10)
    first, last = sum(pages[:tenth]), sum(pages[-tenth:])
    tracemalloc.start()
    traced_rows, traced_pages = _list_all(client, key, trace_pages)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "step": "list",
        "rows": rows,
        "pages": len(pages),
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "first_10pct_rows_per_s": tenth * 1000 / first,
        "last_10pct_rows_per_s": tenth * 1000 / last,
        "slowest_page_ms": max(pages) * 1000,
        "maxrss_before_mb": rss_before,
        "maxrss_mb": rss_after,
        "tracemalloc_pages": len(traced_pages),
        "tracemalloc_rows": traced_rows,
        "tracemalloc_peak_mb": peak / 2**20,
    }


def _export(client: Any, url: str, key: str) -> tuple[int, int, float, bool]:
    start = time.perf_counter()
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {key}")
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code} {response.content[:300]!r}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines, time.perf_counter() - start, response.streaming


def child_export(key: str, round_code: str) -> dict[str, Any]:
    from django.test import Client
    from django.urls import Resolver404, resolve

    url = "/api/v1/exports/observations.sdmx-csv"
    try:
        resolve(url)
    except Resolver404:
        return {"step": "export", "skipped": f"{url} does not exist"}
    client = Client()
    rss_before = maxrss_mb()
    size, lines, seconds, streaming = _export(client, f"{url}?round={round_code}", key)
    rss_after = maxrss_mb()
    tracemalloc.start()
    _export(client, f"{url}?round={round_code}", key)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "step": "export",
        "url": f"{url}?round={round_code}",
        "streaming": streaming,
        "rows": lines - 1,
        "mb": size / 2**20,
        "seconds": seconds,
        "rows_per_s": (lines - 1) / seconds,
        "maxrss_before_mb": rss_before,
        "maxrss_mb": rss_after,
        "tracemalloc_peak_mb": peak / 2**20,
    }


# --- parent -------------------------------------------------------------------------------


def _admin(database_url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def _run_child(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--export-rows", type=int, default=200_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument(
        "--trace-pages",
        type=int,
        default=100,
        help="pages listed again under tracemalloc, which is ~10x slower (0 = all)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _django()
        step, *rest = args.child
        if step == "seed":
            result = child_seed(int(rest[0]), int(rest[1]))
        elif step == "list":
            result = child_list(rest[0], int(rest[1]) or None)
        else:
            result = child_export(rest[0], rest[1])
        print(json.dumps(result))
        return

    name = urlsplit(args.database_url).path.lstrip("/")
    if not name.endswith("bench"):
        raise SystemExit(f"refusing to drop and recreate {name!r}: use a database named *bench")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DEBUG": "false",
    }
    _admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(args.database_url, f'CREATE DATABASE "{name}"')
    try:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            env=env,
            cwd=REPO,
            check=True,
        )
        print(json.dumps({"step": "migrate", "seconds": time.perf_counter() - start}))
        seed = _run_child(env, "seed", str(args.rows), str(args.export_rows))
        key = seed.pop("key")
        print(json.dumps(seed))
        listing = _run_child(env, "list", key, str(args.trace_pages))
        print(json.dumps(listing))
        export = _run_child(env, "export", key, "2025")
        print(json.dumps(export))
    finally:
        if not args.keep:
            _admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(
        f"\nlist: {listing['rows']:,} rows in {listing['pages']:,} pages, "
        f"{listing['seconds']:.1f} s = {listing['rows_per_s']:,.0f} rows/s "
        f"(first 10 % of pages {listing['first_10pct_rows_per_s']:,.0f}, last 10 % "
        f"{listing['last_10pct_rows_per_s']:,.0f}); maxrss {listing['maxrss_before_mb']:.0f} -> "
        f"{listing['maxrss_mb']:.0f} MB; tracemalloc peak {listing['tracemalloc_peak_mb']:.1f} MB "
        f"over {listing['tracemalloc_pages']:,} pages"
    )
    if "skipped" in export:
        print(f"export: skipped, {export['skipped']}")
    else:
        print(
            f"export: {export['rows']:,} rows, {export['mb']:.1f} MB in {export['seconds']:.1f} s "
            f"= {export['rows_per_s']:,.0f} rows/s; maxrss {export['maxrss_before_mb']:.0f} -> "
            f"{export['maxrss_mb']:.0f} MB; tracemalloc peak {export['tracemalloc_peak_mb']:.1f} MB"
        )


if __name__ == "__main__":
    main()
