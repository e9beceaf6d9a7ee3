"""What every API endpoint accepts: known query parameters and body fields only, and the
request's user."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.request import Request

from portal.models import User

PAGINATION_PARAMS = {"page_size", "format"}


class StrictQueryMixin:
    """Refuse query parameters the endpoint does not know: a typo is an error, not a silent no-op."""

    allowed_query_params: set[str] = set()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        filterset = getattr(self, "filterset_class", None)
        allowed = set(self.allowed_query_params) | PAGINATION_PARAMS
        paginator = getattr(self, "pagination_class", None)
        if paginator is not None:
            allowed.add("cursor" if issubclass(paginator, pagination.CursorPagination) else "page")
        if filterset is not None:
            allowed |= set(filterset.base_filters)
        bad = sorted(
            k
            for k, values in request.query_params.lists()
            for v in values
            if "\x00" in v or len(v) > 200
        )
        if bad:
            raise exceptions.ValidationError(
                {name: [_("The value holds a NUL byte or is too long.")] for name in bad}
            )
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise exceptions.ValidationError(
                {
                    name: [
                        _("Unknown query parameter. Allowed: %(allowed)s.")
                        % {"allowed": ", ".join(sorted(allowed))}
                    ]
                    for name in unknown
                }
            )


class StrictBodyMixin:
    """Refuse unknown fields in a JSON body instead of ignoring them."""

    def validate_body_fields(self, request: Request, serializer_class: type) -> None:
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        known = set(serializer_class().fields)
        unknown = sorted(set(request.data) - known)
        if unknown:
            raise exceptions.ValidationError({name: [_("Unknown field.")] for name in unknown})


def user_of(request: Request) -> User:
    """The authenticated user of an API request (every endpoint requires authentication)."""
    return cast(User, request.user)
