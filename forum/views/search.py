"""Search, forum profiles and a person's posts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum import forms, selectors, services
from forum.models import ForumProfile, Post
from forum.views.common import RESULTS_PER_PAGE, SEARCH_COUNT_CAP, _apply_errors, _page, _render


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
