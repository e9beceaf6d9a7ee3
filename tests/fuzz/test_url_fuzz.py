"""Walk every URL pattern of the site (not the API: schemathesis covers it) with hostile input.

For every role, every page gets GET query values and POST form values that used to cause
500s: NUL bytes (PostgreSQL refuses them), integers beyond 64 bits, negative numbers,
bogus `next` values, unknown enum values and very long strings, under every parameter
name the views read. Path parameters are filled with the other country's objects (the
coordinator and KGZ's focal point may act on them, so their requests reach the forms), and
every integer path parameter is also tried with an out-of-range value. No answer may be a
server error.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.urls import Route, all_routes, fill

ROLES = (
    "anonymous",
    "observer",
    "member",
    "focal_point",
    "focal_point_b",
    "agency_focal_point",
    "coordinator",
)
HUGE = "99999999999999999999"
NUL = "nul\x00byte"
PAYLOADS = (
    HUGE,
    "-1",
    "bogus",
    "no-such-value",
    "é" * 1200,
)
# Every parameter name the views read from GET or POST (grep request.GET / request.POST,
# the forms' fields), plus the usual suspects.
PARAMS = (
    "next",
    "page",
    "q",
    "sheet",
    "meeting",
    "country",
    "region",
    "indicator",
    "agency",
    "round",
    "year",
    "status",
    "kind",
    "category",
    "subject",
    "quote",
    "reply_to",
    "target",
    "language",
    "visibility",
    "format",
    "fmt",
    "sort",
    "mine",
    "series",
    "source",
    "method",
    "lock_version",
    "token",
    "action",
    "decision",
    "reason",
    "text",
    "title",
    "comment",
    "notes",
    "name",
    "handle",
    "file",
    "forum_thread",
    "start_date",
    "end_date",
    "due_date",
    "date",
    "city",
    "sex",
    "consent",
    "organisation",
    "owner",
    "count",
    "number",
    "value",
    "unit",
    "nature",
    "footnote",
    "version",
    "document",
    "agenda_item",
    "session",
    "biennium",
    "activity",
    "objective",
    "from",
    "to",
    "scenario",
    "growth",
)
SKIP = {
    "portal:logout": "ends the session the rest of the walk needs",
}


def _routes() -> list[Route]:
    return [r for r in all_routes() if not r.is_api and r.name not in SKIP]


def _client(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.cast.users[role])
    return client


def _bodies(world) -> list[dict[str, str]]:
    """Each parameter gets each payload once (rotated, so names mix payloads); then a body
    of NUL bytes alone (refused before any view, which would hide the other payloads)."""
    obs = world.observation_b.pk
    names = (*PARAMS, f"value-{obs}", f"footnote-{obs}", f"value-comment-{obs}")
    bodies = [
        {name: PAYLOADS[(shift + i) % len(PAYLOADS)] for i, name in enumerate(names)}
        for shift in range(len(PAYLOADS))
    ]
    return [*bodies, dict.fromkeys(names, NUL)]


class _ServerError(Exception):
    """Rolls the savepoint of a request that failed back."""


def _request(client: Client, method: str, url: str, data: dict[str, str] | None = None) -> int:
    """One request in a savepoint: a server error must not poison the next requests."""
    try:
        with transaction.atomic():
            status: int = getattr(client, method)(url, data or {}).status_code
            if status >= 500:
                raise _ServerError(status)
    except _ServerError:
        pass
    return status


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_on_hostile_input(world, role):
    client = _client(world, role)
    bodies = _bodies(world)
    failures: list[str] = []
    for route in _routes():
        url = fill(route, world)
        for body in bodies:
            for method in ("get", "post"):
                status = _request(client, method, url, body)
                if status >= 500:
                    failures.append(f"{method.upper()} {url} {status} next={body['next'][:20]!r}")
        for huge_url in _huge_urls(route, url):
            for method in ("get", "post"):
                status = _request(client, method, huge_url)
                if status >= 500:
                    failures.append(f"{method.upper()} {huge_url} {status}")
    assert not failures, "\n".join(failures)


def _huge_urls(route: Route, url: str) -> list[str]:
    """The URL with each integer path parameter beyond 64 bits, each text one with a NUL."""
    from django.urls import resolve

    match = resolve(url)
    urls = []
    for name, value in match.kwargs.items():
        if isinstance(value, int):
            urls.append(reverse(route.name, kwargs={**match.kwargs, name: int(HUGE)}))
        elif isinstance(value, str) and "<slug:" not in route.pattern:
            urls.append(reverse(route.name, kwargs={**match.kwargs, name: NUL}))
    return urls
