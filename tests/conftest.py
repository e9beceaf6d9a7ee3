"""Shared fixtures: users of every role for two countries, and the services check."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from portal.models import Agency, Country, User

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


@dataclass
class Cast:
    """Two member countries (A = own, B = other), an agency, and a user of every role."""

    country_a: Country
    country_b: Country
    agency: Agency
    other_agency: Agency
    # by role: focal_point, member, focal_point_b, agency_focal_point, coordinator, observer,
    # disabled_focal_point
    users: dict[str, User]


@pytest.fixture
def cast(db: None) -> Cast:
    # Imported here so that the Django-free suites (engine, imports) run without Django too.
    from portal.models import Organisation, User
    from tests.factories import AgencyFactory, CountryFactory, OrganisationFactory, UserFactory

    country_a = CountryFactory.create(
        iso3="KAZ", iso2="KZ", m49="398", name_en="Kazakhstan", name_es="Kazajstán", cis=True
    )
    country_b = CountryFactory.create(
        iso3="KGZ", iso2="KG", m49="417", name_en="Kyrgyzstan", name_es="Kirguistán", cis=True
    )
    agency = AgencyFactory.create(code="UNICEF")
    other_agency = AgencyFactory.create(code="WHO")
    nso_a = OrganisationFactory.create(name="NSO A", country=country_a)
    nso_b = OrganisationFactory.create(name="NSO B", country=country_b)
    agency_org = OrganisationFactory.create(
        name="UNICEF data", kind=Organisation.Kind.AGENCY, country=None, agency=agency
    )
    secretariat = OrganisationFactory.create(
        name="Secretariat", kind=Organisation.Kind.SECRETARIAT, country=None
    )
    users = {
        "focal_point": UserFactory.create(
            email="fp.a@example.org", role=User.Role.COUNTRY_FOCAL_POINT, organisation=nso_a
        ),
        "member": UserFactory.create(
            email="member.a@example.org", role=User.Role.COUNTRY_MEMBER, organisation=nso_a
        ),
        "focal_point_b": UserFactory.create(
            email="fp.b@example.org", role=User.Role.COUNTRY_FOCAL_POINT, organisation=nso_b
        ),
        "agency_focal_point": UserFactory.create(
            email="agency@example.org", role=User.Role.AGENCY_FOCAL_POINT, organisation=agency_org
        ),
        "coordinator": UserFactory.create(
            email="coord@example.org", role=User.Role.COORDINATOR, organisation=secretariat
        ),
        "observer": UserFactory.create(
            email="observer@example.org", role=User.Role.OBSERVER, organisation=secretariat
        ),
        "disabled_focal_point": UserFactory.create(
            email="disabled@example.org",
            role=User.Role.COUNTRY_FOCAL_POINT,
            organisation=nso_a,
            is_active=False,
        ),
    }
    return Cast(country_a, country_b, agency, other_agency, users)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    # A test that rendered or activated Spanish must not leave it to the next one.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def _broker_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def wait_until_workers_idle(timeout: float = 60) -> None:
    """Wait until the broker's queue is empty and no worker holds a task, so that a test's
    database flush never races a task still writing (TRUNCATE against it deadlocks)."""
    import time

    import redis
    from django.conf import settings

    from portal.celery import app

    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inspect = app.control.inspect(timeout=1.0)
        busy = [
            task
            for replies in (inspect.active() or {}, inspect.reserved() or {})
            for tasks in replies.values()
            for task in tasks
        ]
        if not busy and not queue.llen("celery"):
            return
        time.sleep(0.3)
    pytest.fail(f"the Celery workers were still busy after {timeout:.0f} s")


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker process over Redis, on the test database.

    Skipped only on the embedded default (no broker configured: tasks run in-process);
    a configured broker that cannot be reached fails the tests. Scoped to one test module,
    and the queue is purged first, so tasks other tests published (with no worker to take
    them) never run against this module's data, and this worker never touches theirs.
    """
    import subprocess
    import sys
    import time
    import uuid

    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL:
        pytest.skip("embedded default: no broker configured, tasks run in-process")
    if not _broker_reachable(settings.CELERY_BROKER_URL):
        pytest.fail(f"Celery broker {settings.CELERY_BROKER_URL} is not reachable")
    if connection.vendor == "sqlite":
        pytest.fail(
            "a real worker needs a shared database (PostgreSQL), not SQLite's in-memory test database"
        )
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
    }
    from portal.celery import app

    app.control.purge()
    name = f"pytest-{uuid.uuid4().hex[:8]}@%h"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-l",
            "WARNING",
            "-c",
            "2",
            "-n",
            name,
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker exited with {proc.returncode}")
        replies = app.control.ping(timeout=1.0) or []
        if any(name.split("@")[0] in key for reply in replies for key in reply):
            break
    else:
        proc.kill()
        pytest.fail("the Celery worker did not answer within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- browser tests: Playwright driving Debian's Chromium; never a downloaded browser ----------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
