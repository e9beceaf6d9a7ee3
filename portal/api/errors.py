"""The API's error bodies, in one place every app imports: {"errors": [{"field", "message",
"code"}]} for every 4xx (the REST framework's EXCEPTION_HANDLER), and their OpenAPI schema."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.api.idempotency import IDEMPOTENCY_HEADER, REPLAYED_HEADER, REPLAYED_SCHEMA

#: `responses=` of an endpoint's extend_schema: the error body for 400, 401, 403, 404
ERRORS = {
    code: OpenApiResponse(description="error body: {errors: [{field, message, code}]}")
    for code in (400, 401, 403, 404)
}


def _flatten(detail: Any, field: str | None = None) -> list[dict[str, str]]:
    if isinstance(detail, dict):
        return [
            e
            for key, value in detail.items()
            for e in _flatten(
                value,
                None if key == "non_field_errors" else (f"{field}.{key}" if field else str(key)),
            )
        ]
    if isinstance(detail, list):
        return [e for item in detail for e in _flatten(item, field)]
    code = getattr(detail, "code", "invalid")
    return [{"field": field or "", "message": str(detail), "code": str(code)}]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error as {"errors": [{"field", "message", "code"}]} with the right 4xx status."""
    if isinstance(exc, DjangoValidationError):
        messages = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(messages)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    is_validation = isinstance(exc, exceptions.ValidationError)
    body: Any = response.data if is_validation else getattr(exc, "detail", None) or str(exc)
    response.data = {"errors": _flatten(body)}
    return response


ERROR_STATUSES = [
    status.HTTP_400_BAD_REQUEST,
    status.HTTP_401_UNAUTHORIZED,
    status.HTTP_403_FORBIDDEN,
    status.HTTP_404_NOT_FOUND,
]


ERROR_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message", "code"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                    "value": {"type": "string"},
                },
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Bad input: every problem with its field, message and code.",
    "401": "Not authenticated, or the token is invalid or revoked.",
    "403": "Authenticated, but not allowed.",
    "404": "Not found, or not visible to you.",
}
IDEMPOTENCY_ERROR_DESCRIPTIONS = {
    "409": "A request with this Idempotency-Key is still being processed: retry later.",
    "422": "This Idempotency-Key was already used with a different request.",
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: every operation documents the error body for 400/401/403/404."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/ErrorBody"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            errors = dict(ERROR_DESCRIPTIONS)
            if any(
                p.get("in") == "header" and p.get("name") == IDEMPOTENCY_HEADER
                for p in operation.get("parameters", [])
            ):
                errors.update(IDEMPOTENCY_ERROR_DESCRIPTIONS)
                for code, response in responses.items():
                    if str(code).startswith("2"):
                        response.setdefault("headers", {})[REPLAYED_HEADER] = REPLAYED_SCHEMA
            for code, description in errors.items():
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": reference}},
                }
    return result
