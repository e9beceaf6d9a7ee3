"""Idempotency keys: the `Idempotency-Key` header of the API's POST endpoints."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.inputs import user_of
from portal.models import IdempotencyKey, User

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
