from django.http import HttpRequest

from portal import permissions


def portal(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "is_coordinator": permissions.is_coordinator(user),
    }
