"""The secretariat's records in the Django admin (superusers): read-only, since the portal's
pages make the changes and audit them."""

from typing import Any

from django.contrib import admin

from portal.secretariat.models import IndicatorChange, Invitation, RoundIndicator, RoundReminder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "role", "organisation", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "full_name"]
    exclude = ["token_hash"]


@admin.register(RoundIndicator)
class RoundIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["round", "indicator"]
    list_filter = ["round"]


@admin.register(RoundReminder)
class RoundReminderAdmin(ReadOnlyAdmin):
    list_display = ["round", "country", "kind", "sent_on", "recipients"]
    list_filter = ["round", "kind"]


@admin.register(IndicatorChange)
class IndicatorChangeAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "at", "changed_by", "reason", "engine_run"]
    search_fields = ["indicator__code", "reason"]
