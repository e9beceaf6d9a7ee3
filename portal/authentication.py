"""API authentication by personal token: `Authorization: Token <key>`."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from portal import services
from portal.models import PersonalToken, User
from portal.throttling import client_address


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, PersonalToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give 'Token <key>'."))
        address = client_address(request)
        if services.login_throttle_check(username="", address=address):
            raise exceptions.Throttled(
                detail=_("Too many failed attempts from this address; try again later.")
            )
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            services.login_throttle_record_failure(username="", address=address)
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        token = (
            PersonalToken.objects.select_related("user__organisation")
            .filter(key_hash=hash_key(key))
            .first()
        )
        if token is None or token.revoked_at is not None:
            # A wrong token is a failed login of this address, like a wrong password.
            services.login_throttle_record_failure(username="", address=address)
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class PersonalTokenScheme(OpenApiAuthenticationExtension):
        target_class = "portal.authentication.PersonalTokenAuthentication"
        name = "personalToken"

        def get_security_definition(self, auto_schema):
            return {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Token <key>`: create one on your profile page.",
            }
except ImportError:  # pragma: no cover - drf-spectacular is a dependency
    pass
