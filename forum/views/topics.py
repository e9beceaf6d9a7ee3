"""Forum index, categories and topics: read, start a topic, reply, jump to a post or the first unread one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum import forms, permissions, selectors, services
from forum.links import resolve_subject, visible_subject
from forum.models import Category, Post, Topic
from forum.rendering import quote_source
from forum.views.common import (
    POSTS_PER_PAGE,
    TOPICS_PER_PAGE,
    _apply_errors,
    _get_category,
    _get_topic,
    _page,
    _rate_limited,
    _render,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    categories = selectors.category_list(user=request.user)
    latest = list(selectors.topic_listing(user=request.user)[:10])
    selectors.annotate_unread(user=request.user, topics=latest)
    return _render(
        request,
        "index.html",
        {
            "categories": categories,
            "latest": latest,
            "can_start": bool(selectors.startable_categories(user=request.user)),
            "search_form": forms.SearchForm(),
        },
    )


@login_required
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = _get_category(request, slug)
    page = _page(
        request, selectors.topic_listing(user=request.user, category=category), TOPICS_PER_PAGE
    )
    selectors.annotate_unread(user=request.user, topics=list(page.object_list))
    watched = category.subscriptions.filter(user=request.user).exists()  # type: ignore[misc]
    return _render(
        request,
        "category.html",
        {
            "category": category,
            "page": page,
            "watched": watched,
            "can_start": permissions.can_start_topic(request.user, category),
            "can_moderate": permissions.can_moderate_category(request.user, category),
        },
    )


def _topic_form_initial(
    request: HttpRequest, categories: list[Category]
) -> tuple[dict[str, Any], Any]:
    """Initial values from `?category=<slug>&subject=<ref>`; 404 on a bad subject."""
    initial: dict[str, Any] = {"language": request.user.language or "en"}  # type: ignore[union-attr]
    slug = request.GET.get("category")
    for category in categories:
        if category.slug == slug:
            initial["category"] = category.pk
    subject = None
    if request.GET.get("subject"):
        initial["subject"] = request.GET["subject"]
        try:
            subject = resolve_subject(request.GET["subject"], user=request.user)
        except ValidationError:
            raise Http404 from None
    return initial, subject


@login_required
@require_http_methods(["GET", "POST"])
def topic_create(request: HttpRequest) -> HttpResponse:
    categories = selectors.startable_categories(user=request.user)
    if not categories:
        raise PermissionDenied(_("You cannot start topics."))
    initial, subject = _topic_form_initial(request, categories)
    form = forms.TopicForm(
        request.POST or None,
        request.FILES or None,
        categories=categories,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = data["subject"]
        try:
            topic = services.topic_create(
                user=request.user,  # type: ignore[arg-type]
                category=data["category"],
                title=data["title"],
                source=data["source"],
                language=data["language"],
                files=data["attachments"],
                subject=subject,
            )
        except services.RateLimited as exc:
            return _rate_limited(request, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if topic.approved:
                messages.success(request, _("Your topic is published."))
            else:
                messages.info(request, _("Your topic will appear once a moderator approves it."))
            return redirect(topic)
    status = 400 if request.method == "POST" else 200
    return _render(request, "topic_form.html", {"form": form, "subject": subject}, status=status)


def _reply_form_initial(request: HttpRequest, topic: Topic) -> dict[str, Any]:
    initial: dict[str, Any] = {"language": request.user.language or "en"}  # type: ignore[union-attr]
    quote_id = request.GET.get("quote") or request.GET.get("reply_to")
    if quote_id and quote_id.isdigit():
        post = (
            Post.objects.select_related("author__forum_profile", "topic__category")
            .filter(pk=int(quote_id), topic=topic)
            .first()
        )
        if post is not None and permissions.can_read_post(request.user, post):
            initial["reply_to"] = post.pk
            if "quote" in request.GET:
                profile = services.forum_profile_get_or_create(user=post.author)
                initial["source"] = quote_source(handle=profile.handle, source=post.source)
    return initial


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic(request, pk)
    user = request.user
    page = _page(request, selectors.topic_posts(user=user, topic=topic), POSTS_PER_PAGE)
    posts = list(page.object_list)
    state = selectors.topic_read_state(user=user, topic=topic)
    last_read = state.last_read_number if state else 0
    if posts:
        services.topic_mark_read(user=user, topic=topic, number=posts[-1].number, state=state)  # type: ignore[arg-type]
    can_moderate = permissions.can_moderate_category(user, topic.category)
    for post in posts:
        post.topic = topic  # the permission checks need no further query
        post.can_edit = permissions.can_edit_post(user, post)
        post.can_see = permissions.can_read_post(user, post)
        post.can_report = permissions.can_report_post(user, post)
        post.is_unread = bool(state) and post.number > last_read
    can_reply = permissions.can_reply(user, topic)
    reply_form = None
    if can_reply:
        reply_form = forms.ReplyForm(initial=_reply_form_initial(request, topic))
        if not permissions.can_attach(user, topic.category):
            del reply_form.fields["attachments"]
    context = {
        "topic": topic,
        "category": topic.category,
        "page": page,
        "posts": posts,
        "can_reply": can_reply,
        "can_moderate": can_moderate,
        "reply_form": reply_form,
        "watching": selectors.is_watching(user=user, topic=topic),
        "subject": visible_subject(user, topic),
    }
    if can_moderate:
        context["moderation_form"] = forms.TopicModerationForm(
            categories=[
                c
                for c in selectors.readable_categories(user=user)
                if permissions.can_moderate_category(user, c)
            ]
        )
    return _render(request, "topic.html", context)


@login_required
@require_POST
def topic_reply(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic(request, pk)
    if not permissions.can_reply(request.user, topic):
        raise PermissionDenied(_("This topic is locked.") if topic.locked else None)
    form = forms.ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        reply_to = None
        if data.get("reply_to"):
            reply_to = Post.objects.filter(pk=data["reply_to"], topic=topic).first()
            if reply_to is not None and not permissions.can_read_post(request.user, reply_to):
                reply_to = None  # a hidden or pending post is not a door to its content
        try:
            post = services.post_create(
                user=request.user,  # type: ignore[arg-type]
                topic=topic,
                source=data["source"],
                language=data["language"],
                reply_to=reply_to,
                files=data["attachments"],
            )
        except services.RateLimited as exc:
            return _rate_limited(request, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if not post.approved:
                messages.info(request, _("Your reply will appear once a moderator approves it."))
            return redirect(post)
    return _render(request, "reply_form.html", {"topic": topic, "form": form}, status=400)


def _post_page_url(user: Any, post: Post) -> str:
    before = (
        selectors.topic_posts(user=user, topic=post.topic).filter(number__lt=post.number).count()
    )
    page = before // POSTS_PER_PAGE + 1
    url = post.topic.get_absolute_url()
    if page > 1:
        url += "?" + urlencode({"page": page})
    return f"{url}#post-{post.number}"


@login_required
def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("topic__category__region"), pk=pk)
    if not permissions.can_read_topic(request.user, post.topic):
        raise Http404
    return redirect(_post_page_url(request.user, post))


@login_required
def topic_unread(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic(request, pk)
    state = selectors.topic_read_state(user=request.user, topic=topic)
    number = (state.last_read_number if state else 0) + 1
    post = (
        selectors.topic_posts(user=request.user, topic=topic).filter(number__gte=number).first()
        or selectors.topic_posts(user=request.user, topic=topic).last()
    )
    if post is None:
        return redirect(topic)
    post.topic = topic
    return redirect(_post_page_url(request.user, post))


def new_topic_url(*, subject_reference: str = "", category: Category | None = None) -> str:
    params = {}
    if subject_reference:
        params["subject"] = subject_reference
    if category is not None:
        params["category"] = category.slug
    url = reverse("forum:topic_create")
    return f"{url}?{urlencode(params)}" if params else url
