"""Reads of the secretariat: accounts and invitations, rounds, and each round's completeness."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from indicators.models import AreaCodeMapping, DataSheet, Indicator, Observation, ReportingRound
from portal.models import Country, User
from portal.secretariat.models import Invitation, RoundIndicator
from portal.selectors import AttentionItem


def members(*, query: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    accounts = User.objects.select_related("organisation__country", "organisation__agency")
    if query:
        accounts = accounts.filter(
            Q(email__icontains=query)
            | Q(full_name__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    if role:
        accounts = accounts.filter(role=role)
    if active in ("1", "0"):
        accounts = accounts.filter(is_active=active == "1")
    return accounts.order_by("email")


def invitations_recent() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("organisation", "invited_by")[:100]


def rounds() -> QuerySet[ReportingRound]:
    return ReportingRound.objects.annotate(n_requested=Count("requested")).order_by("-opens_on")


def requested_indicator_ids(round_: ReportingRound) -> list[int]:
    """The indicators the round asks for: those listed, or every indicator."""
    ids = list(RoundIndicator.objects.filter(round=round_).values_list("indicator_id", flat=True))
    return ids or list(Indicator.objects.values_list("pk", flat=True))


def members_during(start: datetime.date, end: datetime.date) -> Q:
    """Countries that were members of the group at some time from ``start`` to ``end``:
    current members (unless they joined after ``end``) and those that left after ``start``."""
    return (
        (Q(is_member=True) | Q(member_until__gte=start))
        & (Q(member_since__isnull=True) | Q(member_since__lte=end))
        & (Q(member_until__isnull=True) | Q(member_until__gte=start))
    )


NOT_STARTED = "not_started"


@dataclass(frozen=True)
class CountryCompleteness:
    country: Country
    status: str
    sheet: DataSheet | None
    submitted_at: datetime.datetime | None
    days_late: int
    covered: int
    requested: int
    values: int
    with_source: int

    @property
    def covered_share(self) -> float:
        return self.covered / self.requested if self.requested else 0.0

    @property
    def source_share(self) -> float | None:
        return self.with_source / self.values if self.values else None


def _pick(sheets: list[DataSheet]) -> DataSheet | None:
    """The country's sheet that counts: the accepted current one, else the open one."""
    current = [sheet for sheet in sheets if sheet.is_current]
    if current:
        return current[0]
    open_ = [sheet for sheet in sheets if sheet.status in DataSheet.OPEN]
    return open_[0] if open_ else None


def round_completeness(
    *, round_: ReportingRound, today: datetime.date
) -> list[CountryCompleteness]:
    """Per country that was a member during the round (and any other country with a sheet
    in it): its status,
    days late, share of requested indicators covered, share of values that name a source.

    A fixed number of queries whatever the number of countries."""
    requested = requested_indicator_ids(round_)
    requested_set = set(requested)
    by_country: dict[int, list[DataSheet]] = {}
    for candidate in DataSheet.objects.filter(round=round_).filter(
        Q(status__in=DataSheet.OPEN) | Q(is_current=True)
    ):
        by_country.setdefault(candidate.country_id, []).append(candidate)
    countries = Country.objects.filter(
        members_during(round_.opens_on, round_.closes_on) | Q(pk__in=list(by_country))
    ).order_by("name_en")
    chosen = {country_id: _pick(sheets) for country_id, sheets in by_country.items()}
    sheet_ids = [picked.pk for picked in chosen.values() if picked is not None]
    counts = {
        row["sheet_id"]: row
        for row in Observation.objects.filter(sheet_id__in=sheet_ids)
        .order_by()
        .values("sheet_id")
        .annotate(
            values=Count("pk"),
            with_source=Count("pk", filter=~Q(source="") | Q(operation__isnull=False)),
        )
    }
    covered: dict[int, set[int]] = {}
    for sheet_id, indicator_id in (
        Observation.objects.filter(sheet_id__in=sheet_ids)
        .order_by()
        .values_list("sheet_id", "indicator_id")
        .distinct()
    ):
        if indicator_id in requested_set:
            covered.setdefault(sheet_id, set()).add(indicator_id)
    rows = []
    for country in countries:
        sheet = chosen.get(country.pk)
        submitted_at = sheet.submitted_at if sheet is not None else None
        delivered = sheet is not None and sheet.status in (
            DataSheet.Status.SUBMITTED,
            DataSheet.Status.ACCEPTED,
        )
        if delivered and submitted_at is not None:
            late = (submitted_at.date() - round_.closes_on).days
        elif delivered:
            late = 0
        else:
            late = (today - round_.closes_on).days
        count = counts.get(sheet.pk, {}) if sheet is not None else {}
        rows.append(
            CountryCompleteness(
                country=country,
                status=sheet.status if sheet is not None else NOT_STARTED,
                sheet=sheet,
                submitted_at=submitted_at,
                days_late=max(0, late),
                covered=len(covered.get(sheet.pk, ())) if sheet is not None else 0,
                requested=len(requested),
                values=int(count.get("values", 0)),
                with_source=int(count.get("with_source", 0)),
            )
        )
    return rows


