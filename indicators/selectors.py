"""Reads of the indicators app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.display import disaggregation
from indicators.models import DataSheet, Indicator, Observation, ReportingRound
from portal.display import exact
from portal.models import Agency, Country, SubnationalArea, User
from portal.selectors import AttentionItem


def open_rounds() -> QuerySet[ReportingRound]:
    return ReportingRound.objects.filter(is_open=True)


def sheets_visible_to(*, user: User, country: Country | None = None) -> QuerySet[DataSheet]:
    """Every sheet the user may see: published ones, plus the unpublished ones of their own country."""
    sheets = DataSheet.objects.select_related("country", "round", "submitted_by", "reviewed_by")
    if country is not None:
        sheets = sheets.filter(country=country)
    if permissions.can_review(user):
        return sheets
    own = user.country if user.is_authenticated else None
    if own is not None and user.role in (User.Role.COUNTRY_FOCAL_POINT, User.Role.COUNTRY_MEMBER):
        return sheets.filter(status=DataSheet.Status.ACCEPTED) | sheets.filter(country=own)
    return sheets.filter(status=DataSheet.Status.ACCEPTED)


@dataclass(frozen=True)
class BoardRow:
    country: Country
    sheet: DataSheet | None
    current: DataSheet | None


def round_board(*, round: ReportingRound) -> list[BoardRow]:
    """Every member country with its open sheet and its current accepted sheet in `round`."""
    sheets = DataSheet.objects.filter(round=round).select_related("country").order_by("version")
    latest: dict[int, DataSheet] = {}
    current: dict[int, DataSheet] = {}
    for sheet in sheets:
        latest[sheet.country_id] = sheet
        if sheet.is_current:
            current[sheet.country_id] = sheet
    countries = Country.objects.filter(is_member=True)
    return [BoardRow(c, latest.get(c.pk), current.get(c.pk)) for c in countries]


def sheet_observations(
    *, sheet: DataSheet, indicator: Indicator | None = None
) -> QuerySet[Observation]:
    rows = sheet.observations.select_related(
        "indicator", "area", "operation", "upload", "entered_by"
    )
    return rows.filter(indicator=indicator) if indicator is not None else rows


_TEMPLATE_FIELDS = {
    "indicator": "indicator__code",
    "area": "area__code",
    "disaggregation": "disaggregation",
    "year": "year",
    "value": "value",
    "unit": "unit",
    "nature": "nature",
    "source": "source",
    "footnote": "footnote",
}


def sheet_template_rows(*, sheet: DataSheet) -> list[dict[str, object]]:
    """The sheet's values as the Excel template's rows, in the sheet's order.

    Plain values, not model instances: a sheet of thousands of values is read in one query
    without building an object per value and per related row.
    """
    ordering = [str(field) for field in Observation._meta.ordering or ()]
    rows = sheet.observations.order_by(*ordering).values_list(*_TEMPLATE_FIELDS.values())
    names = list(_TEMPLATE_FIELDS)
    out: list[dict[str, object]] = []
    for values in rows:
        row = dict(zip(names, values, strict=True))
        row["area"] = row["area"] or ""
        row["value"] = float(row["value"])
        out.append(row)
    return out


@dataclass(frozen=True)
class DiffRow:
    indicator: str
    area: str
    disaggregation: str
    year: int
    old: Decimal | None
    new: Decimal | None

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"


def _values(sheet: DataSheet) -> dict[tuple[str, str, str, int], Decimal]:
    rows = sheet.observations.values_list(
        "indicator__code", "area__code", "disaggregation", "year", "value"
    )
    return {(i, a or "", d, y): v for i, a, d, y, v in rows}


def sheet_diff(*, old: DataSheet, new: DataSheet) -> list[DiffRow]:
    """Values added, changed or removed from `old` to `new`, in key order."""
    before, after = _values(old), _values(new)
    rows = [
        DiffRow(*key, before.get(key), after.get(key))
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]
    return rows


def describe_keys(
    keys: list[tuple[int, int | None, str, int]],
) -> dict[tuple[int, int | None, str, int], str]:
    """Readable labels for value keys (indicator code, area, disaggregation, year) in a preview."""
    indicators = dict(
        Indicator.objects.filter(pk__in={k[0] for k in keys}).values_list("pk", "code")
    )
    areas = {
        area.pk: area.name
        for area in SubnationalArea.objects.filter(pk__in={k[1] for k in keys if k[1]})
    }
    labels = {}
    for key in keys:
        parts = [
            indicators.get(key[0], "?"),
            areas.get(key[1], _("national")) if key[1] else _("national"),
        ]
        if key[2]:
            parts.append(disaggregation(key[2]))
        parts.append(str(key[3]))
        labels[key] = " · ".join(parts)
    return labels


@dataclass
class HistoryEntry:
    """One line of a value's history: when, who, which version, what happened."""

    at: datetime
    who: User | None
    version: int
    kind: str  # entered | edited | deleted | comment
    text: str
    value: str = ""


