"""Indicators, data sheets and their observations, the operations catalogue, international series."""

from indicators.models.catalogue import InformationFlow, StatisticalOperation
from indicators.models.definitions import (
    AreaCodeMapping,
    Indicator,
    SeriesCodeMapping,
    UnitSynonym,
)
from indicators.models.international import InternationalObservation, InternationalRelease
from indicators.models.results import (
    AggregateResult,
    CaseComment,
    DiscrepancyCase,
    DiscrepancyResult,
    EngineRun,
    Population,
    SeriesResult,
)
from indicators.models.sheets import (
    DataSheet,
    Observation,
    ReportingRound,
    SheetEvent,
    UploadedFile,
    ValueComment,
)
from indicators.models.uploads import UploadJob

__all__ = [
    "AggregateResult",
    "CaseComment",
    "DiscrepancyCase",
    "DiscrepancyResult",
    "EngineRun",
    "Population",
    "SeriesResult",
    "AreaCodeMapping",
    "DataSheet",
    "Indicator",
    "InformationFlow",
    "InternationalObservation",
    "InternationalRelease",
    "Observation",
    "ReportingRound",
    "SeriesCodeMapping",
    "UnitSynonym",
    "SheetEvent",
    "StatisticalOperation",
    "UploadedFile",
    "UploadJob",
    "ValueComment",
]
