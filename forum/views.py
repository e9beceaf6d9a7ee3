"""Pages of the forum. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum import forms, permissions, selectors, services
from forum.links import resolve_subject, visible_subject
from forum.models import Attachment, Category, ForumProfile, Post, Report, Topic
from forum.rendering import quote_source

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20
RESULTS_PER_PAGE = 20


SEARCH_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most SEARCH_COUNT_CAP + 1 rows: a common word must not count every match."""

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            self._capped_count = self.object_list[: SEARCH_COUNT_CAP + 1].count()  # type: ignore[attr-defined]
        return self._capped_count  # type: ignore[no-any-return]


def _page(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int, capped: bool = False
) -> Page:
    paginator_class = CappedPaginator if capped else Paginator
    return paginator_class(queryset, per_page).get_page(request.GET.get("page"))


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault(
        "forum_unread_notifications", selectors.unread_notification_count(user=request.user)
    )
    return render(request, f"forum/{template}", context, status=status)


def _apply_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _rate_limited(request: HttpRequest, exc: services.RateLimited) -> HttpResponse:
    response = _render(request, "rate_limited.html", {"retry_after": exc.retry_after}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _get_category(request: HttpRequest, slug: str) -> Category:
    category = get_object_or_404(Category.objects.select_related("region"), slug=slug)
    if not permissions.can_read_category(request.user, category):
        raise Http404
    return category


def _get_topic(request: HttpRequest, pk: int) -> Topic:
    topic = get_object_or_404(Topic.objects.select_related("category__region", "author"), pk=pk)
    if not permissions.can_read_topic(request.user, topic):
        raise Http404
    return topic


def _get_post(request: HttpRequest, pk: int) -> Post:
    post = get_object_or_404(
        Post.objects.select_related("topic__category__region", "author__forum_profile"), pk=pk
    )
    if not permissions.can_read_post(request.user, post):
        raise Http404
    return post


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
        post.can_edit = permissions.can_edit_post(user, post)  # type: ignore[attr-defined]
        post.can_see = permissions.can_read_post(user, post)  # type: ignore[attr-defined]
        post.can_report = permissions.can_report_post(user, post)  # type: ignore[attr-defined]
        post.is_unread = bool(state) and post.number > last_read  # type: ignore[attr-defined]
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


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post(request, pk)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied(_("You cannot edit this post."))
    with_title = post.number == 1
    initial = {"source": post.source, "title": post.topic.title}
    form = forms.EditForm(request.POST or None, initial=initial, with_title=with_title)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                user=request.user,  # type: ignore[arg-type]
                post=post,
                source=form.cleaned_data["source"],
                reason=form.cleaned_data["reason"],
                title=form.cleaned_data.get("title"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return _render(request, "post_edit.html", {"post": post, "form": form}, status=status)


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post(request, pk)
    revisions = post.revisions.select_related("editor")
    return _render(request, "post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post(request, pk)
    if not permissions.can_report_post(request.user, post):
        raise PermissionDenied
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_report(user=request.user, post=post, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: the moderators will look at this post."))
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return _render(request, "post_report.html", {"post": post, "form": form}, status=status)


@login_required
@require_POST
def topic_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic(request, pk)
    if not permissions.can_moderate_category(request.user, topic.category):
        raise PermissionDenied
    categories = [
        c
        for c in selectors.readable_categories(user=request.user)
        if permissions.can_moderate_category(request.user, c)
    ]
    form = forms.TopicModerationForm(request.POST, categories=categories)
    if form.is_valid():
        try:
            services.topic_moderate(
                moderator=request.user,  # type: ignore[arg-type]
                topic=topic,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                target=form.cleaned_data.get("target"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Done: the moderation log records it."))
            return redirect(topic)
    return _render(request, "moderation_form.html", {"topic": topic, "form": form}, status=400)


@login_required
@require_POST
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("topic__category__region"), pk=pk)
    if not permissions.can_read_topic(request.user, post.topic):
        raise Http404
    if not permissions.can_moderate_category(request.user, post.topic.category):
        raise PermissionDenied
    form = forms.PostModerationForm(request.POST)
    if form.is_valid():
        try:
            services.post_moderate(
                moderator=request.user,  # type: ignore[arg-type]
                post=post,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Done: the moderation log records it."))
            return redirect(request.POST.get("next") == "queue" and "forum:moderation" or post)
    return _render(
        request,
        "moderation_form.html",
        {"topic": post.topic, "post": post, "form": form},
        status=400,
    )


@login_required
@require_POST
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.select_related("post__topic__category"), pk=pk)
    services.report_resolve(moderator=request.user, report=report)  # type: ignore[arg-type]
    messages.success(request, _("The report is resolved."))
    return redirect("forum:moderation")


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    if not selectors.moderated_category_ids(user=request.user):
        raise PermissionDenied
    return _render(request, "moderation.html", selectors.moderation_queue(user=request.user))


@login_required
@require_POST
def topic_watch(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic(request, pk)
    watching = services.subscription_toggle(user=request.user, topic=topic)  # type: ignore[arg-type]
    messages.success(
        request,
        _("You are watching this topic.") if watching else _("You stopped watching this topic."),
    )
    return redirect(topic)


@login_required
@require_POST
def category_watch(request: HttpRequest, slug: str) -> HttpResponse:
    category = _get_category(request, slug)
    watching = services.subscription_toggle(user=request.user, category=category)  # type: ignore[arg-type]
    messages.success(
        request,
        _("You are watching this category.")
        if watching
        else _("You stopped watching this category."),
    )
    return redirect(category)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.notifications_for(user=request.user), 30)  # type: ignore[arg-type]
    return _render(request, "notifications.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(request.user.forum_notifications, pk=pk)  # type: ignore[union-attr]
    services.notifications_mark_read(user=request.user, ids=[notification.pk])  # type: ignore[arg-type]
    if notification.post_id:
        return redirect("forum:post", pk=notification.post_id)
    return redirect("forum:topic", pk=notification.topic_id)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("All notifications are marked as read."))
    return redirect("forum:notifications")


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = None
    if query:
        page = _page(
            request,
            selectors.search_posts(user=request.user, query=query),
            RESULTS_PER_PAGE,
            capped=True,
        )
    return _render(
        request,
        "search.html",
        {"form": form, "query": query, "page": page, "cap": SEARCH_COUNT_CAP},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    current = services.forum_profile_get_or_create(user=request.user)  # type: ignore[arg-type]
    form = forms.HandleForm(request.POST or None, initial={"handle": current.handle})
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_profile_update(user=request.user, handle=form.cleaned_data["handle"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your handle is saved."))
            return redirect("forum:profile")
    status = 400 if request.method == "POST" else 200
    return _render(request, "profile.html", {"form": form, "profile": current}, status=status)


@login_required
def user_posts(request: HttpRequest, handle: str) -> HttpResponse:
    profile = get_object_or_404(
        ForumProfile.objects.select_related("user__organisation"), handle=handle
    )
    topics = selectors.visible_topics(user=request.user).values("pk")
    posts = (
        Post.objects.filter(author=profile.user, topic__in=topics, hidden=False, approved=True)
        .select_related("topic__category")
        .order_by("-created_at", "-pk")
    )
    return _render(request, "user.html", {"profile": profile, "page": _page(request, posts, 20)})


@login_required
def attachment_download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    attachment = get_object_or_404(
        Attachment.objects.select_related("post__topic__category__region"), pk=pk
    )
    if not permissions.can_download_attachment(request.user, attachment):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def new_topic_url(*, subject_reference: str = "", category: Category | None = None) -> str:
    params = {}
    if subject_reference:
        params["subject"] = subject_reference
    if category is not None:
        params["category"] = category.slug
    url = reverse("forum:topic_create")
    return f"{url}?{urlencode(params)}" if params else url
