"""Production: PostgreSQL, Redis broker, gunicorn, WhiteNoise. Passes `check --deploy`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CACHES = {"default": env.cache("CACHE_URL", default="redis://127.0.0.1:6379/2")}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SAFE_REDIRECT_REQUIRE_HTTPS = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")  # type: ignore[index]  # noqa: F405
# One JSON object a line (time, level, logger, message and each event's fields: run id, sheet
# id, counts, duration) for a log collector; LOG_FORMAT=text keeps Django's plain lines.
if env("LOG_FORMAT", default="json") == "json":
    LOGGING["formatters"] = {"json": {"()": "portal.logging.JsonFormatter"}}  # noqa: F405
    LOGGING["handlers"]["console"]["formatter"] = "json"  # type: ignore[index]  # noqa: F405
