from django.contrib import admin

from .models import (
    ActionItem,
    Activity,
    AgendaItem,
    Biennium,
    Conclusion,
    Consultation,
    Document,
    DocumentVersion,
    ExpertProfile,
    Grant,
    Meeting,
    MeetingPartner,
    Mission,
    Objective,
    Participant,
    ParticipantGroup,
    Session,
    TraineeCount,
    Trainer,
    Training,
    TrainingEvaluation,
)


class PartnerInline(admin.TabularInline):
    model = MeetingPartner
    extra = 0
    autocomplete_fields = ["country", "agency", "organisation"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class ConclusionInline(admin.TabularInline):
    model = Conclusion
    extra = 0


class ActionInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    autocomplete_fields = ["owner"]


class ParticipantGroupInline(admin.StackedInline):
    model = ParticipantGroup
    extra = 0
    autocomplete_fields = ["countries", "agencies"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "start_date",
        "end_date",
        "city",
        "country",
        "status",
        "visibility",
    ]
    list_filter = ["kind", "status", "visibility", "mode"]
    search_fields = ["title", "thematic_focus", "city"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["country", "allowed_organisations", "activities"]
    inlines = [PartnerInline, SessionInline, ConclusionInline, ActionInline, ParticipantGroupInline]


@admin.register(MeetingPartner)
class MeetingPartnerAdmin(admin.ModelAdmin):
    list_display = ["meeting", "role", "country", "agency", "organisation", "name"]
    list_filter = ["role"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "date", "start_time", "chairs"]
    search_fields = ["title", "meeting__title"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "start_time", "speakers"]
    search_fields = ["title", "speakers"]


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    readonly_fields = [
        "number",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the checked service (meetings.services.document_upload)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "kind", "language", "visibility"]
    list_filter = ["kind", "language", "visibility"]
    search_fields = ["title", "meeting__title"]
    inlines = [VersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["document", "number", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = [
        "document",
        "number",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "meeting", "organisation", "country", "sex", "attendance"]
    list_filter = ["attendance", "sex"]
    search_fields = ["full_name", "meeting__title"]
    raw_id_fields = ["user", "meeting"]


@admin.register(Conclusion)
class ConclusionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "order"]


@admin.register(ParticipantGroup)
class ParticipantGroupAdmin(admin.ModelAdmin):
    list_display = ("meeting", "institution_type", "institutions", "people")
    list_filter = ("institution_type",)
    filter_horizontal = ("countries", "agencies")


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "owner", "due_date", "status"]
    list_filter = ["status"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


@admin.register(Biennium)
class BienniumAdmin(admin.ModelAdmin):
    list_display = ["title", "start_year", "end_year"]
    inlines = [ObjectiveInline]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "biennium", "number"]
    list_filter = ["biennium"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "biennium",
        "objective",
        "lead",
        "start_date",
        "end_date",
        "status",
    ]
    list_filter = ["biennium", "status"]
    search_fields = ["code", "title", "lead", "entities"]
    raw_id_fields = ["parent", "objective"]


class TrainerInline(admin.TabularInline):
    model = Trainer
    extra = 0


class TraineeInline(admin.TabularInline):
    model = TraineeCount
    extra = 0
    autocomplete_fields = ["country"]


class EvaluationInline(admin.StackedInline):
    model = TrainingEvaluation
    extra = 0


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start_date", "country"]
    list_filter = ["kind"]
    search_fields = ["title", "topic"]
    inlines = [TrainerInline, TraineeInline, EvaluationInline]


admin.site.register(Trainer)
admin.site.register(TraineeCount)
admin.site.register(TrainingEvaluation)


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "topics", "available"]
    search_fields = ["name", "topics"]


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["topic", "kind", "host_country", "start_date"]
    list_filter = ["kind"]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["title", "donor_name", "amount", "currency", "status"]
    list_filter = ["status", "currency"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "donor_name",
        "donor",
        "activity",
        "amount_sought",
        "currency",
        "status",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["donor_name", "project", "outcome"]
