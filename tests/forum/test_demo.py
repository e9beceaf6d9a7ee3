"""Demo content loads, twice, on top of the portal's demo."""

from __future__ import annotations

from django.core.management import call_command

from forum import demo
from forum.models import Category, Post, Topic


def test_demo_load_is_idempotent(db):
    call_command("load_reference")
    from portal.demo import demo_load as portal_demo

    portal_demo()
    demo.demo_load()
    counts = (Category.objects.count(), Topic.objects.count(), Post.objects.count())
    demo.demo_load()
    assert (Category.objects.count(), Topic.objects.count(), Post.objects.count()) == counts
    assert counts[1] >= 5
    assert Topic.objects.filter(language="es").count() >= 2
    assert Topic.objects.filter(content_type__isnull=False).exists()
