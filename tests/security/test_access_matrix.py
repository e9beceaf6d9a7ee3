"""Every URL of the project, with the other country's objects, for every role: no leak, no change.

Parameters are filled with KGZ's objects (a draft sheet with a planted footnote and value,
a restricted meeting, a topic in KGZ's regional category, an attachment, a document,
another user's token, notification and report, a discrepancy case). Every role of KAZ
(and agencies, observers, anonymous visitors) requests every URL with GET and POST.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from tests.security.conftest import SECRET_FOCAL_TOPIC, SECRET_FOOTNOTE, SECRETS
from tests.security.urls import PUBLIC, READABLE_BY_MEMBERS, all_routes, fill, post_body

OUTSIDERS = ("anonymous", "focal_point", "member", "agency_focal_point", "observer")
REFUSED = {403, 404, 405}
# Views that look the object up among the requester's own (a filter by user): another
# user's id is simply not found and the view redirects back; nothing changes.
SCOPED_TO_REQUESTER = {"portal:token_revoke": "PersonalToken.filter(user=request.user, pk=...)"}


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _secrets_for(role: str) -> tuple[str, ...]:
    # Focal points (national and agency) may read the focal points' category; nobody else.
    if role in ("focal_point", "agency_focal_point"):
        return SECRETS
    return (*SECRETS, SECRET_FOCAL_TOPIC)


def _snapshot(world) -> dict[str, object]:
    w = world
    for obj in (
        w.sheet_b,
        w.observation_b,
        w.meeting_b,
        w.topic_b,
        w.post_b,
        w.token_b,
        w.report_b,
        w.notification_b,
        w.case_b,
        w.action_b,
    ):
        obj.refresh_from_db()
    return {
        "sheet": (w.sheet_b.status, w.sheet_b.lock_version, w.sheet_b.observations.count()),
        "observation": (w.observation_b.value, w.observation_b.footnote),
        "comments": w.sheet_b.comments.count(),
        "meeting": (
            w.meeting_b.title,
            w.meeting_b.participants.count(),
            w.meeting_b.sessions.count(),
        ),
        "documents": w.meeting_b.documents.count(),
        "conclusions": w.meeting_b.conclusions.count(),
        "topic": (w.topic_b.title, w.topic_b.locked, w.topic_b.posts.count()),
        "post": (w.post_b.source, w.post_b.hidden),
        "token": w.token_b.revoked_at,
        "report": w.report_b.resolved_at,
        "notification": w.notification_b.read_at,
        "case": (w.case_b.status, w.case_b.comments.count()),
        "action": (w.action_b.status, w.action_b.notes),
    }


def _client(role: str, world, api: bool) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    user = world.cast.users[role]
    if api:
        from portal import services

        _token, key = services.token_create(user=user, name="matrix")
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    else:
        client.force_login(user)
    return client


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.headers.get(
        "Location", ""
    )


@pytest.mark.parametrize("role", [*OUTSIDERS, "coordinator"])
def test_every_url_with_other_countrys_objects(world, role):  # noqa: C901 - one flat matrix
    routes = all_routes()
    assert len(routes) > 80, "the resolver walk found the project's URLs"
    before = _snapshot(world)
    web, api = _client(role, world, api=False), _client(role, world, api=True)
    secrets = _secrets_for(role)
    problems: list[str] = []
    for route in routes:
        url = fill(route, world)
        client = api if route.is_api else web
        for method in ("get", "post"):
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, post_body(world))
            if role != "anonymous" and not route.is_api:
                client.force_login(world.cast.users[role])  # POST /accounts/logout/ logs out
            where = f"{method.upper()} {url} [{route.name}] as {role} -> {response.status_code}"
            if response.status_code >= 500:
                problems.append(f"{where}: server error")
                continue
            if role == "coordinator":
                continue  # the coordinator reads everything; only no server error.
            body = _body(response) + response.headers.get("Location", "")
            # A secret the requester typed into the URL itself (a file name) is not a leak.
            leaked = [s for s in secrets if s in body and s not in url]
            if leaked:
                problems.append(f"{where}: leaks {leaked}")
            bound = bool(route.params) and route.name not in READABLE_BY_MEMBERS
            if route.name in SCOPED_TO_REQUESTER and response.status_code == 302:
                bound = False  # a no-op on someone else's object; the snapshot proves it
            if role == "anonymous" and route.name not in PUBLIC:
                ok = _is_login_redirect(response) or response.status_code in {401, 403, 405}
                if not ok:
                    problems.append(f"{where}: anonymous not sent to login")
            elif bound and route.name not in PUBLIC:
                ok = response.status_code in REFUSED or (
                    role == "anonymous" and _is_login_redirect(response)
                )
                if not ok:
                    problems.append(f"{where}: other country's object not refused")
    assert not problems, "\n".join(problems)
    if role != "coordinator":
        assert _snapshot(world) == before, "an outsider's POST changed the other country's data"


@pytest.mark.parametrize("role", ["focal_point", "member", "agency_focal_point", "observer"])
def test_api_lists_never_show_other_countrys_draft(world, role):
    """The API's lists and filters (by country, by sheet id) never reach KGZ's draft."""
    client = _client(role, world, api=True)
    w = world
    urls = [
        "/api/v1/sheets/",
        "/api/v1/sheets/?country=KGZ",
        "/api/v1/sheets/?status=draft",
        "/api/v1/observations/",
        "/api/v1/observations/?country=KGZ",
        f"/api/v1/observations/?sheet={w.sheet_b.pk}",
        "/api/v1/observations/?year_min=2019&year_max=2019",
        "/api/v1/exports/observations.csv?country=KGZ",
        "/api/v1/exports/observations.sdmx-csv?country=KGZ",
        "/api/v1/exports/observations.sdmx-ml?country=KGZ",
        f"/api/v1/sheets/{w.sheet_b.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 400, 404}, (url, response.status_code)
        body = _body(response)
        assert SECRET_FOOTNOTE not in body and "773.31" not in body, url
        if response.status_code == 200 and url.startswith("/api/v1/sheets/?"):
            ids = [row["id"] for row in response.json()["results"]]
            assert w.sheet_b.pk not in ids, url


def test_api_refuses_other_countrys_sheet_changes(world):
    """Upload into and submit KGZ's sheet with KAZ's focal point's token: refused, nothing changes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = world
    client = _client("focal_point", world, api=True)
    before = _snapshot(world)
    upload = client.post(
        f"/api/v1/sheets/{w.sheet_b.pk}/upload/",
        {"files": SimpleUploadedFile("x.csv", b"indicator,year\n")},
    )
    submit = client.post(
        f"/api/v1/sheets/{w.sheet_b.pk}/submit/", {}, content_type="application/json"
    )
    create = client.post(
        "/api/v1/sheets/", {"country": "KGZ", "round": "2026"}, content_type="application/json"
    )
    assert upload.status_code in REFUSED and submit.status_code in REFUSED, (upload, submit)
    assert create.status_code in {400, 403}, create.content
    assert _snapshot(world) == before
    assert w.observation_b.value == Decimal("773.31")


