"""Who is asking: the client address behind trusted proxies, and the API's rate throttles.

Every throttle of the project (logins, password resets, API rates) keys on
`client_address(request)`. Behind the reverse proxy, `REMOTE_ADDR` is the proxy's address for
everyone; only when it is one of `PORTAL_TRUSTED_PROXIES` is `X-Forwarded-For` read, and then
the right-most address that is not a trusted proxy is the client (the left part of the header
is whatever the client sent, so it is never believed).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from rest_framework import throttling
from rest_framework.request import Request

from portal import services
from portal.models import User

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest | Request) -> str:
    """The client's address: REMOTE_ADDR, or the right-most untrusted X-Forwarded-For entry."""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "unknown")
    networks = _networks(tuple(settings.PORTAL_TRUSTED_PROXIES))
    if not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a forged or broken header: fall back to the proxy itself
        if not _is_trusted(hop, networks):
            return hop
    return remote


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's anonymous rate, per client address (behind the trusted proxies)."""

    def get_ident(self, request: Request) -> str:
        return client_address(request)


class UserRateThrottle(throttling.UserRateThrottle):
    """DRF's per-user rate; anonymous requests fall back to the client address."""

    def get_ident(self, request: Request) -> str:
        return client_address(request)


# --- one login throttle for every way in -------------------------------------------------
# The authentication backend refuses a throttled username or address (portal/backends.py),
# whatever calls `authenticate()`: the portal's login, the admin's, anything added later.
# Failures and successes are counted from Django's own signals, so no login view can forget.

_THROTTLED = "_portal_login_throttled"


def login_refused(request: HttpRequest | None, username: str) -> bool:
    """True (and the request marked) when this login attempt must wait out the window."""
    if request is None:
        return False
    if services.login_throttle_check(username=username, address=client_address(request)):
        setattr(request, _THROTTLED, True)
        return True
    return False


@receiver(user_login_failed)
def _count_failed_login(
    sender: object, credentials: dict[str, object], request: HttpRequest | None = None, **_: object
) -> None:
    if request is None or getattr(request, _THROTTLED, False):
        return
    username = str(credentials.get("username") or credentials.get("email") or "")
    services.login_throttle_record_failure(username=username, address=client_address(request))


@receiver(user_logged_in)
def _clear_username_failures(sender: object, request: HttpRequest, user: User, **_: object) -> None:
    services.login_throttle_reset(username=user.email)
