"""Which portal objects a topic may be attached to, through its generic relation."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

# app label -> model names (None: every model of the app). Users, organisations and the
# forum itself are never discussion subjects.
LINKABLE: dict[str, set[str] | None] = {
    "portal": {"country", "region", "agency"},
    "indicators": None,
    "meetings": None,
}


def is_linkable(content_type: ContentType) -> bool:
    allowed = LINKABLE.get(content_type.app_label, set())
    return allowed is None or content_type.model in allowed


def subject_reference(obj: models.Model) -> str:
    """The `<content type id>:<object id>` string the new-topic form carries."""
    content_type = ContentType.objects.get_for_model(obj)
    return f"{content_type.pk}:{obj.pk}"


def resolve_subject(reference: str) -> models.Model | None:
    """The object behind a `<content type id>:<object id>` reference, or None when empty.

    Raises ValidationError when the reference is malformed, names a type topics may not be
    attached to, or an object that does not exist.
    """
    reference = (reference or "").strip()
    if not reference:
        return None
    error = ValidationError(_("The object this topic should discuss does not exist."))
    try:
        type_id, object_id = (int(part) for part in reference.split(":", 1))
        content_type = ContentType.objects.get_for_id(type_id)
    except (ValueError, ContentType.DoesNotExist):
        raise error from None
    model = content_type.model_class()
    if model is None or not is_linkable(content_type):
        raise error
    try:
        return model._default_manager.get(pk=object_id)
    except (model.DoesNotExist, ValueError):  # type: ignore[attr-defined]
        raise error from None
