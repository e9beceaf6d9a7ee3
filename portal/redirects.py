"""The one safe-redirect helper: every view that honours a `next` parameter goes through it.

A `next` value is followed only when it is a page of this site: same host (Django's
`url_has_allowed_host_and_scheme`, HTTPS required in production through
`SAFE_REDIRECT_REQUIRE_HTTPS` or when the request itself is secure), no control characters,
and a path that resolves to one of the site's URL patterns. Anything else (another host,
`javascript:`, `//evil`, `bogus`, NUL bytes, a path that does not exist) falls back to a
sensible page of the view's choosing, without an error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.http import url_has_allowed_host_and_scheme


def site_match(
    target: str, *, allowed_hosts: set[str], require_https: bool = False
) -> ResolverMatch | None:
    """The URL pattern a link to this site resolves to; None for anything else.

    Refused: control characters, another host or scheme (`javascript:`, `//evil`), a
    relative path that does not start with `/`, a path no URL pattern matches.
    """
    if not target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts=allowed_hosts, require_https=require_https
    ):
        return None
    path = urlsplit(target).path
    if not path.startswith("/"):
        return None
    try:
        return resolve(path)
    except Resolver404:
        return None


def is_safe_url(request: HttpRequest, target: str) -> bool:
    """The target is a page of this site that a redirect may go to."""
    require_https = bool(getattr(settings, "SAFE_REDIRECT_REQUIRE_HTTPS", False))
    match = site_match(
        target,
        allowed_hosts={request.get_host()},
        require_https=require_https or request.is_secure(),
    )
    return match is not None


def safe_next_url(request: HttpRequest, fallback: Any, *, param: str = "next") -> str:
    """The request's `next` (POST, then GET) when it is safe; else `fallback`.

    `fallback` is a URL, a URL pattern name or a model instance (`resolve_url`).
    """
    target = request.POST.get(param) or request.GET.get(param) or ""
    if is_safe_url(request, target):
        return target
    return resolve_url(fallback)
