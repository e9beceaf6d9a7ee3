"""Forum: categories (thematic areas), topics, posts, subscriptions, notifications, moderation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Bilingual, Region, TimeStampedModel


class ForumProfile(TimeStampedModel):
    """The forum identity of a portal user: the `@handle` others mention."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="forum_profile",
    )
    handle = models.CharField(
        _("handle"),
        max_length=30,
        unique=True,
        help_text=_("Others mention you as @handle. Letters, digits, dots, hyphens, underscores."),
    )

    class Meta:
        ordering = ["handle"]
        verbose_name = _("forum profile")
        verbose_name_plural = _("forum profiles")

    def __str__(self) -> str:
        return f"@{self.handle}"


class Category(TimeStampedModel):
    """A thematic area; who may see and post in it is decided by `access`."""

    class Access(models.TextChoices):
        OPEN = "open", _("all members")
        FOCAL_POINTS = "focal_points", _("secretariat and focal points")
        REGION = "region", _("one country group")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    access = models.CharField(
        _("access"), max_length=16, choices=Access.choices, default=Access.OPEN
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("country group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forum_categories",
        help_text=_("Only for categories open to one country group."),
    )
    topics_by_secretariat_only = models.BooleanField(
        _("only the secretariat starts topics"), default=False
    )
    allow_attachments = models.BooleanField(_("attachments allowed"), default=True)
    require_approval = models.BooleanField(
        _("approve first posts of new users"),
        default=False,
        help_text=_("A moderator approves the first post of a user who has never posted."),
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_forum_categories",
    )

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(access="region") | Q(region__isnull=False),
                name="forum_region_category_has_region",
            )
        ]

    def __str__(self) -> str:
        return self.name

    name = Bilingual()
    description = Bilingual()

    def get_absolute_url(self) -> str:
        return reverse("forum:category", kwargs={"slug": self.slug})


class Topic(TimeStampedModel):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="topics"
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="forum_topics",
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    approved = models.BooleanField(_("approved"), default=True)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    last_post_number = models.PositiveIntegerField(_("last post number"), default=0)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last poster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the topic discusses elsewhere in the portal: a country, an indicator, a case...
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("linked object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    object_id = models.PositiveBigIntegerField(_("linked object id"), null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["-pinned", "-last_post_at"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(
                fields=["category", "-pinned", "-last_post_at"], name="forum_topic_listing"
            ),
            models.Index(fields=["content_type", "object_id"], name="forum_topic_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="forum_topic_subject_complete",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", kwargs={"pk": self.pk})


class Post(TimeStampedModel):
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    number = models.PositiveIntegerField(_("number in topic"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="forum_posts",
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    source = models.TextField(_("text (Markdown)"))
    html = models.TextField(_("rendered text"))
    language = models.CharField(_("language"), max_length=8, default="en")
    approved = models.BooleanField(_("approved"), default=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    edit_count = models.PositiveIntegerField(_("edits"), default=0)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    # Filled on PostgreSQL only (english or spanish configuration per `language`); GIN index
    # created by migration 0002 on PostgreSQL.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["topic", "number"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="forum_post_number_unique")
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="forum_post_author"),
            models.Index(fields=["-created_at", "-id"], name="forum_post_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", kwargs={"pk": self.pk})


class PostRevision(models.Model):
    """The text of a post before an edit."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions"
    )
    source = models.TextField(_("previous text"))
    html = models.TextField(_("previous rendered text"))
    title = models.CharField(_("previous title"), max_length=200, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("edited by"), on_delete=models.PROTECT
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("edited at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")

    def __str__(self) -> str:
        return f"{self.post} ({self.created_at:%Y-%m-%d %H:%M})"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: the user's file name is kept, sanitised, for display only.
    return f"forum/attachments/{instance.token}{instance.extension}"


class Attachment(models.Model):
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=10, editable=False)
    name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["post", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:attachment", kwargs={"pk": self.pk, "name": self.name})


class Subscription(models.Model):
    """Watching a topic or a whole category."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="forum_subscriptions",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=True, category__isnull=False)
                | Q(topic__isnull=False, category__isnull=True),
                name="forum_subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "topic"],
                condition=Q(topic__isnull=False),
                name="forum_subscription_topic_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="forum_subscription_category_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic or self.category}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", _("mentioned you")
        REPLY = "reply", _("replied to your post")
        WATCHING = "watching", _("posted in a topic you watch")
        NEW_TOPIC = "new_topic", _("started a topic in a category you watch")
        MODERATION = "moderation", _("moderated your post")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="forum_notifications",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE)
    post = models.ForeignKey(Post, verbose_name=_("post"), null=True, on_delete=models.CASCADE)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="forum_notification_unread")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} ({self.topic})"


class TopicReadState(models.Model):
    """What a user has read of a topic: the highest post number seen."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_read_states"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forum_read_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.topic} up to #{self.last_read_number}"


class Report(models.Model):
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="forum_report_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post}: {self.reason[:40]}"


class ModerationLog(models.Model):
    class Action(models.TextChoices):
        PIN = "pin", _("pinned")
        UNPIN = "unpin", _("unpinned")
        LOCK = "lock", _("locked")
        UNLOCK = "unlock", _("unlocked")
        MOVE = "move", _("moved")
        HIDE_TOPIC = "hide_topic", _("hid topic")
        UNHIDE_TOPIC = "unhide_topic", _("restored topic")
        HIDE_POST = "hide_post", _("hid post")
        UNHIDE_POST = "unhide_post", _("restored post")
        APPROVE = "approve", _("approved post")
        RESOLVE_REPORT = "resolve_report", _("resolved report")
        EDIT = "edit", _("edited another user's post")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moderator"), on_delete=models.PROTECT
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.moderator} {self.get_action_display()} {self.topic or self.post}"
