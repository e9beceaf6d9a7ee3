"""Authentication: log in by e-mail; a disabled account is told so, never let in."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from portal.throttling import login_refused


class EmailBackend(ModelBackend):
    """Authenticates inactive users too, so the login form can say the account is disabled.

    The form then refuses them (`confirm_login_allowed`); sessions of inactive users are
    never restored (`get_user`).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Refuses a throttled username or address before any password is checked."""
        name = username if username is not None else kwargs.get("email", "")
        if login_refused(request, str(name or "")):
            raise PermissionDenied  # authenticate() stops here and reports a failed login
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        return True

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
