"""Labels for the codes the engine and the data store (categories, discrepancy flags, case
kinds, run counts and parameters, periodicities): what a page shows instead of the code.

Display only: the stored codes, the exports and the API keep the codes.
"""

from __future__ import annotations

import csv
from functools import cache
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models.results import Category, DiscrepancyCase, DiscrepancyStatus, Source
from portal.models import localized

CASE_KINDS = {
    "discrepant": _("values differ"),
    "classification_differs": _("classification differs"),
}

RUN_COUNT_GROUPS = {
    "national": _("national series"),
    "international": _("international series"),
    "discrepancies": _("discrepancies"),
    "aggregates": _("regional aggregates"),
    "cases": _("discrepancy cases"),
    "indicators": _("indicators"),
}

RUN_COUNT_KEYS = {"opened": _("opened"), "reopened": _("reopened")}

RUN_PARAMETERS = {
    "national": _("national data"),
    "international": _("international data"),
    "engine": _("engine steps"),
}

# The run's parameter texts as the engine service stores them (English): marked here so that
# they are translated when shown.
RUN_PARAMETER_TEXTS = {
    "current accepted sheets, national totals (area blank)": _(
        "current accepted sheets, national totals (area blank)"
    ),
    "current release of each agency; custodian first": _(
        "current release of each agency; custodian first"
    ),
    "indicators.engine assess, discrepancies, aggregate": _(
        "assessment, discrepancies and regional aggregates"
    ),
}

PERIODICITIES = {
    "annual": _("annual"),
    "annually": _("annual"),
    "biennial": _("every two years"),
    "quarterly": _("quarterly"),
    "monthly": _("monthly"),
    "triennial": _("every three years"),
    "quinquennial": _("every five years"),
    "decennial": _("every ten years"),
    "continuous": _("continuous"),
    "irregular": _("irregular"),
}


def _choice_label(choices: Any, code: str) -> str | None:
    return str(choices(code).label) if code in choices.values else None


def code_label(code: object) -> str:
    """A category, discrepancy status, source or case-kind code in words; other values as given."""
    text = "" if code is None else str(code)
    for choices in (Category, DiscrepancyStatus, Source, DiscrepancyCase.Status):
        label = _choice_label(choices, text)
        if label is not None:
            return label
    if text in RUN_COUNT_KEYS:
        return str(RUN_COUNT_KEYS[text])
    return text


def case_kind(kind: str) -> str:
    """A case's `kind` ("discrepant,classification_differs") in words."""
    parts = [part for part in (kind or "").split(",") if part]
    return ", ".join(str(CASE_KINDS.get(part, part)) for part in parts) or "–"


def periodicity(value: str) -> str:
    return str(PERIODICITIES.get((value or "").strip().lower(), value or "–"))


def run_counts(counts: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The run's counts as (group, "label: n · label: n") lines in the active language."""
    from portal.display import number

    lines = []
    for group, values in (counts or {}).items():
        label = str(RUN_COUNT_GROUPS.get(group, group))
        if isinstance(values, dict):
            text = " · ".join(f"{code_label(k)}: {number(v)}" for k, v in values.items())
        else:
            text = number(values)
        lines.append((label, text))
    return lines


def run_parameters(parameters: dict[str, Any] | None) -> list[tuple[str, str]]:
    lines = []
    for key, value in (parameters or {}).items():
        text = RUN_PARAMETER_TEXTS.get(value) if isinstance(value, str) else None
        lines.append((str(RUN_PARAMETERS.get(key, key)), str(text or gettext(str(value)))))
    return lines


DIMENSIONS = {
    "SEX": _("sex"),
    "AGE": _("age"),
    "URBANISATION": _("area"),
    "MIGRATORY_STATUS": _("migratory status"),
    "INCOME_WEALTH_QUANTILE": _("income or wealth quantile"),
    "EDUCATION_LEV": _("education level"),
    "DISABILITY_STATUS": _("disability status"),
    "OCCUPATION": _("occupation"),
    "ACTIVITY": _("economic activity"),
    "PRODUCT": _("product"),
    "CUST_BREAKDOWN": _("breakdown"),
    "COMPOSITE_BREAKDOWN": _("breakdown"),
    "UNIT_MEASURE": _("unit"),
    "NATURE": _("nature"),
}


@cache
def _codelist_names() -> dict[tuple[str, str], tuple[str, str]]:
    from indicators.services.validation import CODELISTS

    with open(CODELISTS, encoding="utf-8", newline="") as handle:
        return {
            (row["codelist"].removeprefix("CL_"), row["code"]): (row["name_en"], row["name_es"])
            for row in csv.DictReader(handle)
        }


def code_name(code: object, codelist: str) -> str:
    """A code of a reference code list (SEX, AGE, UNIT_MEASURE, ...) by its name in the active
    language (the English name where no Spanish one is known); unknown codes as given."""
    text = "" if code is None else str(code)
    names = _codelist_names().get((codelist, text))
    if names is None:
        return text
    return localized(*names) or text


def disaggregation(key: object) -> str:
    """A disaggregation key ("AGE=Y0T4;SEX=F") in words: "age: 0 to 4 years; sex: female"."""
    parts = []
    for pair in str(key or "").split(";"):
        dimension, _sep, code = pair.partition("=")
        if not code:
            continue
        label = DIMENSIONS.get(dimension, dimension)
        parts.append(f"{label}: {code_name(code, dimension)}")
    return "; ".join(parts)
