"""Agencies' international releases: models in `indicators/models/` (InternationalRelease,
InternationalObservation), loading in `services.py` (files read by `indicators.imports`),
the upload page in `views.py`, `manage.py import_international`."""
