"""Meetings, their partners, sessions and agenda (documents, participants and outcomes live in
documents.py, participants.py and actions.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.models import Agency, Country, Organisation, TimeStampedModel

from .programme import Activity


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    MEMBERS = "members", _("members")
    RESTRICTED = "restricted", _("restricted to listed organisations")


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Meeting(TimeStampedModel):
    class Kind(models.TextChoices):
        WORKING_GROUP = "wg_meeting", _("working-group meeting")
        SEMINAR = "seminar", _("seminar")
        WORKSHOP = "workshop", _("workshop")
        THEMATIC = "thematic_session", _("thematic session")
        ONLINE = "online_meeting", _("online meeting")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    mode = models.CharField(
        _("format"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON
    )
    online_url = models.URLField(_("online meeting link"), blank=True)
    thematic_focus = models.CharField(_("thematic focus"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    start_time = models.TimeField(
        _("start time"), null=True, blank=True, help_text=_("Leave empty for all-day events.")
    )
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", choices=_time_zone_choices
    )
    objectives = models.TextField(_("objectives"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    allowed_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations allowed (restricted meetings)"),
        blank=True,
        related_name="restricted_meetings",
    )
    activities = models.ManyToManyField(
        Activity,
        verbose_name=_("work-programme activities"),
        blank=True,
        related_name="meetings",
    )
    reported_total = models.PositiveIntegerField(
        _("total participants (reported)"),
        null=True,
        blank=True,
        help_text=_("For meetings with counts only, e.g. 47 of “47/21”."),
    )
    reported_female = models.PositiveIntegerField(
        _("female participants (reported)"),
        null=True,
        blank=True,
        help_text=_("E.g. 21 of “47/21”."),
    )
    external_url = models.URLField(_("external page"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="meeting_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(reported_female__isnull=True)
                | Q(reported_total__isnull=True)
                | Q(reported_female__lte=F("reported_total")),
                name="meeting_female_not_above_total",
            ),
        ]
        indexes = [models.Index(fields=["start_date"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Each rule names its field, so forms and services report it where it belongs."""
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {
                    "end_date": _(
                        "End date: the meeting cannot end (%(end)s) before it starts (%(start)s)."
                    )
                    % {
                        "end": date_format(self.end_date, "DATE_FORMAT"),
                        "start": date_format(self.start_date, "DATE_FORMAT"),
                    }
                }
            )
        total, female = self.reported_total, self.reported_female
        if total is not None and female is not None and female > total:
            raise ValidationError(
                {
                    "reported_female": _(
                        "Female participants: %(female)s is more than the total of %(total)s."
                    )
                    % {"female": female, "total": total}
                }
            )
        if female is not None and total is None:
            raise ValidationError(
                {"reported_total": _("Total participants: give the total with the female count.")}
            )
        self._clean_place_and_time()

    def _clean_place_and_time(self) -> None:
        if self.mode in (self.Mode.ONLINE, self.Mode.HYBRID) and not self.online_url:
            raise ValidationError(
                {
                    "online_url": _(
                        "Online meeting link: an online or hybrid meeting needs its link."
                    )
                }
            )
        if self.mode != self.Mode.ONLINE and not self.city:
            raise ValidationError({"city": _("City: a meeting held in person needs its city.")})
        if self.end_time and self.start_time is None:
            raise ValidationError(
                {"start_time": _("Start time: give a start time with the end time.")}
            )
        same_day = self.start_date == self.end_date
        if self.start_time and self.end_time and same_day and self.end_time < self.start_time:
            raise ValidationError(
                {"end_time": _("End time: the meeting cannot end before it starts.")}
            )

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or "UTC")

    @property
    def is_all_day(self) -> bool:
        return self.start_time is None

    @property
    def starts_at(self) -> dt.datetime | None:
        if self.start_time is None:
            return None
        return dt.datetime.combine(self.start_date, self.start_time, tzinfo=self.tz)

    @property
    def ends_at(self) -> dt.datetime | None:
        if self.start_time is None:
            return None
        end_time = self.end_time or self.start_time
        return dt.datetime.combine(self.end_date, end_time, tzinfo=self.tz)

    @property
    def is_upcoming(self) -> bool:
        return self.end_date >= timezone.localdate() and self.status == self.Status.PLANNED

    @property
    def venue(self) -> str:
        if self.mode == self.Mode.ONLINE:
            return str(_("online"))
        place = ", ".join(
            part for part in (self.city, self.country.name if self.country else "") if part
        )
        if self.mode == self.Mode.HYBRID:
            online = _("and online")
            return f"{place} ({online})" if place else str(_("online"))
        return place


class MeetingPartner(models.Model):
    """An organiser, co-organiser or funder: a country, an agency, an organisation or a name."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("organiser")
        CO_ORGANISER = "co_organiser", _("co-organiser")
        FUNDER = "funder", _("funder")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="partners"
    )
    role = models.CharField(_("role"), max_length=14, choices=Role.choices)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For bodies not in the portal.")
    )

    class Meta:
        ordering = ["meeting", "role", "pk"]
        verbose_name = _("organiser or funder")
        verbose_name_plural = _("organisers and funders")
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False)
                | Q(agency__isnull=False)
                | Q(organisation__isnull=False)
                | ~Q(name=""),
                name="meeting_partner_names_someone",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        if self.agency_id:
            return str(self.agency)
        if self.country_id:
            return str(self.country)
        return self.name


class Session(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    chairs = models.CharField(_("chairs"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["meeting", "date", "start_time", "order", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
                name="session_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="items"
    )
    title = models.CharField(_("title"), max_length=300)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    speakers = models.CharField(_("speakers"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["session", "start_time", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
                name="agenda_item_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
