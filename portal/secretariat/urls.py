from django.urls import path

from portal.secretariat import (
    views,
    views_organisations,
    views_programme,
    views_rounds,
    views_synthesis,
)

app_name = "secretariat"

urlpatterns = [
    path("", views.index, name="index"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/active/", views.member_active, name="member_active"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("organisations/", views_organisations.organisations, name="organisations"),
    path(
        "organisations/<int:pk>/", views_organisations.organisation_edit, name="organisation_edit"
    ),
    path(
        "organisations/<int:pk>/active/",
        views_organisations.organisation_active,
        name="organisation_active",
    ),
    path("countries/", views_organisations.member_countries, name="member_countries"),
    path(
        "countries/<str:iso3>/",
        views_organisations.country_membership,
        name="country_membership",
    ),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/open/", views.round_toggle, name="round_toggle"),
    path("rounds/<int:pk>/deadline/", views.round_deadline, name="round_deadline"),
    path("rounds/<int:pk>/indicators/", views_rounds.round_indicators, name="round_indicators"),
    path("rounds/<int:pk>/completeness/", views.completeness, name="completeness"),
    path("rounds/completeness/", views.completeness_rounds, name="completeness_rounds"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("areas/", views.area_countries, name="area_countries"),
    path("areas/<str:iso3>/", views.area_codes, name="area_codes"),
    path("areas/codes/<int:pk>/delete/", views.area_code_delete, name="area_code_delete"),
    path("synthesis/", views_synthesis.synthesis_page, name="synthesis"),
    path("institutions/", views_synthesis.institutions_page, name="institutions"),
    path("programme/", views.activities, name="activities"),
    path("programme/activities/<int:pk>/", views.activity_edit, name="activity_edit"),
    path(
        "programme/activities/<int:pk>/details/",
        views_programme.activity_details,
        name="activity_details",
    ),
    path("programme/bienniums/", views_programme.bienniums, name="bienniums"),
    path("programme/bienniums/<int:pk>/", views_programme.biennium_edit, name="biennium_edit"),
    path(
        "programme/bienniums/<int:pk>/activities/new/",
        views_programme.activity_create,
        name="activity_create",
    ),
    path("programme/objectives/<int:pk>/", views_programme.objective_edit, name="objective_edit"),
]
