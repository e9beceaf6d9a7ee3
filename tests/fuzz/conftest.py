from tests.indicators.conftest import indicators, round_2026, sheet_world  # noqa: F401
