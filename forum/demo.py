"""Demo forum content: thematic categories and a few debates from the working group's work.

The content is a data file, forum/fixtures/demo/forum.json (categories, forum handles, topics
with their posts); this module creates them through the forum's services. `demo_load()` is
idempotent: categories are matched by slug, topics by title.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from forum import services
from forum.models import Category, Topic
from portal.models import Country, Region, User

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "demo"


def _read(name: str) -> Any:
    """One data file of the demo content (forum/fixtures/demo/<name>)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


_FORUM = _read("forum.json")
# Each category: slug, name_en, name_es, access, region code or None,
# topics_by_secretariat_only, description_en, description_es.
CATEGORIES: list[dict[str, Any]] = _FORUM["categories"]
# Forum handles of demo accounts (e-mail, handle), so posts can mention them.
PROFILES: list[dict[str, str]] = _FORUM["profiles"]
# Each topic: category slug, title, language, subject country iso3 or None, pinned, and its
# posts (author e-mail, Markdown text), the first one opening the topic.
TOPICS: list[dict[str, Any]] = _FORUM["topics"]


def _load_categories() -> dict[str, Category]:
    categories = {}
    for position, spec in enumerate(CATEGORIES, start=1):
        region = spec["region"]
        region_obj = Region.objects.filter(code=region).first() if region else None
        if spec["access"] == "region" and region_obj is None:
            continue
        categories[spec["slug"]], _created = Category.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name_en": spec["name_en"],
                "name_es": spec["name_es"],
                "description_en": spec["description_en"],
                "description_es": spec["description_es"],
                "position": position * 10,
                "access": spec["access"],
                "region": region_obj,
                "topics_by_secretariat_only": spec["topics_by_secretariat_only"],
            },
        )
    return categories


def _load_topic(spec: dict[str, Any], category: Category, users: dict[str, User]) -> None:
    posts = [(post["author"], post["text"]) for post in spec["posts"]]
    iso3 = spec["subject"]
    subject = Country.objects.filter(iso3=iso3).first() if iso3 else None
    author, text = posts[0]
    topic = services.topic_create(
        user=users[author],
        category=category,
        title=spec["title"],
        source=text,
        language=spec["language"],
        subject=subject,
        notify=False,
        enforce_rate_limit=False,
    )
    for author, text in posts[1:]:
        services.post_create(
            user=users[author],
            topic=topic,
            source=text,
            language=spec["language"],
            notify=False,
            enforce_rate_limit=False,
        )
    if spec["pinned"]:
        Topic.objects.filter(pk=topic.pk).update(pinned=True)


def demo_load() -> None:
    """Create the demo categories and topics (idempotent); skip what the portal lacks."""
    users = {u.email: u for u in User.objects.filter(email__endswith="@demo.wg.example")}
    if not users:
        return
    with transaction.atomic():
        categories = _load_categories()
        for profile in PROFILES:
            if profile["email"] in users:
                try:
                    services.forum_profile_update(
                        user=users[profile["email"]], handle=profile["handle"]
                    )
                except Exception:  # noqa: BLE001 - a taken handle is fine in a demo
                    pass
        for spec in TOPICS:
            category = categories.get(spec["category"])
            if category is None or Topic.objects.filter(title=spec["title"]).exists():
                continue
            if any(post["author"] not in users for post in spec["posts"]):
                continue
            _load_topic(spec, category, users)
