"""Reads for the coordinator's synthesis of the member countries' data sheets (work programme
objectives 2(e) and 3(c)) and for the reporting status by responsible institution.

Every function here runs a fixed number of queries whatever the number of countries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from indicators.models import (
    DataSheet,
    Indicator,
    InformationFlow,
    Observation,
    StatisticalOperation,
)
from portal.models import Agency, Country, Region

# The kinds of operation every member is expected to run; a member without one is a gap.
# Estimates and "other" operations are listed, never counted as gaps.
CORE_KINDS = (
    StatisticalOperation.Kind.CENSUS,
    StatisticalOperation.Kind.HOUSEHOLD_SURVEY,
    StatisticalOperation.Kind.ENTERPRISE_SURVEY,
    StatisticalOperation.Kind.ADMINISTRATIVE,
    StatisticalOperation.Kind.CIVIL_REGISTRATION,
)

NOT_REPORTED = "not_reported"
DRAFT = "draft"
SUBMITTED = "submitted"
ACCEPTED = "accepted"
STATUSES = (NOT_REPORTED, DRAFT, SUBMITTED, ACCEPTED)


def groups_with_members() -> QuerySet[Region]:
    """The regions and country groups that hold at least one member country."""
    return Region.objects.filter(members__is_member=True).distinct().order_by("kind", "name_en")


def goals() -> list[str]:
    """The goals of the indicators, in numeric order where they are numbers."""
    values = set(Indicator.objects.order_by().values_list("goal", flat=True))
    return sorted(
        values, key=lambda goal: (not goal.isdigit(), int(goal) if goal.isdigit() else 0, goal)
    )


def member_countries(group: Region | None = None) -> list[Country]:
    countries = Country.objects.filter(is_member=True)
    if group is not None:
        countries = countries.filter(regions=group)
    return list(countries.order_by("name_en"))


def indicators_in_scope(*, goal: str = "", indicator: Indicator | None = None) -> list[int] | None:
    """The indicator ids the filters keep; None when they keep every indicator."""
    if indicator is not None:
        return [indicator.pk]
    if goal:
        return list(Indicator.objects.filter(goal=goal).values_list("pk", flat=True))
    return None


# --- synthesis ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subnational:
    indicator: Indicator
    areas: int
    latest_year: int


@dataclass
class CountrySynthesis:
    country: Country
    operations: list[StatisticalOperation] = field(default_factory=list)
    flows: list[InformationFlow] = field(default_factory=list)
    subnational: list[Subnational] = field(default_factory=list)
    kind_cells: list[tuple[str, list[StatisticalOperation], bool]] = field(default_factory=list)
    other_operations: list[StatisticalOperation] = field(default_factory=list)
    agency_cells: list[tuple[Agency, list[InformationFlow]]] = field(default_factory=list)
    missing_kinds: list[str] = field(default_factory=list)
    missing_agencies: list[Agency] = field(default_factory=list)

    @property
    def no_subnational(self) -> bool:
        return not self.subnational

    @property
    def no_flow(self) -> bool:
        return not self.flows

    @property
    def gap_count(self) -> int:
        return (
            len(self.missing_kinds)
            + len(self.missing_agencies)
            + int(self.no_subnational)
            + int(self.no_flow and not self.missing_agencies)
        )


@dataclass
class Synthesis:
    rows: list[CountrySynthesis]
    kinds: list[tuple[str, str]]
    agencies: list[Agency]
    gaps_by_kind: dict[str, int]
    gaps_by_agency: dict[int, int]
    without_flows: int
    without_subnational: int

    @property
    def kind_totals(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.gaps_by_kind[value]) for value, label in self.kinds]

    @property
    def agency_totals(self) -> list[tuple[Agency, int]]:
        return [(agency, self.gaps_by_agency[agency.pk]) for agency in self.agencies]

    @property
    def total_gaps(self) -> int:
        return sum(row.gap_count for row in self.rows)


def _cells(row: CountrySynthesis, kinds: list[tuple[str, str]], agencies: list[Agency]) -> None:
    """Fill the row's cells per core kind and per agency, and its gaps."""
    row.subnational.sort(key=lambda item: item.indicator.code)
    by_kind: dict[str, list[StatisticalOperation]] = defaultdict(list)
    for operation in row.operations:
        by_kind[operation.kind].append(operation)
    for value, _label in kinds:
        found = by_kind.pop(value, [])
        row.kind_cells.append((value, found, not found))
        if not found:
            row.missing_kinds.append(value)
    row.other_operations = [op for ops in by_kind.values() for op in ops]
    by_agency: dict[int, list[InformationFlow]] = defaultdict(list)
    for flow in row.flows:
        if flow.custodian_id is not None:
            by_agency[flow.custodian_id].append(flow)
    for agency in agencies:
        sent = by_agency.get(agency.pk, [])
        row.agency_cells.append((agency, sent))
        if not sent:
            row.missing_agencies.append(agency)


