from django.urls import path

from portal.secretariat.views import (
    activities,
    indicators,
    members,
    organisations,
    programme,
    round_indicators,
    rounds,
    synthesis,
)

app_name = "secretariat"

urlpatterns = [
    path("", members.index, name="index"),
    path("members/", members.members, name="members"),
    path("members/<int:pk>/", members.member_edit, name="member_edit"),
    path("members/<int:pk>/active/", members.member_active, name="member_active"),
    path("invitations/<int:pk>/withdraw/", members.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", members.invitation_resend, name="invitation_resend"),
    path("organisations/", organisations.organisations, name="organisations"),
    path("organisations/<int:pk>/", organisations.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/active/",
        organisations.organisation_active,
        name="organisation_active",
    ),
    path("countries/", organisations.member_countries, name="member_countries"),
    path(
        "countries/<str:iso3>/",
        organisations.country_membership,
        name="country_membership",
    ),
    path("join/<str:token>/", members.invitation_accept, name="invitation_accept"),
    path("rounds/", rounds.rounds, name="rounds"),
    path("rounds/<int:pk>/open/", rounds.round_toggle, name="round_toggle"),
    path("rounds/<int:pk>/deadline/", rounds.round_deadline, name="round_deadline"),
    path("rounds/<int:pk>/indicators/", round_indicators.round_indicators, name="round_indicators"),
    path("rounds/<int:pk>/completeness/", rounds.completeness, name="completeness"),
    path("rounds/completeness/", rounds.completeness_rounds, name="completeness_rounds"),
    path("indicators/", indicators.indicators, name="indicators"),
    path("indicators/<int:pk>/", indicators.indicator_edit, name="indicator_edit"),
    path("areas/", indicators.area_countries, name="area_countries"),
    path("areas/<str:iso3>/", indicators.area_codes, name="area_codes"),
    path("areas/codes/<int:pk>/delete/", indicators.area_code_delete, name="area_code_delete"),
    path("synthesis/", synthesis.synthesis_page, name="synthesis"),
    path("institutions/", synthesis.institutions_page, name="institutions"),
    path("programme/", activities.activities, name="activities"),
    path("programme/activities/<int:pk>/", activities.activity_edit, name="activity_edit"),
    path(
        "programme/activities/<int:pk>/details/",
        programme.activity_details,
        name="activity_details",
    ),
    path("programme/bienniums/", programme.bienniums, name="bienniums"),
    path("programme/bienniums/<int:pk>/", programme.biennium_edit, name="biennium_edit"),
    path(
        "programme/bienniums/<int:pk>/activities/new/",
        programme.activity_create,
        name="activity_create",
    ),
    path("programme/objectives/<int:pk>/", programme.objective_edit, name="objective_edit"),
]
