"""Locust scenario for the portal: a working group's day, against a loopback server only.

Started by `bench/load/run.py` (which also starts the server); on its own:
`locust -f bench/load/locustfile.py --headless -u 50 -r 5 -t 180s --host http://127.0.0.1:PORT`.

Who is simulated (each simulated user logs in once and keeps its session: the login is
throttled after 5 failures per address, and a failed login here is an error to report):
- focal points (KAZ, KGZ, CHL, MEX): dashboard, data sheets, their sheet, 2,000-row uploads
  to the upload preview of their open draft; one simulated user per country also confirms
  (the others only preview, so no two confirmations race on the sheet's lock version);
- forum members: index, topics, replies, kept under the forum's posting limit per account;
- the coordinator: progress table, discrepancy report, an engine run at most once a minute;
- anonymous visitors: home, meetings calendar, a public meeting;
- a probe on `/healthz`, the trivial view every page is compared with.

Requests are named by page (`name=`), so the statistics group per page. Every response is
checked for its expected status; anything else is a failure with the status and a snippet.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import random
import re
import threading
import time
from pathlib import Path

from locust import HttpUser, between, constant_throughput, events, task

ROOT = Path(__file__).resolve().parent.parent.parent
REFERENCE = ROOT / "portal" / "fixtures" / "reference"
PASSWORD = os.environ.get("PORTAL_DEMO_PASSWORD", "demo-portal-2026")
ROUND = os.environ.get("LOAD_ROUND", "2026")
UPLOAD_ROWS = 2000
INDICATOR, UNIT = "3.2.1", "PER_1000_LIVE_BIRTHS"
YEARS = range(1990, 2031)

FOCAL_POINTS = [
    ("focal.kaz@demo.wg.example", "KAZ"),
    ("focal.kgz@demo.wg.example", "KGZ"),
    ("focal.chl@demo.wg.example", "CHL"),
    ("focal.mex@demo.wg.example", "MEX"),
]
FORUM_MEMBERS = [
    "member.kaz@demo.wg.example",
    "agency.unicef@demo.wg.example",
    "agency.who@demo.wg.example",
    "secretariat@demo.wg.example",
]
COORDINATOR = "coordinator@demo.wg.example"

# The forum allows FORUM_POSTS_PER_MINUTE (10) posts per account per clock minute; several
# simulated users share a demo account, so replies are spaced per account: at most 6 a minute.
FORUM_REPLY_INTERVAL = float(os.environ.get("LOAD_FORUM_REPLY_INTERVAL", "10.5"))
# The coordinator starts a full engine run at most once a minute.
ENGINE_RUN_INTERVAL = float(os.environ.get("LOAD_ENGINE_RUN_INTERVAL", "61"))

_lock = threading.Lock()
_focal_cycle = itertools.cycle(FOCAL_POINTS)
_member_cycle = itertools.cycle(FORUM_MEMBERS)
_confirmers: set[str] = set()
_last_reply: dict[str, float] = {}
_last_engine_run = [0.0]


def _claim(slot: dict[str, float] | list[float], key: str | int, interval: float) -> bool:
    """True (and the slot is taken) when the last claim of `key` is `interval` seconds old."""
    with _lock:
        now = time.monotonic()
        last = slot[key] if isinstance(slot, list) else slot.get(key, 0.0)  # type: ignore[index]
        if last and now - last < interval:
            return False
        slot[key] = now  # type: ignore[index]
        return True


def _kaz_areas() -> list[str]:
    with open(REFERENCE / "subnational_areas.csv", encoding="utf-8", newline="") as handle:
        return sorted(r["code"] for r in csv.DictReader(handle) if r["country_iso3"] == "KAZ")


def _codes(codelist: str) -> list[str]:
    with open(REFERENCE / "sdmx_codelists.csv", encoding="utf-8", newline="") as handle:
        return sorted(r["code"] for r in csv.DictReader(handle) if r["codelist"] == codelist)


KAZ_AREAS = _kaz_areas()
# Countries without subnational areas in the reference data send national figures
# disaggregated by sex and age (real SDMX codes) instead: 2,000 distinct keys either way.
SEXES = [code for code in ("F", "M", "_T") if code in _codes("SEX")]
AGES = _codes("AGE")[:20]


def upload_csv(iso3: str) -> bytes:
    """A 2,000-row portal CSV for indicator 3.2.1; values change with every call."""
    if iso3 == "KAZ":
        keys = [(area, "", year) for area in KAZ_AREAS for year in YEARS]
    else:
        keys = [
            ("", f"AGE={age};SEX={sex}", year) for age in AGES for sex in SEXES for year in YEARS
        ]
    assert len(keys) >= UPLOAD_ROWS, (iso3, len(keys))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "area", "disaggregation", "year", "value", "unit"])
    for area, disaggregation, year in keys[:UPLOAD_ROWS]:
        value = round(random.uniform(5, 60), 1)
        writer.writerow([INDICATOR, area, disaggregation, year, value, UNIT])
    return out.getvalue().encode("utf-8")


def _snippet(response) -> str:  # type: ignore[no-untyped-def]
    text = (response.text or "")[:200].replace("\n", " ")
    return f"HTTP {response.status_code} {response.request.method} {response.url}: {text}"


def _hidden(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html
    )
    return match.group(1) if match else None


class PortalUser(HttpUser):
    abstract = True
    email = ""

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def get(self, path: str, name: str, expect: int = 200) -> str | None:
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(_snippet(response))
                return None
            response.success()
            return response.text

    def post(self, path: str, name: str, data: dict, files: dict | None = None):  # type: ignore[no-untyped-def]
        headers = {"Referer": f"{self.host}{path}"}
        return self.client.post(
            path,
            name=name,
            data={"csrfmiddlewaretoken": self.csrf(), **data},
            files=files,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        )

    def login(self) -> bool:
        self.get("/accounts/login/", "login page")
        with self.post(
            "/accounts/login/", "login", {"username": self.email, "password": PASSWORD}
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/accounts/login/" in location:
                response.failure(_snippet(response))
                return False
            response.success()
        return True


class HealthProbe(HttpUser):
    """The trivial view, measured alongside the pages under the same load."""

    fixed_count = 1
    wait_time = constant_throughput(4)

    @task
    def healthz(self) -> None:
        with self.client.get("/healthz", name="healthz (trivial)", catch_response=True) as r:
            if r.status_code != 200 or '"status": "ok"' not in r.text.replace('":"', '": "'):
                r.failure(_snippet(r))


class Coordinator(PortalUser):
    fixed_count = 1
    wait_time = between(3, 8)
    email = COORDINATOR

    def on_start(self) -> None:
        self.logged_in = self.login()

    @task(3)
    def progress(self) -> None:
        if self.logged_in:
            self.get("/data/reports/", "reports: progress table")

    @task(3)
    def discrepancies(self) -> None:
        if self.logged_in:
            self.get("/data/reports/discrepancies/", "reports: discrepancies")

    @task(1)
    def engine_run(self) -> None:
        if not self.logged_in or not _claim(_last_engine_run, 0, ENGINE_RUN_INTERVAL):
            return
        with self.post("/data/reports/runs/start/", "engine run: start", {}) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/data/reports/runs/" not in location:
                response.failure(_snippet(response))
                return
            response.success()
        self.get(location, "engine run page")


class FocalPoint(PortalUser):
    weight = 12
    wait_time = between(5, 15)

    def on_start(self) -> None:
        with _lock:
            self.email, self.iso3 = next(_focal_cycle)
            self.confirmer = self.email not in _confirmers
            _confirmers.add(self.email)
        self.logged_in = self.login()
        self.sheet_id, self.editable = (
            self.find_sheet(create=True) if self.logged_in else (None, False)
        )

    def find_sheet(self, create: bool) -> tuple[int | None, bool]:
        """Their open draft (opening one when there is none and they may), else their newest."""
        html = self.get("/data/", "data sheets") or ""
        section = html.split('id="my-sheets"', 1)[-1].split("</section>", 1)[0]
        rows = re.findall(r'/data/sheets/(\d+)/">v\d+</a>.*?status-(\w+)', section, re.S)
        for pk, status in rows:
            if status in ("draft", "returned"):
                return int(pk), True
        if create and f'name="country" value="{self.iso3}"' in section:
            with self.post(
                "/data/sheets/new/", "open a data sheet", {"country": self.iso3, "round": ROUND}
            ) as response:
                # Another simulated user of the same account may have opened it first: the
                # portal then says so and redirects to the index, which is not an error.
                if response.status_code != 302:
                    response.failure(_snippet(response))
                else:
                    response.success()
            return self.find_sheet(create=False)
        return (int(rows[0][0]) if rows else None), False

    @task(2)
    def dashboard(self) -> None:
        if self.logged_in:
            self.get("/", "dashboard")

    @task(2)
    def sheets(self) -> None:
        if self.logged_in:
            self.get("/data/", "data sheets")

    @task(3)
    def sheet(self) -> None:
        if self.sheet_id:
            self.get(f"/data/sheets/{self.sheet_id}/", "sheet page")

    @task(3)
    def upload(self) -> None:
        if not (self.sheet_id and self.editable):
            return self.sheet()
        path = f"/data/sheets/{self.sheet_id}/upload/"
        self.get(path, "upload page")
        files = {"data_files": (f"3-2-1-{self.iso3}.csv", upload_csv(self.iso3), "text/csv")}
        with self.post(path, "upload preview (2,000 rows)", {}, files=files) as response:
            if response.status_code != 200:
                response.failure(_snippet(response))
                return
            response.success()
            html = response.text
        if self.confirmer and random.random() < 0.5:
            self.confirm(html)

    def confirm(self, preview: str) -> None:
        token, lock_version = _hidden(preview, "token"), _hidden(preview, "lock_version")
        data = {
            "token": token or "",
            "lock_version": lock_version or "",
            "format": _hidden(preview, "format") or "",
            "indicator": _hidden(preview, "indicator") or "",
            "confirm_outliers": "on",
        }
        path = f"/data/sheets/{self.sheet_id}/upload/confirm/"
        with self.post(path, "upload confirm (2,000 rows)", data) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.endswith(
                f"/data/sheets/{self.sheet_id}/"
            ):
                response.failure(_snippet(response) + f" -> {location}")
            else:
                response.success()


class ForumMember(PortalUser):
    weight = 16
    wait_time = between(3, 10)

    def on_start(self) -> None:
        with _lock:
            self.email = next(_member_cycle)
        self.logged_in = self.login()
        self.topics: list[int] = []
        if self.logged_in:
            html = self.get("/forum/", "forum index") or ""
            self.topics = sorted({int(pk) for pk in re.findall(r'/forum/t/(\d+)/"', html)})

    @task(3)
    def index(self) -> None:
        if self.logged_in:
            self.get("/forum/", "forum index")

    @task(5)
    def topic(self) -> None:
        if self.topics:
            self.get(f"/forum/t/{random.choice(self.topics)}/", "forum topic")

    @task(2)
    def reply(self) -> None:
        if not self.topics:
            return
        pk = random.choice(self.topics)
        html = self.get(f"/forum/t/{pk}/", "forum topic") or ""
        if f'action="/forum/t/{pk}/reply/"' not in html:
            return  # this account may only read this topic
        if not _claim(_last_reply, self.email, FORUM_REPLY_INTERVAL):
            return
        text = f"Load test reply {random.randint(1, 10**9)}: we see the same gap in our series."
        with self.post(
            f"/forum/t/{pk}/reply/", "forum reply", {"source": text, "language": "en"}
        ) as response:
            if response.status_code != 302:
                response.failure(_snippet(response))
            else:
                response.success()


class Visitor(HttpUser):
    weight = 20
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.meetings: list[int] = []
        html = self._get("/meetings/", "meetings calendar") or ""
        self.meetings = sorted({int(pk) for pk in re.findall(r'href="/meetings/(\d+)/"', html)})

    def _get(self, path: str, name: str) -> str | None:
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(_snippet(response))
                return None
            return response.text

    @task(3)
    def home(self) -> None:
        self._get("/", "home (public)")

    @task(2)
    def calendar(self) -> None:
        self._get("/meetings/", "meetings calendar")

    @task(3)
    def meeting(self) -> None:
        if self.meetings:
            self._get(f"/meetings/{random.choice(self.meetings)}/", "meeting page (public)")


@events.test_start.add_listener
def _check_host(environment, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    host = environment.host or ""
    if not re.match(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/?$", host):
        raise SystemExit(f"refusing to send load to {host!r}: loopback only")
