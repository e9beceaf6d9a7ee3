"""Reports of the indicator engine: runs as Celery tasks, stored results, pages and exports.

selectors (ORM -> DataFrames and page rows), services (run the engine, store results,
discrepancy cases), tasks (thin Celery wrappers), views, charts (inline SVG), exports.
"""
