"""`{% load forum_tags %}{% discussions_for obj %}`: an object's topics and "Discuss this"."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from forum import selectors
from forum.links import subject_reference
from forum.views import new_topic_url

register = template.Library()


@register.inclusion_tag("forum/tags/discussions.html", takes_context=True)
def discussions_for(context: dict[str, Any], obj: Model) -> dict[str, Any]:
    """The topics about `obj` the user may read, and a link to start one when allowed."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or obj is None:
        return {"topics": [], "discuss_url": ""}
    topics = selectors.topics_for_object(user=user, obj=obj)
    discuss_url = ""
    if selectors.startable_categories(user=user):
        discuss_url = new_topic_url(subject_reference=subject_reference(obj))
    return {"topics": topics, "discuss_url": discuss_url, "obj": obj}


@register.simple_tag(takes_context=True)
def forum_unread_count(context: dict[str, Any]) -> int:
    """The number of unread forum notifications of the current user."""
    request = context.get("request")
    return selectors.unread_notification_count(user=getattr(request, "user", None))