def value_history(*, user: User, observation: Observation) -> list[HistoryEntry]:
    """Everything that happened to one value (its indicator, area, disaggregation and year)
    in every version of its sheet the user may see: where each version's value came from, the
    grid edits and deletions with their reasons, and the review comments on it."""
    from indicators.models import SheetEvent, ValueComment

    sheet = observation.sheet
    versions = {
        s.pk: s.version
        for s in sheets_visible_to(user=user, country=sheet.country).filter(round=sheet.round)
    }
    key = {
        "indicator": observation.indicator_id,
        "area": observation.area_id,
        "disaggregation": observation.disaggregation,
        "year": observation.year,
    }
    entries = []
    for obs in Observation.objects.filter(sheet_id__in=versions, **key).select_related(
        "upload", "entered_by"
    ):
        source = (
            _("from %(file)s, row %(row)s")
            % {"file": obs.upload.original_name, "row": obs.source_row}
            if obs.upload
            else _("typed in the grid")
        )
        entries.append(
            HistoryEntry(
                obs.entered_at,
                obs.entered_by,
                versions[obs.sheet_id],
                "entered",
                source,
                str(obs.value.normalize()),
            )
        )
    events = SheetEvent.objects.filter(
        sheet_id__in=versions,
        kind=SheetEvent.Kind.EDITED,
        details__indicator=observation.indicator.code,
        details__year=observation.year,
        details__disaggregation=observation.disaggregation,
    ).select_related("actor")
    for event in events:
        if event.details.get("area") != observation.area_id:
            continue
        deleted = bool(event.details.get("deleted"))
        entries.append(
            HistoryEntry(
                event.at,
                event.actor,
                versions[event.sheet_id],
                "deleted" if deleted else "edited",
                event.comment
                if deleted
                else f"{exact(_dec(event.details.get('old_value')))} → "
                f"{exact(_dec(event.details.get('new_value')))}",
                _dec(event.details.get("old_value")),
            )
        )
    comments = ValueComment.objects.filter(
        sheet_id__in=versions, **{f"observation__{name}": value for name, value in key.items()}
    ).select_related("author")
    for comment in comments:
        entries.append(
            HistoryEntry(
                comment.created_at,
                comment.author,
                versions[comment.sheet_id],
                "comment",
                comment.text,
            )
        )
    return sorted(entries, key=lambda entry: (entry.at, entry.version))


def _dec(raw: object) -> str:
    try:
        return str(Decimal(str(raw)).normalize())
    except (ArithmeticError, ValueError):
        return str(raw or "")


def observation_labels(*, sheet: DataSheet, ids: list[int]) -> dict[int, str]:
    """Observation id -> its label as the sheet page shows it; ids not in the sheet are left out."""
    rows = sheet.observations.filter(pk__in=ids).values_list(
        "pk", "indicator_id", "area_id", "disaggregation", "year"
    )
    keys = {pk: (i, a, d, y) for pk, i, a, d, y in rows}
    labels = describe_keys(list(keys.values()))
    return {pk: labels[key] for pk, key in keys.items()}


