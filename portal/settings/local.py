"""The embedded default: `make run` on a laptop, no servers needed."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import env

# `make run` is what a new user sees first: the portal's own error pages, never Django's debug
# page with its settings and tracebacks. `DEBUG=1 make run` turns the debug page back on.
DEBUG = env.bool("DEBUG", default=False)
# Static files straight from the apps, so that no collectstatic step is needed with DEBUG off.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

Path(str(STATIC_ROOT)).mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when missing
