"""The Django-free indicator engine: progress classification, aggregates, discrepancies.

Pure functions on pandas DataFrames; see ENGINE.md for the contract and
docs/methodology.md for the decisions taken where the technical note is silent.
"""

from indicators.engine.aggregate import aggregate
from indicators.engine.assess import assess
from indicators.engine.discrepancies import discrepancies, discrepancy_summary
from indicators.engine.schema import EngineInputError, Problem

__all__ = [
    "EngineInputError",
    "Problem",
    "aggregate",
    "assess",
    "discrepancies",
    "discrepancy_summary",
]