def attention_items(*, user: User) -> list[AttentionItem]:
    """Dashboard lines: a focal point's drafts and returned sheets; the coordinator's review queue."""
    items: list[AttentionItem] = []
    if permissions.can_review(user):
        waiting = DataSheet.objects.filter(status=DataSheet.Status.SUBMITTED).select_related(
            "country", "round"
        )
        for sheet in waiting:
            items.append(
                AttentionItem(
                    _("%(country)s: data sheet %(round)s v%(version)s awaits your review")
                    % {
                        "country": sheet.country.name,
                        "round": sheet.round.name,
                        "version": sheet.version,
                    },
                    reverse("indicators:sheet_detail", args=[sheet.pk]),
                    level="warning",
                )
            )
        return items
    agency = user.agency
    if agency is not None and permissions.can_load_international(user, agency):
        items.extend(_agency_case_items(agency))
    country = user.country
    if country is None or not permissions.can_edit_country_sheets(user, country):
        return items
    for sheet in DataSheet.objects.filter(
        country=country, status__in=DataSheet.EDITABLE
    ).select_related("round"):
        text = (
            _("Data sheet %(round)s was returned to you with comments")
            if sheet.status == DataSheet.Status.RETURNED
            else _("Data sheet %(round)s is a draft: complete and submit it")
        ) % {"round": sheet.round.name}
        items.append(
            AttentionItem(
                text,
                reverse("indicators:sheet_detail", args=[sheet.pk]),
                level="warning" if sheet.status == DataSheet.Status.RETURNED else "info",
            )
        )
    started = set(DataSheet.objects.filter(country=country).values_list("round_id", flat=True))
    for round in open_rounds().exclude(pk__in=started):
        items.append(
            AttentionItem(
                _("Reporting round %(round)s is open: start your data sheet")
                % {"round": round.name},
                reverse("indicators:index"),
                level="info",
            )
        )
    return items


def _agency_case_items(agency: Agency) -> list[AttentionItem]:
    """The agency's open discrepancy cases, oldest first: each waits for the agency's word."""
    from indicators.models import DiscrepancyCase

    cases = (
        DiscrepancyCase.objects.filter(agency=agency, status=DiscrepancyCase.Status.OPEN)
        .select_related("country", "indicator")
        .order_by("opened_at", "pk")
    )
    return [
        AttentionItem(
            _("Open discrepancy case: %(country)s, %(indicator)s %(series)s")
            % {
                "country": case.country.name,
                "indicator": case.indicator.code,
                "series": case.series or _("total"),
            },
            reverse("indicators:reports:case_detail", args=[case.pk]),
            detail=_("opened %(date)s") % {"date": formats.date_format(case.opened_at)},
            level="warning",
        )
        for case in cases
    ]


def pending_work(*, sheet: DataSheet) -> bool:
    """True while a notification about this sheet, or a recomputation of its figures, waits
    in the outbox (the task queue was unreachable; the sweep delivers it when it is back).

    A queued engine run (outbox key ``run:<id>``) concerns the sheet only when the sheet is
    current (published) and the run's scope takes in its country (a full recompute does).
    """
    from indicators.models import EngineRun
    from portal.models import PendingTask

    keys = Q(key=f"sheet:{sheet.pk}")
    if sheet.is_current:
        keys |= Q(key__startswith="run:")
    run_ids = set()
    for key in PendingTask.objects.filter(keys).values_list("key", flat=True):
        kind, _sep, rest = key.partition(":")
        if kind == "sheet":
            return True
        run_id = rest.partition(":")[0]
        if run_id.isdigit():
            run_ids.add(int(run_id))
    if not run_ids:
        return False
    scopes = EngineRun.objects.filter(pk__in=run_ids).values_list("country_codes", flat=True)
    return any(codes is None or sheet.country.iso3 in codes for codes in scopes)
