"""Forum fixtures: one category of each kind, on top of the shared `cast`."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from forum import services
from forum.models import Category, Topic
from portal.models import Region


@dataclass
class Board:
    open: Category
    focal: Category
    region: Category
    other_region: Category
    announcements: Category
    approval: Category


@pytest.fixture
def board(cast) -> Board:
    group = Region.objects.create(code="EECA", name_en="EECA", name_es="EECA", kind="group")
    group.members.add(cast.country_a)
    other = Region.objects.create(code="LAC", name_en="LAC", name_es="ALC", kind="group")
    other.members.add(cast.country_b)
    return Board(
        open=Category.objects.create(slug="health", name_en="Health", name_es="Salud", position=1),
        focal=Category.objects.create(
            slug="reconciliation",
            name_en="Statistical reconciliation",
            name_es="Conciliación estadística",
            access="focal_points",
            position=2,
        ),
        region=Category.objects.create(
            slug="eeca", name_en="EECA", name_es="EECA", access="region", region=group, position=3
        ),
        other_region=Category.objects.create(
            slug="lac", name_en="LAC", name_es="ALC", access="region", region=other, position=4
        ),
        announcements=Category.objects.create(
            slug="meetings",
            name_en="Meetings",
            name_es="Reuniones",
            topics_by_secretariat_only=True,
            position=5,
        ),
        approval=Category.objects.create(
            slug="newcomers",
            name_en="Newcomers",
            name_es="Recién llegados",
            require_approval=True,
            position=6,
        ),
    )


def make_topic(
    user, category, title="Under-five mortality estimates", source="Hello", **kw
) -> Topic:
    kw.setdefault("enforce_rate_limit", False)
    return services.topic_create(user=user, category=category, title=title, source=source, **kw)
