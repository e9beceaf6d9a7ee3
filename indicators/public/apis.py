"""The public site's figures over the API: anonymous, read only, published results only."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.inputs import StrictQueryMixin
from portal.models import Country

from . import selectors


class FigureOutput(serializers.Serializer):
    category = serializers.CharField()
    series = serializers.CharField(allow_blank=True)
    latest_year = serializers.IntegerField(allow_null=True)
    latest_value = serializers.FloatField(allow_null=True)


class ProfileRowOutput(serializers.Serializer):
    indicator = serializers.CharField()
    national = FigureOutput(allow_null=True)
    international = FigureOutput(allow_null=True)
    discrepancy = serializers.CharField(allow_null=True)
    explanation = serializers.CharField(
        allow_null=True, help_text="The reason of the closed case, when there is one."
    )


def _figure(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: row[k] for k in ("category", "series", "latest_year", "latest_value")}


class PublicCountryApi(StrictQueryMixin, APIView):
    """A member country's published figures, national and international side by side, with
    the explanation of each difference the group has closed. No login needed."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses=ProfileRowOutput(many=True))
    def get(self, request: Request, iso3: str) -> Response:
        country = get_object_or_404(Country, iso3=iso3.upper()[:3])
        rows = [
            {
                "indicator": row.indicator.code,
                "national": _figure(row.national),
                "international": _figure(row.international),
                "discrepancy": row.discrepancy.status if row.discrepancy else None,
                "explanation": row.explanation.reason if row.explanation else None,
            }
            for row in selectors.country_profile(country)
        ]
        return Response(ProfileRowOutput(rows, many=True).data)
