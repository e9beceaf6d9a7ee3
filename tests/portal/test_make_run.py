"""What `make run` serves: the embedded default with DEBUG off, as a new user first sees it.

A real `manage.py runserver` on the local settings, fetched over HTTP: the portal's own 404
page (never Django's debug page), static files with no collectstatic step, and a favicon.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, *, follow: bool = True) -> tuple[int, dict[str, str], str]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:  # nosec B310 - a loopback test server
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('run') / 'portal.sqlite3'}"
    proc = subprocess.Popen(  # nosec B603 - fixed arguments
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"runserver exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("runserver did not listen within 60 s")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_a_missing_page_is_the_portals_own_404_not_the_debug_page(local_server: str) -> None:
    status, _headers, body = _get(f"{local_server}/no-such-page/")
    assert status == 404
    assert "Page not found" in body
    assert "URLconf" not in body
    assert "DEBUG = True" not in body


def test_static_files_are_served_without_collectstatic(local_server: str) -> None:
    status, headers, body = _get(f"{local_server}/static/portal/portal.css")
    assert status == 200
    assert "text/css" in headers["Content-Type"]
    assert body.strip()


def test_the_favicon_answers(local_server: str) -> None:
    status, headers, _body = _get(f"{local_server}/favicon.ico", follow=False)
    assert status == 301
    assert headers["Location"].endswith("/static/portal/favicon.svg")
    status, headers, body = _get(f"{local_server}/favicon.ico")
    assert status == 200
    assert "svg" in headers["Content-Type"]
    assert "<svg" in body
