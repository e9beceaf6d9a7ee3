"""Old import path of ``portal.secretariat.services.round_indicators``."""

from portal.secretariat.services.round_indicators import (
    EnteredValues,
    RemovalsNeedConfirmation,
    entered_values,
    round_set_indicators,
)

__all__ = ["EnteredValues", "RemovalsNeedConfirmation", "entered_values", "round_set_indicators"]
