"""Accounts, organisations and the reference data every other app points to."""

from datetime import timedelta
from typing import Any, overload

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def localized(english: str, spanish: str) -> str:
    """The Spanish text when the active language is Spanish and it is filled, else the English."""
    return spanish if spanish and (get_language() or "en").startswith("es") else english


class Bilingual:
    """A read-only text in the reader's language: ``description = Bilingual()`` beside the
    fields ``description_en`` and ``description_es`` gives the Spanish when the active language
    is Spanish and it is filled, else the English."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.english = f"{name}_en"
        self.spanish = f"{name}_es"

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> "Bilingual": ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> str: ...

    def __get__(self, instance: Any, owner: type | None = None) -> "Bilingual | str":
        if instance is None:
            return self
        return localized(getattr(instance, self.english), getattr(instance, self.spanish))


class BilingualNameMixin:
    """Picks `name_es` when the active language is Spanish and it is filled."""

    name_en: str
    name_es: str

    name = Bilingual()


class Country(BilingualNameMixin, models.Model):
    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, unique=True)
    m49 = models.CharField(_("UN M49 code"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    cis = models.BooleanField(
        _("CIS member"),
        default=False,
        help_text=_("Commonwealth of Independent States: the technical note's special trend rule."),
    )
    is_member = models.BooleanField(
        _("working-group member"),
        default=False,
        help_text=_("Takes part in the working group and submits data sheets."),
    )
    member_since = models.DateField(
        _("member since"),
        null=True,
        blank=True,
        help_text=_("When the country joined the working group (empty: not recorded)."),
    )
    member_until = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_("When the country left the working group (empty: still a member)."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country or area")
        verbose_name_plural = _("countries and areas")

    def __str__(self) -> str:
        return self.name


class Region(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        M49 = "m49", _("UN M49 region")
        GROUP = "group", _("country group")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    members = models.ManyToManyField(
        Country, verbose_name=_("members"), related_name="regions", blank=True
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SubnationalArea(BilingualNameMixin, models.Model):
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="areas"
    )
    code = models.CharField(_("code"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=160)
    name_es = models.CharField(_("name (Spanish)"), max_length=160, blank=True)

    class Meta:
        ordering = ["country", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="unique_area_code_per_country")
        ]
        verbose_name = _("subnational area")
        verbose_name_plural = _("subnational areas")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Agency(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    acronym_en = models.CharField(_("acronym (English)"), max_length=30)
    acronym_es = models.CharField(_("acronym (Spanish)"), max_length=30)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    url = models.URLField(_("web site"), blank=True)

    class Meta:
        ordering = ["acronym_en"]
        verbose_name = _("international agency")
        verbose_name_plural = _("international agencies")

    def __str__(self) -> str:
        return self.acronym

    acronym = Bilingual()
    name = Bilingual()


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        NSO = "nso", _("national statistical office")
        MINISTRY = "ministry", _("ministry or other national institution")
        AGENCY = "agency", _("international agency")
        SECRETARIAT = "secretariat", _("secretariat")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Deactivated organisations stay on their records but take no new members."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["nso", "ministry"]) | Q(country__isnull=False),
                name="national_organisation_has_country",
            ),
            models.CheckConstraint(
                condition=~Q(kind="agency") | Q(agency__isnull=False),
                name="agency_organisation_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.COORDINATOR)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        COUNTRY_FOCAL_POINT = "country_focal_point", _("country focal point")
        COUNTRY_MEMBER = "country_member", _("country member")
        AGENCY_FOCAL_POINT = "agency_focal_point", _("agency focal point")
        COORDINATOR = "coordinator", _("coordinator / secretariat")
        OBSERVER = "observer", _("observer")

    class Digest(models.TextChoices):
        IMMEDIATE = "immediate", _("immediately")
        DAILY = "daily", _("daily digest")
        NONE = "none", _("never")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.OBSERVER)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", "English"), ("es", "Español")],
        default="en",
    )
    email_notifications = models.CharField(
        _("e-mail notifications"), max_length=10, choices=Digest.choices, default=Digest.IMMEDIATE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def country(self) -> Country | None:
        return self.organisation.country if self.organisation else None

    @property
    def agency(self) -> Agency | None:
        return self.organisation.agency if self.organisation else None


class WorkerHeartbeat(models.Model):
    """Written by a Celery worker: proof that a task ran end to end."""

    hostname = models.CharField(max_length=200)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} {self.created_at:%Y-%m-%d %H:%M:%S}"


class PersonalToken(models.Model):
    """A personal API token: shown once, stored hashed, revocable at any time."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEvent(models.Model):
    """A state change that matters, recorded with who, when, what and from where."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    summary = models.CharField(_("what"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.summary}"


class PendingTask(models.Model):
    """The outbox: a task written in the same transaction as the change that needs it.

    It is published to the broker after commit and deleted once the broker took it; if the
    broker is down, a periodic sweep publishes it later. Nothing queued is lost.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    key = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="what it concerns, for pages"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pending task")
        verbose_name_plural = _("pending tasks")

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class IdempotencyKeyQuerySet(models.QuerySet["IdempotencyKey"]):
    def expired(self) -> "IdempotencyKeyQuerySet":
        return self.filter(created_at__lt=timezone.now() - IdempotencyKey.TTL)


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` on one API endpoint, and the answer its first request got.

    The row is claimed (inserted, unique per user, endpoint and key) before the request is
    processed, so a duplicate sent meanwhile from any worker is refused instead of processed
    twice; once the request succeeded, its status and JSON body are replayed to every retry.
    """

    TTL = timedelta(hours=24)

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(_("endpoint"), max_length=60)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the method, path and body of the first request"
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"], name="unique_idempotency_key_per_user_endpoint"
            )
        ]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"

    @property
    def is_expired(self) -> bool:
        return self.created_at < timezone.now() - self.TTL


# The secretariat's records live in their own module; imported here so Django registers them.
from portal.secretariat.models import (  # noqa: E402, F401
    IndicatorChange,
    Invitation,
    RoundIndicator,
    RoundReminder,
)
