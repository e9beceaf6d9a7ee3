"""Old import path of ``portal.secretariat.services.programme``."""

from portal.secretariat.services.programme import activity_save, biennium_save, objective_save

__all__ = ["activity_save", "biennium_save", "objective_save"]
