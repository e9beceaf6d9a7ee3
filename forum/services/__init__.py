"""Writes of the forum. Every service validates, checks permissions and runs atomically.

Split by concern: `common` (limits, errors, profiles and handles, rate limit, checks of
input), `search` (rendering and the search vector), `posts` (topics and posts),
`notifications` (notifications, e-mails, read marks, subscriptions) and `moderation`.
`forum.services` stays the one import for every service: each name is re-exported here
(with `_update_search_vector`, used by the benchmarks, and `_notify_for_post`)."""

from forum.services.common import (
    HANDLE_RE,
    LANGUAGES,
    REASON_MAX,
    SEARCH_CONFIGS,
    SOURCE_MAX,
    TITLE_MAX,
    TITLE_MIN,
    RateLimited,
    forum_profile_get_or_create,
    forum_profile_update,
    posting_rate_check,
)
from forum.services.moderation import (
    TOPIC_ACTIONS,
    post_moderate,
    post_report,
    report_resolve,
    topic_moderate,
)
from forum.services.notifications import (
    _notify_for_post as _notify_for_post,
)
from forum.services.notifications import (
    notifications_email_digest,
    notifications_email_immediate,
    notifications_mark_read,
    subscription_toggle,
    topic_mark_read,
)
from forum.services.posts import (
    post_create,
    post_edit,
    topic_create,
)
from forum.services.search import (
    _update_search_vector as _update_search_vector,
)

__all__ = [
    "HANDLE_RE",
    "LANGUAGES",
    "REASON_MAX",
    "RateLimited",
    "SEARCH_CONFIGS",
    "SOURCE_MAX",
    "TITLE_MAX",
    "TITLE_MIN",
    "TOPIC_ACTIONS",
    "forum_profile_get_or_create",
    "forum_profile_update",
    "notifications_email_digest",
    "notifications_email_immediate",
    "notifications_mark_read",
    "post_create",
    "post_edit",
    "post_moderate",
    "post_report",
    "posting_rate_check",
    "report_resolve",
    "subscription_toggle",
    "topic_create",
    "topic_mark_read",
    "topic_moderate",
]
