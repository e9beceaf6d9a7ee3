"""Writes: topics, posts, edits, notifications, moderation, rate limit, atomicity."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from forum import services
from forum.models import (
    Attachment,
    ModerationLog,
    Notification,
    Post,
    PostRevision,
    Subscription,
    Topic,
    TopicReadState,
)
from portal.models import User
from tests.forum.conftest import make_topic
from tests.forum.test_uploads import PDF


def test_topic_create_stores_source_and_html(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open, source="**Bold** <b>raw</b>")
    post = topic.posts.get()
    assert post.source == "**Bold** <b>raw</b>"
    assert "<strong>Bold</strong>" in post.html and "&lt;b&gt;" in post.html
    assert topic.post_count == 1 and topic.last_post_number == 1
    assert Subscription.objects.filter(user=cast.users["focal_point"], topic=topic).exists()
    assert TopicReadState.objects.get(topic=topic).last_read_number == 1


def test_handle_derived_from_email_and_unique(cast):
    first = services.forum_profile_get_or_create(user=cast.users["focal_point"])
    assert first.handle == "fp.a"
    other = User.objects.create_user("fp.a@other.example", "x", full_name="Namesake")
    assert services.forum_profile_get_or_create(user=other).handle == "fp.a2"


@pytest.mark.parametrize("bad", ["", "a b", "<script>", "-x", "x" * 31, "@"])
def test_invalid_handles_rejected(cast, bad):
    with pytest.raises(ValidationError) as exc:
        services.forum_profile_update(user=cast.users["member"], handle=bad)
    assert "handle" in exc.value.message_dict


def test_taken_handle_rejected(cast):
    services.forum_profile_update(user=cast.users["member"], handle="nurlan")
    with pytest.raises(ValidationError, match="taken"):
        services.forum_profile_update(user=cast.users["focal_point"], handle="Nurlan")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("title", {"title": "abc"}),
        ("title", {"title": "x" * 201}),
        ("source", {"source": "   "}),
        ("language", {"language": "fr"}),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(cast, board, field, kwargs):
    args = {"title": "A good title", "source": "Text", "language": "en", **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.topic_create(user=cast.users["focal_point"], category=board.open, **args)
    assert field in exc.value.message_dict
    assert not Topic.objects.exists() and not Post.objects.exists()


def test_disguised_attachment_rejects_whole_post(cast, board):
    good = SimpleUploadedFile("good.pdf", PDF)
    bad = SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as exc:
        services.topic_create(
            user=cast.users["focal_point"],
            category=board.open,
            title="With files",
            source="See attached",
            files=[good, bad],
        )
    assert "attachments" in exc.value.message_dict
    assert not Topic.objects.exists() and not Attachment.objects.exists()


def test_failure_after_files_are_written_removes_them(cast, board, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    def boom(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(services.posts, "_notify_for_post", lambda post: boom())
    with pytest.raises(RuntimeError):
        services.topic_create(
            user=cast.users["focal_point"],
            category=board.open,
            title="With a file",
            source="See attached",
            files=[SimpleUploadedFile("good.pdf", PDF)],
        )
    assert not Topic.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))


def test_attachment_stored_with_random_name(cast, board, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    topic = make_topic(
        cast.users["focal_point"],
        board.open,
        files=[SimpleUploadedFile("../<b>IGME</b> notes.pdf", PDF)],
    )
    attachment = Attachment.objects.get(post__topic=topic)
    assert attachment.name == "b_IGME_b_ notes.pdf" or "<" not in attachment.name
    assert attachment.content_type == "application/pdf"
    assert attachment.name not in attachment.file.name


def test_cannot_post_in_unreadable_category(cast, board):
    with pytest.raises(PermissionDenied):
        make_topic(cast.users["member"], board.focal)
    topic = make_topic(cast.users["focal_point"], board.focal)
    with pytest.raises(PermissionDenied):
        services.post_create(user=cast.users["member"], topic=topic, source="hi")
    assert topic.posts.count() == 1


def test_cannot_reply_in_locked_topic(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open)
    services.topic_moderate(moderator=cast.users["coordinator"], topic=topic, action="lock")
    with pytest.raises(PermissionDenied):
        services.post_create(user=cast.users["member"], topic=topic, source="late")
    services.post_create(user=cast.users["coordinator"], topic=topic, source="closing note")
    assert topic.posts.count() == 2


def test_reply_to_post_of_another_topic_rejected(cast, board):
    one = make_topic(cast.users["focal_point"], board.open)
    two = make_topic(cast.users["focal_point"], board.open, title="Another topic here")
    with pytest.raises(ValidationError):
        services.post_create(
            user=cast.users["member"], topic=one, source="x", reply_to=two.posts.get()
        )


def test_edit_keeps_history_with_reason(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open, source="first version")
    post = topic.posts.get()
    services.post_edit(
        user=cast.users["focal_point"],
        post=post,
        source="second version",
        reason="typo",
        title="A corrected title",
    )
    post.refresh_from_db()
    topic.refresh_from_db()
    revision = PostRevision.objects.get(post=post)
    assert (revision.source, revision.reason, revision.editor) == (
        "first version",
        "typo",
        cast.users["focal_point"],
    )
    assert revision.title == "Under-five mortality estimates"
    assert post.source == "second version" and post.edit_count == 1 and post.edited_at
    assert topic.title == "A corrected title"


def test_editing_another_users_post_denied(cast, board):
    post = make_topic(cast.users["focal_point"], board.open).posts.get()
    with pytest.raises(PermissionDenied):
        services.post_edit(user=cast.users["member"], post=post, source="vandalism")
    post.refresh_from_db()
    assert post.source == "Hello"


def test_moderator_edit_is_logged(cast, board):
    post = make_topic(cast.users["focal_point"], board.open).posts.get()
    services.post_edit(user=cast.users["coordinator"], post=post, source="fixed", reason="link")
    assert ModerationLog.objects.get().action == "edit"


def test_mentions_reply_and_watchers_notified_once(cast, board):
    fp, member, coord = cast.users["focal_point"], cast.users["member"], cast.users["coordinator"]
    services.forum_profile_update(user=member, handle="nurlan")
    services.subscription_toggle(user=coord, category=board.open)
    topic = make_topic(fp, board.open)
    assert Notification.objects.get(user=coord).kind == "new_topic"
    reply = services.post_create(
        user=member,
        topic=topic,
        source="@nurlan @nobody hi",
        reply_to=topic.posts.get(),
        enforce_rate_limit=False,
    )
    kinds = dict(Notification.objects.filter(post=reply).values_list("user__email", "kind"))
    assert kinds == {fp.email: "reply", coord.email: "watching"}
    services.post_create(user=fp, topic=topic, source="Thanks @nurlan", enforce_rate_limit=False)
    assert Notification.objects.filter(user=member, kind="mention").count() == 1
    assert "/forum/u/nurlan/" in Post.objects.get(topic=topic, number=3).html


def test_mention_of_user_who_cannot_read_is_not_notified(cast, board):
    services.forum_profile_update(user=cast.users["member"], handle="nurlan")
    make_topic(cast.users["focal_point"], board.focal, source="ask @nurlan")
    assert not Notification.objects.filter(user=cast.users["member"]).exists()


def test_immediate_and_digest_emails(cast, board):
    fp, member, coord = cast.users["focal_point"], cast.users["member"], cast.users["coordinator"]
    coord.email_notifications = User.Digest.DAILY
    coord.save()
    member.email_notifications = User.Digest.IMMEDIATE
    member.save()
    services.subscription_toggle(user=coord, category=board.open)
    services.subscription_toggle(user=member, category=board.open)
    make_topic(fp, board.open, title="Migration definitions")
    ids = list(Notification.objects.values_list("pk", flat=True))
    mail.outbox.clear()
    assert services.notifications_email_immediate(notification_ids=ids) == 1
    assert mail.outbox[0].to == [member.email]
    assert "Migration definitions" in mail.outbox[0].subject
    assert services.notifications_email_immediate(notification_ids=ids) == 0
    assert services.notifications_email_digest() == 1
    assert mail.outbox[1].to == [coord.email]
    assert "Migration definitions" in mail.outbox[1].body
    assert services.notifications_email_digest() == 0


def test_email_in_recipients_language(cast, board):
    member = cast.users["member"]
    member.language = "es"
    member.save()
    services.subscription_toggle(user=member, category=board.open)
    make_topic(cast.users["focal_point"], board.open)
    mail.outbox.clear()
    services.notifications_email_immediate(
        notification_ids=Notification.objects.values_list("pk", flat=True)
    )
    assert "[Foro]" in mail.outbox[0].subject


def test_rate_limit(cast, board, settings):
    settings.FORUM_POSTS_PER_MINUTE = 3
    topic = make_topic(cast.users["member"], board.open)
    for n in range(3):
        services.post_create(user=cast.users["focal_point"], topic=topic, source=f"post {n}")
    with pytest.raises(services.RateLimited) as exc:
        services.post_create(user=cast.users["focal_point"], topic=topic, source="one too many")
    assert 0 < exc.value.retry_after <= 60
    assert topic.posts.count() == 4
    services.post_create(user=cast.users["member"], topic=topic, source="others still post")


def test_approval_of_first_posts(cast, board):
    member, coord = cast.users["member"], cast.users["coordinator"]
    services.subscription_toggle(user=coord, category=board.approval)
    topic = make_topic(member, board.approval)
    post = topic.posts.get()
    assert not topic.approved and not post.approved
    assert not Notification.objects.exists()
    services.post_moderate(moderator=coord, post=post, action="approve")
    topic.refresh_from_db()
    assert topic.approved and topic.post_count == 1
    assert ModerationLog.objects.get().action == "approve"
    # An approved user posts freely afterwards.
    second = make_topic(member, board.approval, title="A second topic")
    assert second.approved


def test_topic_moderation_logged(cast, board):
    coord = cast.users["coordinator"]
    topic = make_topic(cast.users["focal_point"], board.open)
    services.topic_moderate(moderator=coord, topic=topic, action="pin")
    services.topic_moderate(moderator=coord, topic=topic, action="move", target=board.focal)
    with pytest.raises(ValidationError) as exc:
        services.topic_moderate(moderator=coord, topic=topic, action="hide_topic")
    assert "reason" in exc.value.message_dict
    services.topic_moderate(moderator=coord, topic=topic, action="hide_topic", reason="duplicate")
    topic.refresh_from_db()
    assert topic.pinned and topic.hidden and topic.category == board.focal
    log = list(ModerationLog.objects.order_by("pk").values_list("action", "reason", "detail"))
    assert log == [
        ("pin", "", ""),
        ("move", "", "health → reconciliation"),
        ("hide_topic", "duplicate", ""),
    ]


def test_non_moderator_cannot_moderate(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open)
    with pytest.raises(PermissionDenied):
        services.topic_moderate(moderator=cast.users["member"], topic=topic, action="lock")
    with pytest.raises(PermissionDenied):
        services.post_moderate(
            moderator=cast.users["member"], post=topic.posts.get(), action="hide_post", reason="x"
        )


def test_report_and_resolve(cast, board):
    post = make_topic(cast.users["focal_point"], board.open).posts.get()
    with pytest.raises(ValidationError):
        services.post_report(user=cast.users["member"], post=post, reason="  ")
    report = services.post_report(user=cast.users["member"], post=post, reason="Off topic")
    services.report_resolve(moderator=cast.users["coordinator"], report=report)
    report.refresh_from_db()
    assert report.resolved_by == cast.users["coordinator"]


def test_read_state_never_goes_back(cast, board):
    member = cast.users["member"]
    topic = make_topic(cast.users["focal_point"], board.open)
    services.topic_mark_read(user=member, topic=topic, number=1)
    state = TopicReadState.objects.get(user=member, topic=topic)
    services.topic_mark_read(user=member, topic=topic, number=5, state=state)
    state.refresh_from_db()
    services.topic_mark_read(user=member, topic=topic, number=2, state=state)
    state.refresh_from_db()
    assert state.last_read_number == 5


def test_subject_link(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open, subject=cast.country_a)
    assert topic.subject == cast.country_a
    with pytest.raises(ValidationError):
        make_topic(cast.users["focal_point"], board.open, subject=cast.users["member"])


def test_mention_of_user_who_never_opened_the_forum(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open, source="@member.a please check")
    assert "/forum/u/member.a/" in topic.posts.get().html
    assert Notification.objects.get(user=cast.users["member"]).kind == "mention"
