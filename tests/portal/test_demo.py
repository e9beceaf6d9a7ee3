"""`manage.py load_demo` loads every app's demo data files, and running it again creates
nothing new."""

from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from forum.models import Category, Topic
from indicators.models import (
    DataSheet,
    InformationFlow,
    InternationalObservation,
    StatisticalOperation,
)
from portal.models import Organisation, User

ROOT = Path(settings.BASE_DIR)


def _data(path: str):
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_load_demo_twice_creates_nothing_new(db):
    call_command("load_reference", working_group=True, verbosity=0)
    call_command("load_indicators", verbosity=0)
    call_command("load_demo", quiet_logins=True)
    first = _counts()
    call_command("load_demo", quiet_logins=True)
    assert _counts() == first
    # What the demo loaded before its content moved to data files.
    assert first["portal.User"] == 10
    assert first["meetings.Meeting"] == 10
    assert first["forum.Topic"] == 6 and first["forum.Post"] == 12
    assert first["indicators.DataSheet"] == 3
    assert first["indicators.EngineRun"] >= 1


def test_load_demo_stores_every_record_of_its_data_files(db):
    call_command("load_reference", verbosity=0)
    call_command("load_indicators", verbosity=0)
    call_command("load_demo", quiet_logins=True)
    accounts = _data("portal/fixtures/demo/accounts.json")
    for org in accounts["organisations"]:
        stored = Organisation.objects.get(name=org["name"])
        assert stored.kind == org["kind"]
        assert (stored.country.iso3 if stored.country else None) == org["country"]
        assert (stored.agency.code if stored.agency else None) == org["agency"]
    for login in accounts["logins"]:
        user = User.objects.get(email=login["email"])
        assert (user.full_name, user.role, user.organisation.name, user.language) == (
            login["full_name"],
            login["role"],
            login["organisation"],
            login["language"],
        )
        assert user.check_password(settings.PORTAL_DEMO_PASSWORD)
    forum = _data("forum/fixtures/demo/forum.json")
    assert sorted(Category.objects.values_list("slug", flat=True)) == sorted(
        c["slug"] for c in forum["categories"]
    )
    for spec in forum["topics"]:
        topic = Topic.objects.get(title=spec["title"])
        assert (topic.category.slug, topic.language, topic.pinned) == (
            spec["category"],
            spec["language"],
            spec["pinned"],
        )
        posts = list(topic.posts.order_by("pk").values_list("author__email", flat=True))
        assert posts == [post["author"] for post in spec["posts"]]
    sheets = _data("indicators/fixtures/demo/sheets.json")
    assert sorted(StatisticalOperation.objects.values_list("country__iso3", "name")) == sorted(
        (op["country"], op["name"]) for op in sheets["operations"]
    )
    assert sorted(
        InformationFlow.objects.values_list("country__iso3", "indicator__code", "custodian__code")
    ) == sorted((f["country"], f["indicator"], f["custodian"]) for f in sheets["flows"])
    status = dict(DataSheet.objects.values_list("country__iso3", "status"))
    assert status == {"KAZ": "accepted", "KGZ": "submitted", "CHL": "draft"}
    release = _data("indicators/fixtures/demo/international.json")
    assert InternationalObservation.objects.count() == sum(
        len(series["values"]) for series in release["series"]
    )


def test_demo_sheets_keep_the_real_data_attribution():
    """Every demo sheet built from files in data/ names their publisher and MIT licence."""
    for sheet in _data("indicators/fixtures/demo/sheets.json")["sheets"]:
        if sheet["folder"] is None:
            continue
        attribution = sheet["attribution"]
        assert attribution["licence"] == "MIT"
        licence = ROOT / attribution["licence_file"]
        assert licence.parent == (ROOT / sheet["folder"]).parent
        assert "MIT License" in licence.read_text(encoding="utf-8")
        assert all((ROOT / sheet["folder"] / name).is_file() for name in sheet["files"])
