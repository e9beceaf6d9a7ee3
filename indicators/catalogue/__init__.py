"""The statistical-operations catalogue and information flows of each country: models in
`indicators/models/` (StatisticalOperation, InformationFlow), pages in `views.py`."""
