"""What the capacity and financing tests share: the roles of the cast, logging one in, and
what a members' page or a secretariat's form answers each role."""

from __future__ import annotations

from typing import Any

ROLES = ["focal_point", "member", "focal_point_b", "agency_focal_point", "coordinator", "observer"]


def login(client: Any, cast: Any, role: str) -> None:
    """Log ``role`` in; "anonymous" stays logged out."""
    if role != "anonymous":
        client.force_login(cast.users[role])


def assert_members_page(response: Any, role: str) -> None:
    """A members' page: the anonymous visitor is sent to log in, every member reads it."""
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == 200


def recording_status(role: str) -> int:
    """What a secretariat's form answers: a login redirect, the form, or forbidden."""
    return {"anonymous": 302, "coordinator": 200}.get(role, 403)