def synthesis(*, countries: list[Country], indicator_ids: list[int] | None) -> Synthesis:
    """Operations (by type), information flows (by custodian agency) and subnational
    availability (from the accepted sheets' observations) of ``countries``, with the gaps:
    a core type of operation missing, no flow to an agency others send to, no flow at all,
    no value below national level.

    With ``indicator_ids``, only the operations producing, the flows of and the values of
    those indicators count."""
    ids = [country.pk for country in countries]
    rows = {country.pk: CountrySynthesis(country=country) for country in countries}

    operations = (
        StatisticalOperation.objects.filter(country_id__in=ids)
        .select_related("responsible")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.only("code").order_by("code"))
        )
    )
    flows = InformationFlow.objects.filter(country_id__in=ids).select_related(
        "indicator", "custodian"
    )
    values = Observation.objects.filter(
        sheet__is_current=True, sheet__country_id__in=ids, area__isnull=False
    )
    if indicator_ids is not None:
        operations = operations.filter(indicators__in=indicator_ids).distinct()
        flows = flows.filter(indicator_id__in=indicator_ids)
        values = values.filter(indicator_id__in=indicator_ids)

    for operation in operations.order_by("name"):
        rows[operation.country_id].operations.append(operation)
    agencies: dict[int, Agency] = {}
    for flow in flows.order_by("indicator__code"):
        rows[flow.country_id].flows.append(flow)
        if flow.custodian is not None:
            agencies[flow.custodian.pk] = flow.custodian
    available = list(
        values.order_by()
        .values("sheet__country_id", "indicator_id")
        .annotate(areas=Count("area", distinct=True), latest=Max("year"))
    )
    indicators = Indicator.objects.in_bulk({entry["indicator_id"] for entry in available})
    for entry in available:
        rows[entry["sheet__country_id"]].subnational.append(
            Subnational(
                indicator=indicators[entry["indicator_id"]],
                areas=int(entry["areas"]),
                latest_year=int(entry["latest"]),
            )
        )

    kinds = [(str(kind.value), str(kind.label)) for kind in CORE_KINDS]
    agency_list = sorted(agencies.values(), key=lambda agency: agency.acronym_en)
    gaps_by_kind = dict.fromkeys((value for value, _label in kinds), 0)
    gaps_by_agency = dict.fromkeys((agency.pk for agency in agency_list), 0)
    for row in rows.values():
        _cells(row, kinds, agency_list)
        for kind in row.missing_kinds:
            gaps_by_kind[kind] += 1
        for agency in row.missing_agencies:
            gaps_by_agency[agency.pk] += 1
    ordered = [rows[country.pk] for country in countries]
    return Synthesis(
        rows=ordered,
        kinds=kinds,
        agencies=agency_list,
        gaps_by_kind=gaps_by_kind,
        gaps_by_agency=gaps_by_agency,
        without_flows=sum(1 for row in ordered if row.no_flow),
        without_subnational=sum(1 for row in ordered if row.no_subnational),
    )


# --- reporting status by responsible institution ------------------------------------------


@dataclass(frozen=True)
class InstitutionRow:
    country: Country
    indicator: Indicator
    operations: tuple[str, ...]
    status: str
    latest_year: int | None


@dataclass
class InstitutionGroup:
    name: str
    country: Country
    rows: list[InstitutionRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            totals[row.status] += 1
        return totals


def _rank(sheet_status: str, is_current: bool) -> str:
    if is_current:
        return ACCEPTED
    if sheet_status == DataSheet.Status.SUBMITTED:
        return SUBMITTED
    return DRAFT  # a draft, or a sheet returned for corrections


def institutions(
    *, countries: list[Country], indicator_ids: list[int] | None
) -> list[InstitutionGroup]:
    """Per responsible institution (per country: the operation's responsible organisation,
    else its producing institution as written, compared without case or extra spaces): each indicator its operations produce and the indicator's status in that
    country (accepted > submitted > draft > not reported) with the latest year reported in
    the sheets of that status."""
    ids = [country.pk for country in countries]
    by_pk = {country.pk: country for country in countries}
    links = StatisticalOperation.indicators.through.objects.filter(
        statisticaloperation__country_id__in=ids
    )
    if indicator_ids is not None:
        links = links.filter(indicator_id__in=indicator_ids)
    produced: dict[tuple[int, str], dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    names: dict[tuple[int, str], str] = {}
    indicator_set: set[int] = set()
    for country_id, institution, organisation, operation, indicator_id in links.values_list(
        "statisticaloperation__country_id",
        "statisticaloperation__institution",
        "statisticaloperation__responsible__name",
        "statisticaloperation__name",
        "indicator_id",
    ):
        # The responsible organisation when the catalogue names one, else the free text.
        name = " ".join((organisation or institution).split())
        key = (country_id, name.casefold())
        names.setdefault(key, name)
        produced[key][indicator_id].append(operation)
        indicator_set.add(indicator_id)
    order = {ACCEPTED: 3, SUBMITTED: 2, DRAFT: 1}
    best: dict[tuple[int, int], tuple[str, int]] = {}
    for entry in (
        Observation.objects.filter(sheet__country_id__in=ids, indicator_id__in=indicator_set)
        .filter(Q(sheet__is_current=True) | Q(sheet__status__in=DataSheet.OPEN))
        .order_by()
        .values("sheet__country_id", "indicator_id", "sheet__status", "sheet__is_current")
        .annotate(latest=Max("year"))
    ):
        key2 = (entry["sheet__country_id"], entry["indicator_id"])
        status = _rank(entry["sheet__status"], entry["sheet__is_current"])
        known = best.get(key2)
        if (
            known is None
            or order[status] > order[known[0]]
            or (status == known[0] and entry["latest"] > known[1])
        ):
            best[key2] = (status, int(entry["latest"]))
    indicators = Indicator.objects.in_bulk(indicator_set)
    groups = []
    for key, by_indicator in produced.items():
        country_id = key[0]
        group = InstitutionGroup(name=names[key], country=by_pk[country_id])
        for indicator_id, operations in by_indicator.items():
            status, latest = best.get((country_id, indicator_id), (NOT_REPORTED, None))
            group.rows.append(
                InstitutionRow(
                    country=group.country,
                    indicator=indicators[indicator_id],
                    operations=tuple(sorted(set(operations))),
                    status=status,
                    latest_year=latest,
                )
            )
        group.rows.sort(key=lambda row: row.indicator.code)
        groups.append(group)
    groups.sort(key=lambda group: (group.name.casefold(), group.country.name_en))
    return groups
