"""Typing helpers shared by the apps."""

from django.http import HttpRequest

from portal.models import User


class AuthedRequest(HttpRequest):
    """A request behind `login_required`: its user is a real User."""

    user: User
