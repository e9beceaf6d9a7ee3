"""Reference data over the API: countries, regions, agencies."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import generics, serializers

from portal.api.inputs import StrictQueryMixin
from portal.models import Agency, Country, Region

BOOLEAN = [("true", "true"), ("false", "false")]


class CountryFilter(django_filters.FilterSet):
    member = django_filters.ChoiceFilter(
        choices=BOOLEAN, method="filter_flag", field_name="is_member"
    )
    cis = django_filters.ChoiceFilter(choices=BOOLEAN, method="filter_flag", field_name="cis")
    region = django_filters.CharFilter(field_name="regions__code")

    class Meta:
        model = Country
        fields = ["member", "region", "cis"]

    def filter_flag(self, queryset: QuerySet[Country], name: str, value: str) -> QuerySet[Country]:
        return queryset.filter(**{name: value == "true"})


class CountryOutput(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["iso3", "iso2", "m49", "name_en", "name_es", "cis", "is_member"]


class CountryListApi(StrictQueryMixin, generics.ListAPIView):
    """Countries and areas (ISO 3166, UN M49), filterable by membership and region."""

    serializer_class = CountryOutput
    filterset_class = CountryFilter
    queryset = Country.objects.order_by("iso3")


class CountryDetailApi(generics.RetrieveAPIView):
    serializer_class = CountryOutput
    queryset = Country.objects.all()
    lookup_field = "iso3"


class RegionOutput(serializers.ModelSerializer):
    parent_code = serializers.SlugRelatedField(
        source="parent", slug_field="code", read_only=True, allow_null=True
    )
    members = serializers.SlugRelatedField(slug_field="iso3", many=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name_en", "name_es", "kind", "parent_code", "members"]


class RegionListApi(StrictQueryMixin, generics.ListAPIView):
    """Regions and country groups with their member countries."""

    serializer_class = RegionOutput

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.select_related("parent").prefetch_related("members").order_by("code")


class RegionDetailApi(generics.RetrieveAPIView):
    serializer_class = RegionOutput
    queryset = Region.objects.select_related("parent").prefetch_related("members")
    lookup_field = "code"


class AgencyOutput(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "acronym_en", "acronym_es", "name_en", "name_es", "url"]


class AgencyListApi(StrictQueryMixin, generics.ListAPIView):
    serializer_class = AgencyOutput
    queryset = Agency.objects.order_by("code")
