"""The embedded default: `make run` on a laptop, no servers needed."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

Path(str(STATIC_ROOT)).mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when missing
