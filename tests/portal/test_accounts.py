"""Login, logout, throttling, password reset, profile and language; the bad inputs first."""

import pytest
from django.core import mail
from django.test import Client

from tests.factories import TEST_PASSWORD

LOGIN = "/accounts/login/"


def _login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_login_by_email_reaches_dashboard(client, cast):
    response = _login(client, "fp.a@example.org", TEST_PASSWORD)
    assert response.status_code == 302
    dashboard = client.get("/")
    assert "What needs my attention" in dashboard.content.decode()


def test_login_email_is_case_insensitive(client, cast):
    assert _login(client, "FP.A@Example.org", TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("fp.a@example.org", "wrong password", "The e-mail address or the password is not correct"),
        ("nobody@example.org", TEST_PASSWORD, "The e-mail address or the password is not correct"),
        ("disabled@example.org", TEST_PASSWORD, "This account is disabled"),
        ("not-an-email", TEST_PASSWORD, "Enter a valid email address"),
    ],
)
def test_bad_login_is_refused_with_a_clear_page(client, cast, email, password, message):
    response = _login(client, email, password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_throttled_after_repeated_failures(client, cast, settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    for _ in range(3):
        assert _login(client, "fp.a@example.org", "nope").status_code == 400
    response = _login(client, "fp.a@example.org", TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_session_is_rotated_at_login(client, cast):
    client.get(LOGIN)
    client.cookies["sessionid"] = "attacker-chosen"
    _login(client, "fp.a@example.org", TEST_PASSWORD)
    assert client.cookies["sessionid"].value != "attacker-chosen"


def test_forged_csrf_token_gets_a_clear_403(cast):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    response = client.post(
        LOGIN,
        {
            "username": "fp.a@example.org",
            "password": TEST_PASSWORD,
            "csrfmiddlewaretoken": "forged",
        },
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "security token" in body
    assert "Traceback" not in body


def test_logout_needs_post_and_logs_out(client, cast):
    client.force_login(cast.users["member"])
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, cast):
    response = client.post("/accounts/password-reset/", {"email": "fp.a@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    final = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a New long pass 2026", "new_password2": "a New long pass 2026"},
    )
    assert final.status_code == 302
    assert _login(Client(), "fp.a@example.org", "a New long pass 2026").status_code == 302


def test_password_reset_for_unknown_email_reveals_nothing(client, cast):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_saves_language_and_switches_pages_to_spanish(client, cast):
    user = cast.users["member"]
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {"full_name": "Nurlan M.", "language": "es", "email_notifications": "daily"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.language, user.email_notifications) == ("Nurlan M.", "es", "daily")
    assert "Lo que requiere mi atención" in client.get("/").content.decode()


def test_profile_rejects_bad_values(client, cast):
    client.force_login(cast.users["member"])
    response = client.post(
        "/accounts/profile/", {"full_name": "", "language": "xx", "email_notifications": "daily"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required" in body
    assert "Select a valid choice" in body


def test_language_switcher_for_anonymous_visitor(client, db):
    response = client.post("/language/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert "Iniciar sesión" in client.get("/").content.decode()


def test_language_switcher_refuses_foreign_redirects_and_unknown_languages(client, db):
    response = client.post("/language/", {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.post("/language/", {"language": "klingon", "next": "/"}, follow=True)
    assert "Ese idioma no está disponible" in response.content.decode()


def test_admin_lists_every_model(client, cast):
    from django.apps import apps
    from django.contrib import admin

    client.force_login(cast.users["coordinator"])
    cast.users["coordinator"].is_staff = True
    cast.users["coordinator"].is_superuser = True
    cast.users["coordinator"].save()
    for app in ("portal", "indicators", "forum", "meetings"):
        for model in apps.get_app_config(app).get_models():
            assert admin.site.is_registered(model), model
            url = f"/admin/{app}/{model._meta.model_name}/"
            assert client.get(url).status_code == 200, url
