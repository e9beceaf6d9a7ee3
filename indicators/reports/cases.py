"""Discrepancy cases: opened or reopened after a run, answered by countries, agencies and
the coordinator."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    CaseComment,
    DiscrepancyCase,
    DiscrepancyResult,
    EngineRun,
    SeriesResult,
)
from portal import permissions as base
from portal.models import User

BATCH = 5000


def _case_kind(row: DiscrepancyResult) -> str:
    kinds = []
    if row.status == "discrepant":
        kinds.append("discrepant")
    if row.classification_differs:
        kinds.append("classification_differs")
    return ",".join(kinds)


def cases_sync(*, run: EngineRun) -> dict[str, int]:
    """Opens a case per new discrepant (or differently classified) series of the run;
    reopens a closed case whose compared values changed. Out: counts opened/reopened."""
    rows = list(
        DiscrepancyResult.objects.filter(run=run, is_current=True)
        .filter(Q(status="discrepant") | Q(classification_differs=True))
        .only(
            "country_id",
            "indicator_id",
            "series",
            "status",
            "classification_differs",
            "fingerprint",
        )
    )
    if not rows:
        return {"opened": 0, "reopened": 0}
    indicator_ids = {row.indicator_id for row in rows}
    country_ids = {row.country_id for row in rows}
    # Only the keys and fingerprints of the existing cases: a case is loaded whole only
    # when its fingerprint changed (thousands of cases, few changes).
    known = {
        (country, indicator, series): (pk, fingerprint)
        for pk, country, indicator, series, fingerprint in DiscrepancyCase.objects.filter(
            indicator_id__in=indicator_ids, country_id__in=country_ids
        ).values_list("pk", "country_id", "indicator_id", "series", "fingerprint")
    }
    changed = [
        known[(row.country_id, row.indicator_id, row.series)][0]
        for row in rows
        if (row.country_id, row.indicator_id, row.series) in known
        and known[(row.country_id, row.indicator_id, row.series)][1] != row.fingerprint
    ]
    existing = {
        (c.country_id, c.indicator_id, c.series): c
        for c in DiscrepancyCase.objects.filter(pk__in=changed)
    }
    agencies = {
        (c, i, s): a
        for c, i, s, a in SeriesResult.objects.filter(
            run=run, source="international", indicator_id__in=indicator_ids
        ).values_list("country_id", "indicator_id", "series", "agency_id")
    }
    new, comments, reopened = [], [], 0
    now = timezone.now()
    for row in rows:
        key = (row.country_id, row.indicator_id, row.series)
        if key in known and key not in existing:
            continue  # same fingerprint: nothing to do
        case = existing.get(key)
        if case is None:
            new.append(
                DiscrepancyCase(
                    country_id=row.country_id,
                    indicator_id=row.indicator_id,
                    series=row.series,
                    agency_id=agencies.get(key),
                    kind=_case_kind(row),
                    fingerprint=row.fingerprint,
                    opened_at=now,
                    opened_by_run=run,
                )
            )
            continue
        if case.fingerprint == row.fingerprint:
            continue
        if case.is_closed:
            case.status, case.closed_at = DiscrepancyCase.Status.OPEN, None
            case.times_reopened += 1
            reopened += 1
            comments.append(
                CaseComment(
                    case=case,
                    side=CaseComment.Side.ENGINE,
                    text=_("Reopened: the compared figures changed (engine run #%(run)s).")
                    % {"run": run.pk},
                )
            )
        case.fingerprint, case.kind = row.fingerprint, _case_kind(row)
        case.save(
            update_fields=[
                "status",
                "closed_at",
                "times_reopened",
                "fingerprint",
                "kind",
                "updated_at",
            ]
        )
    DiscrepancyCase.objects.bulk_create(new, batch_size=BATCH)
    CaseComment.objects.bulk_create(comments)
    return {"opened": len(new), "reopened": reopened}


def _side(user: User, case: DiscrepancyCase) -> str:
    if base.is_coordinator(user):
        return CaseComment.Side.SECRETARIAT
    if base.is_country_focal_point(user, case.country):
        return CaseComment.Side.COUNTRY
    return CaseComment.Side.AGENCY


FORUM_THREAD_MAX = 200
FORUM_THREAD_VIEWS = frozenset({"forum:topic", "forum:post"})


def clean_forum_thread(value: str) -> str:
    """A case's forum-thread link: empty, or a link to a topic or post of the portal's forum.

    Accepted: `/forum/t/12/` or the same on one of the site's own hosts over http(s).
    Refused with a ValidationError (field `forum_thread`): `javascript:` and every other
    scheme, other sites, pages that are not a forum topic or post, more than 200 characters.
    """
    from portal.redirects import site_match

    value = value.strip()
    if not value:
        return ""
    if len(value) > FORUM_THREAD_MAX:
        raise ValidationError(
            {
                "forum_thread": _(
                    "Forum thread: the link has %(length)d characters; at most %(max)d."
                )
                % {"length": len(value), "max": FORUM_THREAD_MAX}
            }
        )
    hosts = {host for host in settings.ALLOWED_HOSTS if host != "*"}
    match = site_match(value, allowed_hosts=hosts)
    if match is None or match.view_name not in FORUM_THREAD_VIEWS:
        raise ValidationError(
            {
                "forum_thread": _(
                    "Forum thread: give the link of a topic or post of this portal's forum "
                    "(for example /forum/t/12/)."
                )
            }
        )
    return value


def case_answer(
    *,
    case: DiscrepancyCase,
    user: User,
    text: str = "",
    status: str | None = None,
    reason: str | None = None,
    forum_thread: str | None = None,
) -> DiscrepancyCase:
    """A country, agency or coordinator answer: a comment and/or a new status, reason, link.

    Raises PermissionDenied (``can_answer_case``) or ValidationError (unknown status or
    reason, or nothing to record).
    """
    if not base.can_answer_case(user, case.country, case.agency):
        raise PermissionDenied(_("You cannot answer this discrepancy case."))
    if status is not None and status not in DiscrepancyCase.Status.values:
        raise ValidationError(_("Unknown status."))
    if reason and reason not in DiscrepancyCase.Reason.values:
        raise ValidationError(_("Unknown reason."))
    if not (text.strip() or status or reason is not None or forum_thread is not None):
        raise ValidationError(_("Nothing to record."))
    if forum_thread is not None:
        forum_thread = clean_forum_thread(forum_thread)
    with transaction.atomic():
        case = DiscrepancyCase.objects.select_for_update().get(pk=case.pk)
        fields = ["updated_at"]
        if status and status != case.status:
            case.status = status
            case.closed_at = timezone.now() if status in DiscrepancyCase.CLOSED else None
            fields += ["status", "closed_at"]
        if reason is not None:
            case.reason = reason
            fields.append("reason")
        if forum_thread is not None:
            case.forum_thread = forum_thread
            fields.append("forum_thread")
        case.save(update_fields=fields)
        if text.strip():
            CaseComment.objects.create(
                case=case, author=user, side=_side(user, case), text=text.strip()
            )
    return case
