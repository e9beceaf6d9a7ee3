"""Base pages, errors and /healthz."""

import json

import pytest


def test_landing_page_for_visitors(client, cast):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kazakhstan" in body and "Log in" in body
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "role", ["focal_point", "member", "agency_focal_point", "coordinator", "observer"]
)
def test_dashboard_for_every_role(client, cast, role):
    client.force_login(cast.users[role])
    response = client.get("/")
    assert response.status_code == 200
    assert cast.users[role].full_name.split()[0] in response.content.decode()


def test_unknown_country_is_a_clear_404(client, cast):
    client.force_login(cast.users["member"])
    response = client.get("/countries/ZZZ/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_country_page_in_spanish_uses_spanish_names(client, cast):
    client.force_login(cast.users["member"])
    client.post("/language/", {"language": "es", "next": "/"})
    body = client.get("/countries/KGZ/").content.decode()
    assert "Kirguistán" in body


def test_healthz_reports_database_and_broker(client, db, settings):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["database"]["status"] == "ok"
    assert body["broker"]["status"] == "ok"
    assert body["broker"]["mode"] == ("redis" if settings.CELERY_BROKER_URL else "in-process")


def test_healthz_is_503_when_the_broker_is_unreachable(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["broker"]["status"] == "error"
