"""The forum over the API, read only: categories, topics, a topic with its posts. Every check is
the pages' own (forum.permissions through forum.selectors): a category, topic or post the
user may not read is never listed, and a hidden or pending post shows no text."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from forum import permissions, selectors
from forum.models import Attachment, Category, Post, Topic
from portal.api.errors import ERRORS
from portal.api.inputs import StrictQueryMixin, user_of


class CategoryOutput(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("The country group of a category open to one group only."),
    )
    topic_count = serializers.IntegerField(read_only=True)
    can_start_topic = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = [
            "slug",
            "name_en",
            "name_es",
            "description_en",
            "description_es",
            "access",
            "region",
            "topics_by_secretariat_only",
            "allow_attachments",
            "require_approval",
            "topic_count",
            "can_start_topic",
        ]

    def get_can_start_topic(self, category: Category) -> bool:
        return permissions.can_start_topic(self.context["request"].user, category)


class CategoryListApi(StrictQueryMixin, generics.ListAPIView):
    """The forum's categories you may read, with their number of topics."""

    serializer_class = CategoryOutput

    def get_queryset(self) -> list[Category] | QuerySet[Category]:  # type: ignore[override]
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Category.objects.none()
        return selectors.category_list(user=user_of(self.request))


class TopicOutput(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.CharField(source="author.full_name", read_only=True)
    last_poster = serializers.CharField(
        source="last_poster.full_name", read_only=True, allow_null=True
    )

    class Meta:
        model = Topic
        fields = [
            "id",
            "category",
            "title",
            "author",
            "language",
            "pinned",
            "locked",
            "hidden",
            "approved",
            "post_count",
            "last_post_at",
            "last_poster",
            "created_at",
        ]


class TopicFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__slug")

    class Meta:
        model = Topic
        fields = ["category"]


class TopicListApi(StrictQueryMixin, generics.ListAPIView):
    """Topics you may open, pinned first, then the latest activity first."""

    serializer_class = TopicOutput
    filterset_class = TopicFilter

    def get_queryset(self) -> QuerySet[Topic]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Topic.objects.none()
        return selectors.topic_listing(user=user_of(self.request))


class AttachmentOutput(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["name", "content_type", "size", "url"]


class PostOutput(serializers.ModelSerializer):
    author = serializers.CharField(source="author.full_name", read_only=True)
    author_handle = serializers.SerializerMethodField()
    organisation = serializers.CharField(
        source="author.organisation.name", read_only=True, allow_null=True
    )
    reply_to = serializers.IntegerField(
        source="reply_to.number",
        read_only=True,
        allow_null=True,
        help_text=_("The number of the post this one answers."),
    )
    html = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The rendered text; null when you may not read the post."),
    )
    attachments = AttachmentOutput(many=True, read_only=True, allow_null=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "number",
            "author",
            "author_handle",
            "organisation",
            "reply_to",
            "language",
            "approved",
            "hidden",
            "hidden_reason",
            "created_at",
            "edited_at",
            "edit_count",
            "source",
            "html",
            "attachments",
        ]
        extra_kwargs = {
            "source": {
                "read_only": True,
                "allow_null": True,
                "help_text": _("The text (Markdown); null when you may not read the post."),
            }
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_handle(self, post: Post) -> str | None:
        try:
            return str(post.author.forum_profile.handle)
        except ObjectDoesNotExist:
            return None

    def to_representation(self, instance: Post) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not getattr(instance, "can_see", False):
            data.update(source=None, html=None, attachments=None)
        return data


class TopicDetailOutput(TopicOutput):
    hidden_reason = serializers.CharField(read_only=True)
    can_reply = serializers.BooleanField(read_only=True)
    posts = PostOutput(source="visible_posts", many=True, read_only=True)

    class Meta(TopicOutput.Meta):
        fields = [*TopicOutput.Meta.fields, "hidden_reason", "can_reply", "posts"]


class TopicDetailApi(StrictQueryMixin, APIView):
    """One topic with the posts you may see, in order; a hidden post shows who wrote it and why
    it was hidden, but no text, as on the topic page."""

    @extend_schema(responses={200: TopicDetailOutput, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        user = user_of(request)
        topic = get_object_or_404(
            Topic.objects.select_related("category__region", "author", "last_poster"), pk=pk
        )
        if not permissions.can_read_topic(user, topic):
            raise NotFound()
        posts = list(selectors.topic_posts(user=user, topic=topic))
        for post in posts:
            post.topic = topic  # the permission checks need no further query
            post.can_see = permissions.can_read_post(user, post)  # type: ignore[attr-defined]
        topic.visible_posts = posts  # type: ignore[attr-defined]
        topic.can_reply = permissions.can_reply(user, topic)  # type: ignore[attr-defined]
        return Response(TopicDetailOutput(topic).data)
