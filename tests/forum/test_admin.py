"""Every forum model has a working admin."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from forum import services
from tests.forum.conftest import make_topic


@pytest.mark.parametrize(
    "model", list(apps.get_app_config("forum").get_models()), ids=lambda m: m.__name__
)
def test_admin_changelist_and_change(admin_client, cast, board, model):
    assert model in admin.site._registry
    topic = make_topic(cast.users["focal_point"], board.open)
    services.post_report(user=cast.users["member"], post=topic.posts.get(), reason="x")
    services.topic_moderate(moderator=cast.users["coordinator"], topic=topic, action="pin")
    services.subscription_toggle(user=cast.users["member"], category=board.open)
    services.post_create(
        user=cast.users["member"], topic=topic, source="y", enforce_rate_limit=False
    )
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200