@dataclass(frozen=True)
class RoundSummary:
    """A round's completeness in a few shares, for the chart over rounds."""

    round: ReportingRound
    countries: int
    delivered: int
    accepted: int
    covered_share: float

    @property
    def delivered_share(self) -> float:
        """Share of the countries with a sheet submitted or accepted."""
        return self.delivered / self.countries if self.countries else 0.0

    @property
    def accepted_share(self) -> float:
        return self.accepted / self.countries if self.countries else 0.0


def rounds_completeness(*, today: datetime.date) -> list[RoundSummary]:
    """Per reporting round, oldest first: how many of the round's countries (as on its
    dashboard: every member country and any other with a sheet) submitted or had accepted
    a sheet, how many had it accepted, and the mean share of the requested indicators
    covered (a country with nothing counts 0).

    The queries of ``round_completeness`` per round: a fixed number whatever the number of
    countries, growing with the number of rounds (one or two a year)."""
    summaries = []
    for round_ in ReportingRound.objects.order_by("opens_on", "pk"):
        rows = round_completeness(round_=round_, today=today)
        delivered = sum(
            1 for r in rows if r.status in (DataSheet.Status.SUBMITTED, DataSheet.Status.ACCEPTED)
        )
        summaries.append(
            RoundSummary(
                round=round_,
                countries=len(rows),
                delivered=delivered,
                accepted=sum(1 for r in rows if r.status == DataSheet.Status.ACCEPTED),
                covered_share=sum(r.covered_share for r in rows) / len(rows) if rows else 0.0,
            )
        )
    return summaries


def attention_items(*, user: User) -> list[AttentionItem]:
    """For the secretariat: open rounds due within a week or past their deadline, with how
    many member countries have not submitted."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from portal.secretariat import permissions

    if not permissions.can_view_completeness(user):
        return []
    today = timezone.localdate()
    delivered = DataSheet.objects.filter(
        Q(status__in=(DataSheet.Status.SUBMITTED, DataSheet.Status.ACCEPTED)) | Q(is_current=True)
    )
    items = []
    for round_ in ReportingRound.objects.filter(
        is_open=True, opens_on__lte=today, closes_on__lte=today + datetime.timedelta(days=7)
    ).order_by("closes_on"):
        owing = (
            Country.objects.filter(is_member=True)
            .exclude(pk__in=delivered.filter(round=round_).values("country_id"))
            .count()
        )
        if not owing:
            continue
        late = round_.closes_on < today
        items.append(
            AttentionItem(
                title=ngettext(
                    "%(round)s: %(n)s member country has not submitted",
                    "%(round)s: %(n)s member countries have not submitted",
                    owing,
                )
                % {"round": round_.name, "n": owing},
                url=reverse("secretariat:completeness", args=[round_.pk]),
                detail=(_("The deadline was %(date)s.") if late else _("The deadline is %(date)s."))
                % {"date": date_format(round_.closes_on)},
                level="warning" if late else "info",
            )
        )
    return items


def area_code_mappings(country: Country) -> QuerySet[AreaCodeMapping]:
    """The country's own area codes and what they mean, by code."""
    return AreaCodeMapping.objects.filter(country=country).select_related("area").order_by("code")
