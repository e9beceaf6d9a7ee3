from django.contrib import admin

from forum.models import (
    Attachment,
    Category,
    ForumProfile,
    ModerationLog,
    Notification,
    Post,
    PostRevision,
    Report,
    Subscription,
    Topic,
    TopicReadState,
)


@admin.register(ForumProfile)
class ForumProfileAdmin(admin.ModelAdmin):
    list_display = ["handle", "user"]
    search_fields = ["handle", "user__email", "user__full_name"]
    raw_id_fields = ["user"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_en", "slug", "position", "access", "region", "require_approval"]
    list_editable = ["position"]
    list_filter = ["access", "require_approval", "allow_attachments"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["moderators"]
    search_fields = ["name_en", "name_es", "slug"]


class PostInline(admin.TabularInline):
    model = Post
    fields = ("number", "author", "approved", "hidden", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "author",
        "post_count",
        "pinned",
        "locked",
        "hidden",
        "last_post_at",
    ]
    list_filter = ["category", "pinned", "locked", "hidden", "approved"]
    search_fields = ["title"]
    raw_id_fields = ["author", "last_poster"]
    date_hierarchy = "created_at"


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("name", "content_type", "size", "uploaded_by")
    readonly_fields = fields
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "language", "approved", "hidden", "created_at"]
    list_filter = ["approved", "hidden", "language", "topic__category"]
    search_fields = ["source", "topic__title"]
    raw_id_fields = ["topic", "author", "reply_to"]
    readonly_fields = ["html"]
    inlines = [AttachmentInline]


@admin.register(PostRevision)
class PostRevisionAdmin(admin.ModelAdmin):
    list_display = ["post", "editor", "reason", "created_at"]
    raw_id_fields = ["post", "editor"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "content_type", "size", "uploaded_by", "created_at"]
    raw_id_fields = ["post", "uploaded_by"]
    search_fields = ["name"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "category", "created_at"]
    raw_id_fields = ["user", "topic"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "topic", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "actor", "topic", "post"]


@admin.register(TopicReadState)
class TopicReadStateAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "last_read_number", "updated_at"]
    raw_id_fields = ["user", "topic"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "reason", "created_at", "resolved_at"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "topic", "post", "reason"]
    list_filter = ["action"]
    raw_id_fields = ["moderator", "topic", "post"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
