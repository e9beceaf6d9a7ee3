"""The production settings for the load test on plain http over loopback.

Only difference from `portal.settings.production`: the session and CSRF cookies are not
marked Secure (production hard-codes them True, and browsers and HTTP clients do not send
Secure cookies back over http://127.0.0.1). SECURE_SSL_REDIRECT and HSTS are switched off
through the environment by `bench/load/run.py`, as production already allows.
"""

from portal.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