def test_unauthenticated_api_is_refused(world):
    client = Client()
    for url in ("/api/v1/sheets/", "/api/v1/observations/", f"/api/v1/sheets/{world.sheet_b.pk}/"):
        assert client.get(url).status_code in {401, 403}, url
    bad = Client(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert bad.get("/api/v1/sheets/").status_code in {401, 403}


def test_revoked_token_stops_working(world):
    from django.utils import timezone

    from portal import services

    user = world.cast.users["focal_point"]
    token, key = services.token_create(user=user, name="old script")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/sheets/").status_code == 200
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    assert client.get("/api/v1/sheets/").status_code in {401, 403}


def test_public_list_is_explicit():
    """Each public route is named with its reason, and exists."""
    names = {route.name for route in all_routes()}
    assert set(PUBLIC) <= names
    assert all(reason for reason in PUBLIC.values())


def test_grid_save_does_not_redirect_off_site(world):
    from indicators import services

    fp = world.cast.users["focal_point"]
    sheet = services.datasheet_create(
        country=world.cast.country_a, round=world.sheet_b.round, user=fp
    )
    client = Client()
    client.force_login(fp)
    response = client.post(
        f"/data/sheets/{sheet.pk}/grid/",
        {"lock_version": str(sheet.lock_version), "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert not response.headers["Location"].startswith("https://evil.example")


def test_positive_control_owner_and_coordinator_see_the_draft(world):
    """The matrix is not vacuous: those allowed do see the planted values."""
    for role in ("focal_point_b", "coordinator"):
        client = Client()
        client.force_login(world.cast.users[role])
        body = client.get(f"/data/sheets/{world.sheet_b.pk}/").content.decode()
        assert SECRET_FOOTNOTE in body, role
