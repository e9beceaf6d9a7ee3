from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import (
    Agency,
    AuditEvent,
    Country,
    IdempotencyKey,
    Organisation,
    PendingTask,
    PersonalToken,
    Region,
    SubnationalArea,
    User,
    WorkerHeartbeat,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {"fields": ("full_name", "organisation", "role", "language", "email_notifications")},
        ),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    def save_model(self, request, obj, form, change):
        """Role, organisation and access changes go to the audit trail."""
        watched = ["role", "organisation", "is_active", "is_staff", "is_superuser"]
        changed = [field for field in watched if field in form.changed_data]
        super().save_model(request, obj, form, change)
        if changed or not change:
            from portal.services import audit_record

            audit_record(
                action="user.access_changed" if change else "user.created",
                obj=obj,
                actor=request.user,
                address=request.META.get("REMOTE_ADDR"),
                summary=f"{obj.email}: {', '.join(changed) or 'created'}",
                details={field: str(getattr(obj, field)) for field in changed or watched},
            )

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "organisation", "role", "password1", "password2"),
            },
        ),
    )


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso3", "iso2", "m49", "name_en", "name_es", "cis", "is_member"]
    list_filter = ["is_member", "cis"]
    search_fields = ["iso3", "iso2", "m49", "name_en", "name_es"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_es", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_es"]
    filter_horizontal = ["members"]


@admin.register(SubnationalArea)
class SubnationalAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "country"]
    list_filter = ["country"]
    search_fields = ["code", "name_en"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "acronym_en", "acronym_es", "name_en"]
    search_fields = ["code", "acronym_en", "name_en"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "agency"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "created_at"]


@admin.register(PersonalToken)
class PersonalTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["name", "user__email"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "summary", "address"]
    list_filter = ["action"]
    search_fields = ["summary", "actor__email", "object_id"]
    readonly_fields = [
        "at",
        "actor",
        "address",
        "action",
        "object_type",
        "object_id",
        "summary",
        "details",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    list_display = ["task", "key", "created_at", "attempts", "last_error"]
    readonly_fields = ["task", "args", "key", "created_at", "attempts", "last_error"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "scope", "key", "response_status"]
    list_filter = ["scope"]
    search_fields = ["key", "user__email"]
    readonly_fields = [
        "user",
        "scope",
        "key",
        "fingerprint",
        "response_status",
        "response_body",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The secretariat's records, registered from their own module.
import portal.secretariat.admin  # noqa: E402, F401
