"""The quick load run (`bench/load/run.py --quick`) against the production configuration.

It needs PostgreSQL and Redis: it runs in CI's PostgreSQL pass (DATABASE_URL points at
PostgreSQL) and is skipped, with the reason, on the embedded default (SQLite). When
DATABASE_URL is PostgreSQL but a server is unreachable it fails under
PORTAL_REQUIRE_SERVICES=1 and skips otherwise. About 90 s: migrations and demo data on a fresh
database, then 10 simulated users for 30 s.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def _reachable(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _services_or_skip() -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        pytest.skip(
            "load test runs only in the PostgreSQL pass (DATABASE_URL is not PostgreSQL: "
            "embedded default)"
        )
    missing = [
        name for name, port in (("PostgreSQL", 5432), ("Redis", 6379)) if not _reachable(port)
    ]
    if missing:
        message = f"{' and '.join(missing)} not reachable on 127.0.0.1"
        if REQUIRE_SERVICES:
            pytest.fail(f"PORTAL_REQUIRE_SERVICES=1 but {message}")
        pytest.skip(message)


def test_quick_load_run_has_no_failed_requests(tmp_path: Path) -> None:
    _services_or_skip()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load" / "run.py"),
            "--quick",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout[-6000:] + result.stderr[-3000:]
    assert result.returncode == 0, output
    with open(tmp_path / "load_stats.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    assert int(total["Request Count"]) > 50, output
    failed = {row["Name"]: row["Failure Count"] for row in rows if row["Failure Count"] != "0"}
    assert failed == {}, output
    names = {row["Name"] for row in rows}
    assert {"healthz (trivial)", "login", "forum index"} <= names, output
