"""Capacity building and financing: training, experts, missions and grants (pages, API, reads
and writes). Models are in ``meetings.models.capacity``."""
