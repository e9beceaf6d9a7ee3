"""Benchmark of the forum's pages and search at working-group scale.

Usage: DATABASE_URL=postgres://... python bench/forum.py [--posts 100000] [--runs 5]

Builds, in a throw-away database (``<name>_bench_forum``; SQLite: a temporary file), a
category of 10,000 topics, one topic of 2,000 posts, and fills the other topics up to
``--posts`` posts (half English, half Spanish text). Then, through Django's test client
as a logged-in member, times the topic page (first, middle and last page), the category
page (first and a deep page) and the search page (a rare and a common term, in English
and in Spanish). Prints the median wall time of ``--runs`` requests and the number of
SQL queries of each page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

EN = (
    "the national estimate of under five mortality differs from the inter agency model "
    "because vital registration misses early neonatal deaths survey census population "
    "projection revision reference year definition indicator series source agency office "
    "poverty line income household consumption migration usual residence citizenship"
).split()
ES = (
    "la estimación nacional de mortalidad infantil difiere del modelo interinstitucional "
    "porque el registro civil omite defunciones neonatales encuesta censo población "
    "proyección revisión año de referencia definición indicador serie fuente organismo "
    "pobreza línea ingreso hogar consumo migración residencia habitual ciudadanía"
).split()


def _sentence(rng: random.Random, words: list[str], rare: str | None) -> str:
    text = " ".join(rng.choice(words) for _ in range(rng.randint(25, 60)))
    return f"{text} {rare}." if rare else f"{text}."


def build(posts_total: int) -> dict[str, int]:  # noqa: C901 - one linear loader
    from django.db import connection, transaction
    from django.utils import timezone

    from forum.models import Category, ForumProfile, Post, Topic
    from forum.services import _update_search_vector
    from portal.models import Organisation, User

    rng = random.Random(2026)
    org = Organisation.objects.create(name="Bench secretariat", kind="secretariat")
    users = [
        User.objects.create_user(
            f"bench{i}@example.org",
            "x",
            full_name=f"Bench User {i}",
            role="coordinator" if i == 0 else "country_member",
            organisation=org,
        )
        for i in range(20)
    ]
    ForumProfile.objects.bulk_create(
        ForumProfile(user=u, handle=f"bench{i}") for i, u in enumerate(users)
    )
    big = Category.objects.create(slug="big", name_en="Big", name_es="Grande")
    small = Category.objects.create(slug="small", name_en="Small", name_es="Pequeña")
    now = timezone.now()
    with transaction.atomic():
        topics = Topic.objects.bulk_create(
            Topic(
                category=big,
                title=f"Discrepancy {i}: " + " ".join(rng.choice(EN) for _ in range(5)),
                author=users[i % 20],
                last_post_at=now,
                last_poster=users[(i + 1) % 20],
                pinned=i < 3,
            )
            for i in range(10_000)
        )
        long_topic = Topic.objects.create(
            category=small, title="A topic of 2,000 posts", author=users[0], last_post_at=now
        )
    per_topic = max(1, -(-(posts_total - 2000) // len(topics)))
    batch: list[Post] = []
    counts = {t.pk: 0 for t in topics}

    def flush() -> None:
        Post.objects.bulk_create(batch, batch_size=2000)
        batch.clear()

    for number in range(1, 2001):
        batch.append(
            Post(
                topic=long_topic,
                number=number,
                author=users[number % 20],
                source=_sentence(rng, EN, None),
                html="<p>post</p>",
                language="en",
            )
        )
    flush()
    made = 2000
    for topic in topics:
        for _ in range(per_topic):
            if made >= posts_total:
                break
            counts[topic.pk] += 1
            spanish = rng.random() < 0.5
            rare = None
            if rng.random() < 0.002:
                rare = "sobrerregistro" if spanish else "underreporting"
            source = _sentence(rng, ES if spanish else EN, rare)
            batch.append(
                Post(
                    topic=topic,
                    number=counts[topic.pk],
                    author=users[made % 20],
                    source=source,
                    html=f"<p>{source}</p>",
                    language="es" if spanish else "en",
                )
            )
            made += 1
            if len(batch) >= 5000:
                flush()
    flush()
    Topic.objects.filter(pk=long_topic.pk).update(post_count=2000, last_post_number=2000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE forum_topic SET post_count = (SELECT COUNT(*) FROM forum_post p "
            "WHERE p.topic_id = forum_topic.id), last_post_number = (SELECT COUNT(*) "
            "FROM forum_post p WHERE p.topic_id = forum_topic.id) WHERE category_id = %s",
            [big.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE forum_post SET search_vector = setweight(to_tsvector(CASE language "
                "WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, source), 'B')"
            )
            cursor.execute("ANALYZE")
    first = Post.objects.filter(number=1).select_related("topic").first()
    if first is not None:
        _update_search_vector(first)
    return {"users": users[1].pk, "long_topic": long_topic.pk, "posts": made}


def measure(client, url: str, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches, template loading, read markers
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx)
    return statistics.median(timings), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    settings.DEBUG = False
    db = connection.settings_dict
    db.setdefault("TEST", {})
    db["TEST"]["NAME"] = (
        f"{db['NAME']}_bench_forum"
        if connection.vendor == "postgresql"
        else str(Path(os.environ.get("TMPDIR", "/tmp")) / "bench_forum.sqlite3")
    )
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from django.test import Client

        from portal.models import User

        start = time.perf_counter()
        ids = build(args.posts)
        print(
            f"database: {connection.vendor}; built {ids['posts']:,} posts in {time.perf_counter() - start:.1f} s"
        )
        client = Client()
        client.force_login(User.objects.get(pk=ids["users"]))
        pages = [
            ("topic of 2,000 posts, page 1", f"/forum/t/{ids['long_topic']}/"),
            ("topic of 2,000 posts, page 50", f"/forum/t/{ids['long_topic']}/?page=50"),
            ("topic of 2,000 posts, last page", f"/forum/t/{ids['long_topic']}/?page=100"),
            ("category of 10,000 topics, page 1", "/forum/c/big/"),
            ("category of 10,000 topics, page 300", "/forum/c/big/?page=300"),
            ("forum index", "/forum/"),
            ("search 'underreporting' (rare, en)", "/forum/search/?q=underreporting"),
            ("search 'sobrerregistro' (rare, es)", "/forum/search/?q=sobrerregistro"),
            ("search 'mortality deaths' (common, en)", "/forum/search/?q=mortality+deaths"),
            ("search 'mortalidad infantil' (common, es)", "/forum/search/?q=mortalidad+infantil"),
        ]
        print(f"{'page':<44}{'median ms':>10}{'queries':>9}")
        for name, url in pages:
            ms, queries = measure(client, url, args.runs)
            print(f"{name:<44}{ms:>10.1f}{queries:>9}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
