"""The Django-free indicator engine: progress classification, aggregates, discrepancies.

Pure functions on pandas DataFrames; docs/engine.md is the contract (inputs, outputs,
every rule and decision, the command line) and docs/methodology.md explains the method.
"""

from indicators.engine.aggregate import aggregate
from indicators.engine.assess import ASSESS_COLUMNS, NEVER_REACHED, assess
from indicators.engine.discrepancies import discrepancies, discrepancy_summary
from indicators.engine.schema import EngineInputError, Problem

__all__ = [
    "ASSESS_COLUMNS",
    "NEVER_REACHED",
    "EngineInputError",
    "Problem",
    "aggregate",
    "assess",
    "discrepancies",
    "discrepancy_summary",
]
