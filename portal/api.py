"""Shared API machinery: error bodies, strict query parameters, pagination that refuses abuse,
idempotency keys."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, pagination, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.models import IdempotencyKey, User

PAGINATION_PARAMS = {"page_size", "format"}


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


class _SizeMixin:
    page_size: int | None = 100
    max_page_size: int | None = 1000
    page_size_query_param: str | None = "page_size"

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param or "page_size")
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError as exc:
            raise exceptions.ValidationError({"page_size": [_("Give a whole number.")]}) from exc
        if not 1 <= size <= (self.max_page_size or 1000):
            raise exceptions.ValidationError(
                {"page_size": [_("Must be between 1 and %(max)s.") % {"max": self.max_page_size}]}
            )
        return size


class CursorPage(_SizeMixin, pagination.CursorPagination):
    """Stable, constant-cost pages for large lists."""

    ordering = "pk"


class Page(_SizeMixin, pagination.PageNumberPagination):
    page_query_param = "page"


ERROR_STATUSES = [
    status.HTTP_400_BAD_REQUEST,
    status.HTTP_401_UNAUTHORIZED,
    status.HTTP_403_FORBIDDEN,
    status.HTTP_404_NOT_FOUND,
]


def user_of(request: Request) -> User:
    """The authenticated user of an API request (every endpoint requires authentication)."""
    return cast(User, request.user)


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


# --- idempotency keys ----------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# A claim whose request never finished (its worker was killed) is taken over after this;
# gunicorn's worker timeout is far shorter.
IDEMPOTENCY_LEASE = timedelta(minutes=10)
_KEY = re.compile(r"[!-~]{1,255}")  # visible ASCII, as a UUID or any client token

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=IDEMPOTENCY_HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[!-~]{1,255}$",
    description=(
        "Optional. A unique value per operation (a UUID, say), sent again unchanged when the "
        "request is retried. The first request with the key is processed; a successful answer "
        "is stored for 24 hours and a retry with the same key and the same request gets it "
        f"back without the work being done again, with the header `{REPLAYED_HEADER}: true`. "
        "The same key with a different request is refused (422, code "
        "`idempotency_key_reused`); a retry while the first request is still being processed "
        "is refused (409, code `idempotency_key_in_progress`). Keys are per user and endpoint."
    ),
)
REPLAYED_SCHEMA = {
    "description": "`true` when this is the stored answer to an earlier request with the "
    "same Idempotency-Key.",
    "schema": {"type": "string", "enum": ["true"]},
}


class IdempotencyKeyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def _in_progress() -> IdempotencyKeyInProgress:
    return IdempotencyKeyInProgress(
        {IDEMPOTENCY_HEADER: [_("A request with this key is being processed. Retry in a moment.")]},
        code="idempotency_key_in_progress",
    )


def _reused() -> IdempotencyKeyReused:
    message = _(
        "This key was already used for a different request. Send a new key with each new "
        "request, and the same key only when you retry it unchanged."
    )
    return IdempotencyKeyReused({IDEMPOTENCY_HEADER: [message]}, code="idempotency_key_reused")


def _file_digest(upload: UploadedFile) -> bytes:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.digest()


def request_fingerprint(request: Request) -> str:
    """SHA-256 of the method, the path with its query and the body: JSON canonicalised, form
    fields by name, uploaded files by name and content (never the multipart boundary, which a
    client draws anew for each attempt)."""
    digest = hashlib.sha256()

    def part(value: str | bytes) -> None:
        data = value if isinstance(value, bytes) else value.encode()
        digest.update(len(data).to_bytes(8, "big") + data)

    part(request.method or "")
    part(request.get_full_path())
    data = request.data
    if isinstance(data, QueryDict):
        for name in sorted(data):
            for value in data.getlist(name):
                part(name)
                if isinstance(value, UploadedFile):
                    part(value.name or "")
                    part(_file_digest(value))
                else:
                    part(str(value))
    elif data:
        part(json.dumps(data, sort_keys=True, separators=(",", ":"), default=str))
    return digest.hexdigest()


def _claim(*, user: User, scope: str, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """Claim `key` for this request, or find the earlier request's answer.

    Returns (the row, True) when this request must be processed, (the row, False) when its
    stored answer is to be replayed. Raises IdempotencyKeyReused when the key came with a
    different request, IdempotencyKeyInProgress while the first request is still running.
    The unique constraint makes one claimer win across processes: on PostgreSQL a second
    insert waits for the first claim's commit, then fails and reads it.
    """
    now = timezone.now()
    mine = {"user": user, "scope": scope, "key": key}
    with transaction.atomic():
        record = IdempotencyKey.objects.select_for_update().filter(**mine).first()
        if record is None:
            try:
                with transaction.atomic():
                    return IdempotencyKey.objects.create(
                        **mine, fingerprint=fingerprint, created_at=now
                    ), True
            except IntegrityError:
                record = IdempotencyKey.objects.select_for_update().filter(**mine).first()
        if record is None:  # the other claim was released meanwhile
            raise _in_progress()
        if record.is_expired:
            record.fingerprint, record.created_at = fingerprint, now
            record.response_status = record.response_body = None
            record.save()
            return record, True
        if record.fingerprint != fingerprint:
            raise _reused()
        if record.response_status is None:
            if record.created_at > now - IDEMPOTENCY_LEASE:
                raise _in_progress()
            record.created_at = now  # its first request died unfinished: this one takes over
            record.save(update_fields=["created_at"])
            return record, True
        return record, False


Handler = Callable[..., Response]


def idempotent(scope: str) -> Callable[[Handler], Handler]:
    """Make an APIView handler honour the `Idempotency-Key` header, per user and `scope`.

    Without the header the handler runs as before. With it, the first request runs and a
    2xx answer (status and JSON body) is stored for `IdempotencyKey.TTL`; a retry with the
    same request gets it back with `Idempotent-Replayed: true` and nothing is done again. A
    request that fails (4xx, 5xx, an exception) changed nothing, so its claim is released
    and the key may be retried. Document the header with `IDEMPOTENCY_PARAMETER`.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = request.headers.get(IDEMPOTENCY_HEADER)
            if key is None:
                return handler(view, request, *args, **kwargs)
            if not _KEY.fullmatch(key):
                raise exceptions.ValidationError(
                    {IDEMPOTENCY_HEADER: [_("Give 1 to 255 visible ASCII characters.")]}
                )
            record, claimed = _claim(
                user=user_of(request),
                scope=scope,
                key=key,
                fingerprint=request_fingerprint(request),
            )
            if not claimed:
                return Response(
                    record.response_body,
                    status=record.response_status,
                    headers={REPLAYED_HEADER: "true"},
                )
            claim = IdempotencyKey.objects.filter(pk=record.pk, response_status__isnull=True)
            try:
                response = handler(view, request, *args, **kwargs)
            except BaseException:
                claim.delete()
                raise
            if not status.is_success(response.status_code):
                claim.delete()
                return response
            body = json.loads(JSONRenderer().render(response.data) or b"null")
            claim.update(response_status=response.status_code, response_body=body)
            return response

        return wrapper

    return decorate
