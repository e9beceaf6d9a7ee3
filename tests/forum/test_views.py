"""Pages: access, forms, errors, downloads, languages, and constant query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from forum import services
from forum.links import subject_reference
from forum.models import Attachment, Notification, Post, Topic
from tests.forum.conftest import make_topic
from tests.forum.test_uploads import PDF


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_anonymous_redirected_to_login(client, board):
    response = client.get(reverse("forum:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_index_lists_only_readable_categories(as_user, cast, board):
    body = as_user(cast.users["member"]).get(reverse("forum:index")).content.decode()
    assert "Health" in body and "EECA" in body
    assert "Statistical reconciliation" not in body and "LAC" not in body


def test_unreadable_category_and_topic_are_404(as_user, cast, board):
    topic = make_topic(cast.users["focal_point"], board.focal, title="Secret reconciliation")
    client = as_user(cast.users["member"])
    assert client.get(reverse("forum:category", args=["reconciliation"])).status_code == 404
    response = client.get(reverse("forum:topic", args=[topic.pk]))
    assert response.status_code == 404 and b"Secret reconciliation" not in response.content
    response = client.post(
        reverse("forum:topic_reply", args=[topic.pk]), {"source": "x", "language": "en"}
    )
    assert response.status_code == 404
    assert topic.posts.count() == 1


def test_start_topic_and_reply_with_quote(as_user, cast, board):
    client = as_user(cast.users["focal_point"])
    response = client.post(
        reverse("forum:topic_create"),
        {
            "category": board.open.pk,
            "title": "Under-five mortality gap",
            "source": "IGME vs VR",
            "language": "en",
        },
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    member = as_user(cast.users["member"])
    first = topic.posts.get()
    page = member.get(reverse("forum:topic", args=[topic.pk]) + f"?quote={first.pk}")
    assert b"&gt; **@fp.a**:" in page.content
    response = member.post(
        reverse("forum:topic_reply", args=[topic.pk]),
        {"source": "> IGME vs VR\n\nAgreed", "language": "en", "reply_to": first.pk},
    )
    reply = Post.objects.get(number=2)
    assert response.status_code == 302 and reply.reply_to == first
    assert Notification.objects.get(user=cast.users["focal_point"]).kind == "reply"


def test_form_errors_name_the_field(as_user, cast, board):
    client = as_user(cast.users["focal_point"])
    response = client.post(
        reverse("forum:topic_create"),
        {"category": board.open.pk, "title": "", "source": "", "language": "xx"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Title: Give the topic a title." in body
    assert "Text: Write something: the text is empty." in body
    assert "Language of the text:" in body
    assert not Topic.objects.exists()


def test_cannot_start_topic_in_category_not_offered(as_user, cast, board):
    client = as_user(cast.users["member"])
    response = client.post(
        reverse("forum:topic_create"),
        {"category": board.focal.pk, "title": "Sneaky topic", "source": "x", "language": "en"},
    )
    assert response.status_code == 400 and "Category:" in response.content.decode()
    assert not Topic.objects.exists()
    assert as_user(cast.users["observer"]).get(reverse("forum:topic_create")).status_code == 403


def test_script_in_title_and_post_is_escaped(as_user, cast, board):
    topic = make_topic(
        cast.users["focal_point"],
        board.open,
        title="<script>alert('t')</script>",
        source="<script>alert('p')</script> [x](javascript:alert(1))",
    )
    body = as_user(cast.users["member"]).get(topic.get_absolute_url()).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;t&#x27;)" in body
    assert 'href="javascript:' not in body


def test_locked_topic_reply_forbidden(as_user, cast, board):
    topic = make_topic(cast.users["focal_point"], board.open)
    services.topic_moderate(moderator=cast.users["coordinator"], topic=topic, action="lock")
    client = as_user(cast.users["member"])
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "This topic is locked" in page and 'id="reply"' not in page
    response = client.post(
        reverse("forum:topic_reply", args=[topic.pk]), {"source": "x", "language": "en"}
    )
    assert response.status_code == 403
    assert topic.posts.count() == 1


def test_edit_other_users_post_forbidden(as_user, cast, board):
    post = make_topic(cast.users["focal_point"], board.open).posts.get()
    client = as_user(cast.users["member"])
    assert client.get(reverse("forum:post_edit", args=[post.pk])).status_code == 403
    response = client.post(reverse("forum:post_edit", args=[post.pk]), {"source": "x"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.source == "Hello"


def test_edit_and_history(as_user, cast, board):
    post = make_topic(cast.users["focal_point"], board.open).posts.get()
    client = as_user(cast.users["focal_point"])
    response = client.post(
        reverse("forum:post_edit", args=[post.pk]),
        {"title": "Under-five mortality estimates", "source": "Hello, edited", "reason": "clarity"},
    )
    assert response.status_code == 302
    history = client.get(reverse("forum:post_history", args=[post.pk])).content.decode()
    assert "clarity" in history and "Hello, edited" in history


def test_rate_limit_gives_clear_429(as_user, cast, board, settings):
    settings.FORUM_POSTS_PER_MINUTE = 2
    topic = make_topic(cast.users["member"], board.open)
    client = as_user(cast.users["focal_point"])
    url = reverse("forum:topic_reply", args=[topic.pk])
    for _n in range(2):
        assert client.post(url, {"source": "ok", "language": "en"}).status_code == 302
    response = client.post(url, {"source": "too fast", "language": "en"})
    assert response.status_code == 429
    assert "Retry-After" in response
    assert "posting faster than the forum allows" in response.content.decode()
    assert topic.posts.count() == 3


def test_oversized_and_disguised_uploads_rejected_with_message(as_user, cast, board, settings):
    settings.FORUM_MAX_UPLOAD_BYTES = 500
    topic = make_topic(cast.users["member"], board.open)
    client = as_user(cast.users["focal_point"])
    url = reverse("forum:topic_reply", args=[topic.pk])
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 1000)
    response = client.post(url, {"source": "x", "language": "en", "attachments": [big]})
    assert response.status_code == 400 and "the limit is" in response.content.decode()
    fake = SimpleUploadedFile("<img src=x onerror=alert(1)>.pdf", b"<html><script>x</script>")
    response = client.post(url, {"source": "x", "language": "en", "attachments": [fake]})
    body = response.content.decode()
    assert response.status_code == 400 and "the content is not a PDF file" in body
    assert "<img src=x" not in body
    assert topic.posts.count() == 1 and not Attachment.objects.exists()


def test_attachment_download_headers_and_access(as_user, cast, board, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    topic = make_topic(
        cast.users["focal_point"], board.focal, files=[SimpleUploadedFile("note.pdf", PDF)]
    )
    attachment = Attachment.objects.get(post__topic=topic)
    url = attachment.get_absolute_url()
    response = as_user(cast.users["agency_focal_point"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert as_user(cast.users["member"]).get(url).status_code == 404


def test_moderator_locks_pins_moves_via_form(as_user, cast, board):
    topic = make_topic(cast.users["focal_point"], board.open)
    client = as_user(cast.users["coordinator"])
    url = reverse("forum:topic_moderate", args=[topic.pk])
    assert client.post(url, {"action": "lock"}).status_code == 302
    response = client.post(url, {"action": "move"})
    assert response.status_code == 400 and "Move to category:" in response.content.decode()
    response = client.post(url, {"action": "hide_topic"})
    assert response.status_code == 400 and "Reason:" in response.content.decode()
    topic.refresh_from_db()
    assert topic.locked and not topic.hidden
    log = client.get(reverse("forum:moderation")).content.decode()
    assert "<td>locked</td>" in log
    assert as_user(cast.users["member"]).post(url, {"action": "unlock"}).status_code == 403


def test_hidden_post_shows_reason_not_content(as_user, cast, board):
    topic = make_topic(cast.users["focal_point"], board.open, source="Offensive words")
    services.post_moderate(
        moderator=cast.users["coordinator"],
        post=topic.posts.get(),
        action="hide_post",
        reason="insult",
    )
    body = as_user(cast.users["member"]).get(topic.get_absolute_url()).content.decode()
    assert "Hidden by a moderator: insult" in body and "Offensive words" not in body


def test_report_post(as_user, cast, board):
    post = make_topic(cast.users["focal_point"], board.open).posts.get()
    client = as_user(cast.users["member"])
    response = client.post(reverse("forum:post_report", args=[post.pk]), {"reason": ""})
    assert (
        response.status_code == 400
        and "What is wrong with this post?:" in response.content.decode()
    )
    assert (
        client.post(reverse("forum:post_report", args=[post.pk]), {"reason": "spam"}).status_code
        == 302
    )


def test_notifications_page_and_unread(as_user, cast, board):
    fp, member = cast.users["focal_point"], cast.users["member"]
    topic = make_topic(fp, board.open)
    services.post_create(user=member, topic=topic, source="reply", enforce_rate_limit=False)
    client = as_user(fp)
    page = client.get(reverse("forum:notifications")).content.decode()
    assert 'data-testid="unread-count"' in page and "replied" not in page or "posted" in page
    listing = client.get(reverse("forum:category", args=["health"])).content.decode()
    assert "1 unread" in listing
    client.get(topic.get_absolute_url())
    listing = client.get(reverse("forum:category", args=["health"])).content.decode()
    assert "1 unread" not in listing
    assert not Notification.objects.filter(user=fp, read_at__isnull=True).exists()


def test_watch_toggle(as_user, cast, board):
    client = as_user(cast.users["member"])
    client.post(reverse("forum:category_watch", args=["health"]))
    assert cast.users["member"].forum_subscriptions.filter(category=board.open).exists()
    client.post(reverse("forum:category_watch", args=["health"]))
    assert not cast.users["member"].forum_subscriptions.exists()


def test_profile_handle_form(as_user, cast, board):
    client = as_user(cast.users["member"])
    response = client.post(reverse("forum:profile"), {"handle": "<b>x</b>"})
    assert response.status_code == 400 and "Handle:" in response.content.decode()
    assert client.post(reverse("forum:profile"), {"handle": "nurlan"}).status_code == 302


def test_search_page(as_user, cast, board):
    make_topic(
        cast.users["focal_point"],
        board.open,
        title="Migration definitions",
        source="usual residence",
    )
    make_topic(
        cast.users["focal_point"],
        board.focal,
        title="Secret migration case",
        source="usual residence",
    )
    body = (
        as_user(cast.users["member"])
        .get(reverse("forum:search"), {"q": "residence"})
        .content.decode()
    )
    assert "Migration definitions" in body and "Secret migration case" not in body


def test_spanish_pages(as_user, cast, board):
    member = cast.users["member"]
    member.language = "es"
    member.save()
    make_topic(cast.users["focal_point"], board.open, title="Mortalidad infantil", language="es")
    body = as_user(member).get(reverse("forum:index")).content.decode()
    assert "Categorías" in body and "Salud" in body and "Actividad reciente" in body
    assert 'lang="es"' in body


@translation.override("en")
def test_discussions_for_tag(cast, board, as_user):
    make_topic(
        cast.users["focal_point"], board.open, title="About Kazakhstan", subject=cast.country_a
    )
    make_topic(
        cast.users["focal_point"], board.focal, title="Hidden from members", subject=cast.country_a
    )
    template = Template("{% load forum_tags %}{% discussions_for obj %}")
    request = RequestFactory().get("/")
    request.user = cast.users["member"]
    html = template.render(Context({"request": request, "obj": cast.country_a}))
    assert "About Kazakhstan" in html and "Hidden from members" not in html
    assert "Discuss this" in html and subject_reference(cast.country_a).replace(":", "%3A") in html
    request.user = cast.users["observer"]
    html = template.render(Context({"request": request, "obj": cast.country_a}))
    assert "About Kazakhstan" in html and "Discuss this" not in html


def test_discuss_this_form_prelinked(as_user, cast, board):
    client = as_user(cast.users["focal_point"])
    ref = subject_reference(cast.country_a)
    url = reverse("forum:topic_create") + f"?subject={ref}"
    assert "Kazakhstan" in client.get(url).content.decode()
    client.post(
        url,
        {
            "category": board.open.pk,
            "title": "Kazakhstan data",
            "source": "x",
            "language": "en",
            "subject": ref,
        },
    )
    assert Topic.objects.get().subject == cast.country_a
    assert client.get(reverse("forum:topic_create") + "?subject=999:1").status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _fill_topic(topic, users, n, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    for i in range(n - 1):
        services.post_create(
            user=users[i % len(users)],
            topic=topic,
            source=f"post {i} @fp.a",
            reply_to=topic.posts.first(),
            enforce_rate_limit=False,
            notify=False,
            files=[SimpleUploadedFile("a.pdf", PDF)] if i % 5 == 0 else (),
        )


def test_topic_page_constant_queries(
    as_user, cast, board, django_assert_num_queries, settings, tmp_path
):
    users = [cast.users[r] for r in ("focal_point", "member", "agency_focal_point", "coordinator")]
    small = make_topic(users[0], board.open, title="Small topic")
    big = make_topic(users[0], board.open, title="Big topic")
    _fill_topic(small, users, 2, settings, tmp_path)
    _fill_topic(big, users, 30, settings, tmp_path)
    client = as_user(cast.users["focal_point_b"])
    expected = _queries(client, small.get_absolute_url())
    with django_assert_num_queries(expected):
        client.get(big.get_absolute_url())


def test_category_page_constant_queries(as_user, cast, board, django_assert_num_queries):
    users = [cast.users[r] for r in ("focal_point", "focal_point_b", "agency_focal_point")]
    for i in range(2):
        make_topic(users[i % 3], board.open, title=f"Small topic {i}")
    for i in range(30):
        make_topic(users[i % 3], board.focal, title=f"Big topic {i}")
    client = as_user(cast.users["coordinator"])
    expected = _queries(client, reverse("forum:category", args=["health"]))
    with django_assert_num_queries(expected):
        client.get(reverse("forum:category", args=["reconciliation"]))


def test_search_and_notifications_constant_queries(as_user, cast, board, django_assert_num_queries):
    fp = cast.users["focal_point"]
    for i in range(2):
        make_topic(fp, board.open, title=f"Alpha topic {i}", source="alpha")
    for i in range(30):
        make_topic(fp, board.open, title=f"Beta topic {i}", source="beta")
    client = as_user(cast.users["coordinator"])
    expected = _queries(client, reverse("forum:search") + "?q=alpha")
    with django_assert_num_queries(expected):
        client.get(reverse("forum:search") + "?q=beta")


def test_search_page_links_keep_the_query(as_user, cast, board):
    """Page links of the shared pagination include carry the search words, escaped."""
    for number in range(25):
        make_topic(
            cast.users["focal_point"],
            board.open,
            title=f"Residence {number}",
            source="usual residence",
        )
    client = as_user(cast.users["member"])
    body = client.get(reverse("forum:search"), {"q": "usual residence"}).content.decode()
    assert 'href="?q=usual%20residence&amp;page=2" rel="next"' in body
    second = client.get(reverse("forum:search"), {"q": "usual residence", "page": 2})
    assert 'href="?q=usual%20residence&amp;page=1" rel="prev"' in second.content.decode()


def test_category_page_links_without_a_query(as_user, cast, board):
    for number in range(35):
        make_topic(cast.users["focal_point"], board.open, title=f"Topic number {number}")
    body = (
        as_user(cast.users["member"])
        .get(reverse("forum:category", args=[board.open.slug]))
        .content.decode()
    )
    assert 'href="?page=2" rel="next"' in body
