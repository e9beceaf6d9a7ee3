"""Authentication: log in by e-mail; a disabled account is told so, never let in."""

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Authenticates inactive users too, so the login form can say the account is disabled.

    The form then refuses them (`confirm_login_allowed`); sessions of inactive users are
    never restored (`get_user`).
    """

    def user_can_authenticate(self, user) -> bool:  # type: ignore[no-untyped-def]
        return True

    def get_user(self, user_id):  # type: ignore[no-untyped-def]
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
