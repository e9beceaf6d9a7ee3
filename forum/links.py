"""Which portal objects a topic may be attached to, through its generic relation.

An explicit registry of linkable kinds: each names its model and the permission check of
its own app that decides who may see it. Only an object the user may see can become a
topic's subject, and a topic shows its subject only to users who may see it now (a sheet
returned to draft, a meeting made restricted: its title must not leak through the forum).
Users, organisations, participants, comments and the forum itself are never subjects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from forum.models import Topic
    from portal.permissions import AnyUser


def _published(user: AnyUser, obj: Any) -> bool:
    from portal import permissions as base

    return base.can_view_published(user)


def _sheet(user: AnyUser, sheet: Any) -> bool:
    from indicators import permissions

    return permissions.can_view_sheet(user, sheet)


def _meeting(user: AnyUser, meeting: Any) -> bool:
    from meetings import permissions

    return permissions.can_view_meeting(user, meeting)


def _document(user: AnyUser, document: Any) -> bool:
    from meetings import permissions

    return permissions.can_view_document(user, document)


def _action(user: AnyUser, action: Any) -> bool:
    from meetings import permissions

    return permissions.can_view_actions(user) and permissions.can_view_meeting(user, action.meeting)


@dataclass(frozen=True)
class LinkableKind:
    """One kind of object topics may discuss, and who may see it."""

    label: str  # "app_label.model"
    can_view: Callable[[Any, Any], bool]
    related: tuple[str, ...] = ()  # select_related for the permission check


LINKABLE_KINDS: dict[str, LinkableKind] = {
    kind.label: kind
    for kind in (
        # Reference data, published to every member.
        LinkableKind("portal.country", _published),
        LinkableKind("portal.region", _published),
        LinkableKind("portal.agency", _published),
        LinkableKind("indicators.indicator", _published),
        # Discrepancy cases compare published figures: every member reads them.
        LinkableKind("indicators.discrepancycase", _published, ("country", "indicator")),
        LinkableKind("indicators.datasheet", _sheet, ("country", "round")),
        LinkableKind("meetings.meeting", _meeting),
        LinkableKind("meetings.document", _document, ("meeting",)),
        LinkableKind("meetings.actionitem", _action, ("meeting",)),
    )
}


def _kind(content_type: ContentType) -> LinkableKind | None:
    return LINKABLE_KINDS.get(f"{content_type.app_label}.{content_type.model}")


def is_linkable(content_type: ContentType) -> bool:
    return _kind(content_type) is not None


def can_link(user: AnyUser, obj: models.Model) -> bool:
    """The object is of a linkable kind and the user may see it."""
    kind = _kind(ContentType.objects.get_for_model(obj))
    return kind is not None and kind.can_view(user, obj)


def _visible_object(
    user: AnyUser, content_type: ContentType, object_id: int
) -> models.Model | None:
    kind = _kind(content_type)
    model = content_type.model_class()
    if kind is None or model is None or not 0 < object_id < 2**63:
        return None
    obj = model._default_manager.select_related(*kind.related).filter(pk=object_id).first()
    if obj is None or not kind.can_view(user, obj):
        return None
    return obj


def subject_reference(obj: models.Model) -> str:
    """The `<content type id>:<object id>` string the new-topic form carries."""
    content_type = ContentType.objects.get_for_model(obj)
    return f"{content_type.pk}:{obj.pk}"


def resolve_subject(reference: str, *, user: AnyUser) -> models.Model | None:
    """The object behind a `<content type id>:<object id>` reference, or None when empty.

    Raises ValidationError, always with the same message, when the reference is malformed,
    names a kind topics may not be attached to, an object that does not exist, or one the
    user may not see: the answer never tells a hidden object from a missing one.
    """
    reference = (reference or "").strip()
    if not reference:
        return None
    error = ValidationError(_("The object this topic should discuss does not exist."))
    try:
        type_id, object_id = (int(part) for part in reference.split(":", 1))
        content_type = ContentType.objects.get_for_id(type_id)
    except (ValueError, OverflowError, ContentType.DoesNotExist):
        raise error from None
    obj = _visible_object(user, content_type, object_id)
    if obj is None:
        raise error
    return obj


def visible_subject(user: AnyUser, topic: Topic) -> models.Model | None:
    """The topic's subject when the user may see it now; None otherwise (or when gone)."""
    if not topic.content_type_id:
        return None
    content_type = ContentType.objects.get_for_id(topic.content_type_id)
    return _visible_object(user, content_type, topic.object_id or 0)
