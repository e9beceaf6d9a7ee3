"""PostgreSQL connections cut while users are working: in-flight requests get a clean 503,
later requests succeed without restarting the portal (CONN_HEALTH_CHECKS, persistent connections).

The machine's PostgreSQL is not restarted (others use it): a second connection holds a lock so
that requests are provably in flight inside the database, then terminates every other backend
of the test database, as a server restart does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from indicators import services
from tests.indicators.conftest import PORTAL_CSV

pytestmark = pytest.mark.django_db(transaction=True)
IN_FLIGHT = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def portal_server(sheet_world):
    """The portal under gunicorn (threads keep persistent connections) on the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("cutting server-side connections needs PostgreSQL")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "CONN_MAX_AGE": "600",
    }
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "portal.wsgi:application",
            "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", str(IN_FLIGHT + 2),
            "--timeout", "60", "--log-level", "warning",
        ],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _get(url: str, session: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _admin_connection():
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )


def _cut_while_in_flight(base: str, session: str, path: str, table: str):
    """Fire IN_FLIGHT requests that wait on `table`, then kill every other backend."""
    for _ in range(3):  # warm up: every server thread holds a persistent connection
        assert _get(base + path, session)[0] == 200
    admin = _admin_connection()
    try:
        admin.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        pool = ThreadPoolExecutor(IN_FLIGHT)
        futures = [pool.submit(_get, base + path, session) for _ in range(IN_FLIGHT)]
        deadline = time.monotonic() + 20
        waiting = 0
        while time.monotonic() < deadline:
            admin.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view, same transaction
            waiting = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            ).fetchone()[0]
            if waiting >= IN_FLIGHT:
                break
            time.sleep(0.05)
        assert waiting >= IN_FLIGHT, f"only {waiting} requests reached the database"
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
        assert killed >= IN_FLIGHT
        admin.rollback()
        results = [future.result(timeout=60) for future in futures]
        pool.shutdown()
    finally:
        admin.close()
    connection.close()  # this test process's own connection was cut too
    return results


def _assert_clean_503(results) -> None:
    for status, body in results:
        assert status == 503, (status, body[:500])
        assert "briefly unavailable" in body and "Traceback" not in body


def _assert_recovered(base: str, session: str, path: str) -> None:
    after = [_get(base + path, session) for _ in range(IN_FLIGHT * 3)]
    assert [status for status, _body in after] == [200] * len(after)


def _sheet(world, round_2026):
    fp = world.users["focal_point"]
    sheet = services.datasheet_create(country=world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    return sheet


def test_requests_cut_inside_the_view_get_a_clean_503_then_the_portal_recovers(
    portal_server, sheet_world, round_2026
):
    sheet = _sheet(sheet_world, round_2026)
    session = _session(sheet_world.users["focal_point"])
    path = f"/data/sheets/{sheet.pk}/"
    results = _cut_while_in_flight(portal_server, session, path, "indicators_datasheet")
    _assert_clean_503(results)
    _assert_recovered(portal_server, session, path)


def test_requests_cut_while_loading_the_session_get_a_clean_503(
    portal_server, sheet_world, round_2026
):
    sheet = _sheet(sheet_world, round_2026)
    session = _session(sheet_world.users["focal_point"])
    path = f"/data/sheets/{sheet.pk}/"
    results = _cut_while_in_flight(portal_server, session, path, "django_session")
    try:
        _assert_clean_503(results)
    finally:
        _assert_recovered(portal_server, session, path)
