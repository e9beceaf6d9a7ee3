"""Units as files write them: display labels and codes, mapped to the portal's unit codes.

Open SDG files carry a display label in `Units` ("Percent", "per 1,000 live births"),
SDMX messages a UNIT_MEASURE code that is sometimes a synonym (PERCENT for PT). The
built-in table below covers the common ones; the secretariat adds more as `UnitSynonym`
rows in the admin (they take precedence).
"""

from __future__ import annotations

import re

#: portal unit code -> labels and codes that mean it (compared by `unit_key`)
BUILTIN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "PT": (
        "%",
        "percent",
        "per cent",
        "percentage",
        "percentage (%)",
        "percent (%)",
        "in percent",
        "%, percent",
        "процент",
        "процентов",
        "porcentaje",
    ),
    "PER_1000_LIVE_BIRTHS": (
        "per 1000 live births",
        "per 1000 life births",
        "deaths per 1000 live births",
        "per 1000 births",
    ),
    "PER_100000_LIVE_BIRTHS": (
        "per 100000 live births",
        "per 100000 life births",
        "deaths per 100000 live births",
    ),
    "PER_100000_POP": ("per 100000 population", "per 100000 people", "per 100000 inhabitants"),
    "PER_1000_UNINFECTED_POP": ("per 1000 uninfected population",),
    "NUMBER": ("number", "num", "count"),
    "IX": ("index",),
    "T_CO2_PER_CAP": ("tonnes of co2 per capita", "tons of co2 per capita"),
}

_THOUSANDS = re.compile(r"(?<=\d)[,\s\u00a0\u202f'](?=\d{3}(?!\d))")
_SPACES = re.compile(r"[\s_]+")


def unit_key(label: str) -> str:
    """How two unit spellings are compared: case, spaces, _ and thousands separators ignored."""
    text = _THOUSANDS.sub("", label.strip().casefold())
    return _SPACES.sub(" ", text).strip()


def synonym_table(extra: dict[str, str] | None = None) -> dict[str, str]:
    """unit_key(label) -> portal unit code: the built-in table, then the secretariat's rows."""
    table = {unit_key(code): code for code in BUILTIN_SYNONYMS}
    for code, labels in BUILTIN_SYNONYMS.items():
        table.update({unit_key(label): code for label in labels})
    table.update({unit_key(label): code for label, code in (extra or {}).items()})
    return table


def load_synonyms() -> dict[str, str]:
    """The table with the secretariat's `UnitSynonym` rows."""
    from indicators.models import UnitSynonym

    return synonym_table(dict(UnitSynonym.objects.values_list("label", "unit")))
