"""The forum's permission matrix: role x action x category kind."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from forum import permissions
from forum.permissions import Action
from tests.forum.conftest import make_topic

ALL = set(Action)
WRITE = {Action.SEE, Action.READ, Action.START_TOPIC, Action.REPLY, Action.ATTACH}
READ = {Action.SEE, Action.READ}
NOTHING: set[Action] = set()
NO_START = WRITE - {Action.START_TOPIC}

# role -> category kind -> allowed actions
MATRIX: dict[str, dict[str, set[Action]]] = {
    "coordinator": {k: ALL for k in ("open", "focal", "region", "other_region", "announcements")},
    "focal_point": {
        "open": WRITE,
        "focal": WRITE,
        "region": WRITE,
        "other_region": NOTHING,
        "announcements": NO_START,
    },
    "member": {
        "open": WRITE,
        "focal": NOTHING,
        "region": WRITE,
        "other_region": NOTHING,
        "announcements": NO_START,
    },
    "focal_point_b": {
        "open": WRITE,
        "focal": WRITE,
        "region": NOTHING,
        "other_region": WRITE,
        "announcements": NO_START,
    },
    "agency_focal_point": {
        "open": WRITE,
        "focal": WRITE,
        "region": NOTHING,
        "other_region": NOTHING,
        "announcements": NO_START,
    },
    "observer": {
        "open": READ,
        "focal": NOTHING,
        "region": NOTHING,
        "other_region": NOTHING,
        "announcements": READ,
    },
    "disabled_focal_point": {
        k: NOTHING for k in ("open", "focal", "region", "other_region", "announcements")
    },
    "anonymous": {k: NOTHING for k in ("open", "focal", "region", "other_region", "announcements")},
}

CASES = [
    (role, kind, action) for role, kinds in MATRIX.items() for kind in kinds for action in Action
]


@pytest.mark.parametrize(("role", "kind", "action"), CASES)
def test_permission_matrix(cast, board, role, kind, action):
    user = AnonymousUser() if role == "anonymous" else cast.users[role]
    category = getattr(board, kind)
    expected = action in MATRIX[role][kind]
    assert permissions.has_category_permission(user, action, category) is expected


def test_category_moderator_moderates_only_their_category(cast, board):
    member = cast.users["member"]
    board.announcements.moderators.add(member)
    member = type(member).objects.get(pk=member.pk)  # fresh: no cached moderator ids
    assert permissions.can_moderate_category(member, board.announcements)
    assert permissions.can_start_topic(member, board.announcements)
    assert not permissions.can_moderate_category(member, board.open)


def test_appointed_moderator_of_unreadable_category_has_no_power(cast, board):
    member = cast.users["member"]
    board.focal.moderators.add(member)
    member = type(member).objects.get(pk=member.pk)
    assert not permissions.can_moderate_category(member, board.focal)


def test_locked_topic_only_moderators_reply(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open)
    topic.locked = True
    assert not permissions.can_reply(cast.users["member"], topic)
    assert not permissions.can_reply(cast.users["focal_point"], topic)
    assert permissions.can_reply(cast.users["coordinator"], topic)


def test_hidden_topic_only_moderators_read(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open)
    topic.hidden = True
    assert not permissions.can_read_topic(cast.users["member"], topic)
    assert not permissions.can_read_topic(cast.users["focal_point"], topic)
    assert permissions.can_read_topic(cast.users["coordinator"], topic)


def test_editing_posts(cast, board):
    topic = make_topic(cast.users["focal_point"], board.open)
    post = topic.posts.get()
    assert permissions.can_edit_post(cast.users["focal_point"], post)
    assert not permissions.can_edit_post(cast.users["member"], post)
    assert not permissions.can_edit_post(cast.users["focal_point_b"], post)
    assert permissions.can_edit_post(cast.users["coordinator"], post)
    topic.locked = True
    assert not permissions.can_edit_post(cast.users["focal_point"], post)


def test_reporting_own_post_is_not_allowed(cast, board):
    post = make_topic(cast.users["focal_point"], board.open).posts.get()
    assert not permissions.can_report_post(cast.users["focal_point"], post)
    assert permissions.can_report_post(cast.users["member"], post)
    # Observers only read: they cannot file moderation reports either.
    assert not permissions.can_report_post(cast.users["observer"], post)
