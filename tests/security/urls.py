"""Every URL pattern of the project, and the other country's objects to fill them with."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "indicators:sheet_detail"
    pattern: str  # "data/sheets/<int:pk>/"
    params: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def all_routes() -> list[Route]:
    """Walk the resolver recursively; the Django admin is its own (staff-only) world."""
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                full = prefix + str(entry.pattern)
                if full.startswith("admin/") or not entry.name:
                    continue
                params = (
                    tuple(entry.pattern.converters) if hasattr(entry.pattern, "converters") else ()
                )
                routes.append(Route(namespace + entry.name, full, params))

    walk(get_resolver().url_patterns, "", "")
    return routes


# Reachable without logging in, on purpose (asserted in test_access_matrix).
PUBLIC = {
    "portal:home": "the landing page of the working group",
    "portal:login": "the login form",
    "portal:logout": "logging out (POST only)",
    "portal:password_reset": "asking for a reset link",
    "portal:password_reset_done": "the 'link sent' notice",
    "portal:password_reset_confirm": "the link from the e-mail (an invalid token shows an error page)",
    "portal:password_reset_complete": "the 'password changed' notice",
    "portal:set_language": "choosing the language before logging in",
    "portal:healthz": "the load balancer's probe: no data",
    "api:schema": "the OpenAPI description of the API: no data",
    "api:docs": "the API documentation page: no data",
    "meetings:index": "public meetings are announced to everyone (members-only and restricted ones are filtered)",
    "meetings:feed": "the public iCalendar feed (public meetings only)",
    "meetings:detail": "a public meeting's page; restricted ones answer 404/login",
    "meetings:ics": "a public meeting's calendar entry",
    "meetings:programme": "the published work programme",
    "meetings:biennium": "the published work programme",
    "meetings:biennium_report": "the published work programme report",
    "meetings:biennium_xlsx": "the published work programme report",
    "meetings:statistics": "published participation statistics",
    "meetings:statistics_csv": "published participation statistics",
    "meetings:statistics_xlsx": "published participation statistics",
    "public:home": "the public site: accepted and published figures only",
    "public:country": "the public site: a country's accepted and published figures only",
    "public:indicator": "the public site: an indicator's accepted and published figures only",
    "api_v1:public_country": "the public site's API: a country's published figures only",
    "secretariat:invitation_accept": "the link from an invitation e-mail (an unknown token: 410)",
}

# Bound to another country's (or user's) object, but legitimately readable by any member:
# a 200 is allowed there (the secrets must still never appear).
READABLE_BY_MEMBERS = {
    "portal:country_detail": "a country's published page",
    "indicators:reports:country": "a country's published profile",
    "indicators:reports:indicator": "an indicator's published results",
    "indicators:reports:case_detail": "discrepancy cases compare published figures; all members follow them",
    "indicators:reports:run_detail": "engine runs are the group's published computations",
    "forum:user": "another member's forum page lists only posts the reader may read",
    "forum:category": "(KAZ users are outside LAC; agencies and the secretariat are not)",
    "api_v1:export_observations": "the format of the export of published observations only",
    "api_v1:country_detail": "reference data",
    "api_v1:region_detail": "reference data",
    "api_v1:indicator_detail": "reference data",
    "api_v1:engine_run_detail": "engine runs are the group's published computations",
    "api_v1:case_detail": "discrepancy cases compare published figures; all members follow them",
    "api_v1:export_results": "the format of the export of results (computed from published data)",
    "meetings:biennium": "the published work programme",
    "meetings:biennium_report": "the published work programme report",
    "meetings:biennium_xlsx": "the published work programme report",
    "meetings:consultation": "fund-raising consultations are the group's, not a country's: every member reads them",
    "public:country": "the public site: published figures only",
    "public:indicator": "the public site: published figures only",
    "api_v1:public_country": "the public site's API: published figures only",
}


def fill(route: Route, world) -> str:
    """The route's URL with every parameter set to the OTHER country's object."""
    w = world
    by_name: dict[str, dict[str, object]] = {
        "portal:token_revoke": {"pk": w.token_b.pk},
        "portal:country_detail": {"iso3": "KGZ"},
        "portal:country_workspace": {"iso3": "KGZ"},
        "portal:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "secretariat:invitation_accept": {"token": "not-an-invitation"},
        "secretariat:area_codes": {"iso3": "KGZ"},
        "secretariat:country_membership": {"iso3": "KGZ"},
        "secretariat:area_code_delete": {"pk": w.area_code_b.pk},
        "indicators:sheet_diff": {"pk": w.sheet_b.pk, "other": w.sheet_b.pk},
        "indicators:value_history": {"pk": w.sheet_b.pk, "observation": w.observation_b.pk},
        "indicators:upload_job": {"pk": w.sheet_b.pk, "job": w.upload_job_b.pk},
        "indicators:reports:country": {"iso3": "KGZ"},
        "indicators:reports:indicator": {"code": "3.2.1"},
        "indicators:reports:case_detail": {"pk": w.case_b.pk},
        "indicators:reports:run_detail": {"pk": w.run.pk},
        "forum:category": {"slug": w.board.other_region.slug},
        "forum:category_watch": {"slug": w.board.other_region.slug},
        "forum:attachment": {"pk": w.attachment_b.pk, "name": w.attachment_b.name},
        "forum:notification_open": {"pk": w.notification_b.pk},
        "forum:user": {"handle": w.handle_b},
        "forum:report_resolve": {"pk": w.report_b.pk},
        "meetings:action_update": {"action_pk": w.action_b.pk},
        "meetings:biennium": {"pk": w.biennium.pk},
        "meetings:biennium_report": {"pk": w.biennium.pk},
        "meetings:biennium_xlsx": {"pk": w.biennium.pk},
        "meetings:document_download": {"version_pk": w.document_version_b.pk},
        "meetings:item_add": {"pk": w.meeting_b.pk, "session_pk": w.session_b.pk},
        "api_v1:country_detail": {"iso3": "KGZ"},
        "api_v1:public_country": {"iso3": "KGZ"},
        "public:country": {"iso3": "KGZ"},
        "public:indicator": {"code": "3.2.1"},
        "meetings:capacity_new": {"kind": "training"},
        "meetings:capacity_edit": {"kind": "grant", "pk": w.meeting_b.pk},
        "meetings:consultation": {"pk": w.consultation.pk},
        "meetings:consultation_edit": {"pk": w.consultation.pk},
        "api_v1:region_detail": {"code": "LAC"},
        "api_v1:indicator_detail": {"code": "3.2.1"},
        "api_v1:export_observations": {"fmt": "csv"},
        "api_v1:export_results": {"fmt": "csv"},
        "api_v1:engine_run_detail": {"pk": w.run.pk},
        "api_v1:case_detail": {"pk": w.case_b.pk},
        "api_v1:meeting_detail": {"pk": w.meeting_b.pk},
        "api_v1:forum_topic_detail": {"pk": w.topic_b.pk},
    }
    if route.name in by_name:
        kwargs = by_name[route.name]
    elif not route.params:
        kwargs = {}
    elif "public" in route.name:  # the login-free public site's country and indicator pages
        kwargs = {p: {"iso3": "KGZ", "code": "3.2.1"}[p] for p in route.params}
    else:
        app = route.name.split(":")[0]
        if route.name.startswith("forum:p") or route.name.startswith("forum:post"):
            pk = w.post_b.pk
        else:
            pk = {
                "indicators": w.sheet_b.pk,
                "api_v1": w.sheet_b.pk,
                "forum": w.topic_b.pk,
                "meetings": w.meeting_b.pk,
                "secretariat": w.sheet_b.pk,
            }[app]
        kwargs = dict.fromkeys(route.params, pk)
    return reverse(route.name, kwargs=kwargs)


def post_body(world) -> dict[str, str]:
    """One POST body that tries every state change the views know (each must be refused)."""
    w = world
    obs = w.observation_b.pk
    return {
        "decision": "accept",
        "comment": "pwned",
        "action": "lock",
        "reason": "pwned",
        "text": "pwned",
        "status": "resolved",
        "title": "pwned",
        "source": "pwned",
        "name": "pwned",
        "notes": "pwned",
        "lock_version": str(w.sheet_b.lock_version),
        f"value-{obs}": "1",
        f"footnote-{obs}": "pwned",
        f"value-comment-{obs}": "pwned",
        "country": "KGZ",
        "round": "2026",
        "sex": "female",
        "consent": "on",
        "category": w.board.other_region.slug,
        "language": "en",
    }
