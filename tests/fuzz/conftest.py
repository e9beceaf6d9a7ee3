from tests.forum.conftest import board  # noqa: F401
from tests.indicators.conftest import indicators, round_2026, sheet_world  # noqa: F401
from tests.security.conftest import _media, world  # noqa: F401
