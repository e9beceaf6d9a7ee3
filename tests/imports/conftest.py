"""Import parsers are tested without a database, and with or without pytest-django.

Without pytest-django (``-p no:django``) Django settings are configured here, minimally,
so that the lazy problem messages can be rendered.
"""

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from django.conf import settings  # noqa: E402

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)
