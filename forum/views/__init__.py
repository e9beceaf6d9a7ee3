"""Pages of the forum. Views parse input, call one service or selector, and render.

Split by page family: `topics` (index, categories, topics, replies), `posts` (edit,
history, report, attachments), `moderation`, `notifications` (watching, notifications),
`search` (search, profiles); shared helpers in `common`. `forum.views` re-exports every
view and `new_topic_url`, so `forum/urls.py` and other imports are unchanged."""

from forum.views.common import (
    POSTS_PER_PAGE,
    RESULTS_PER_PAGE,
    SEARCH_COUNT_CAP,
    TOPICS_PER_PAGE,
    CappedPaginator,
)
from forum.views.moderation import (
    moderation,
    post_moderate,
    report_resolve,
    topic_moderate,
)
from forum.views.notifications import (
    category_watch,
    notification_open,
    notifications,
    notifications_read_all,
    topic_watch,
)
from forum.views.posts import (
    attachment_download,
    post_edit,
    post_history,
    post_report,
)
from forum.views.search import (
    profile,
    search,
    user_posts,
)
from forum.views.topics import (
    category_detail,
    index,
    new_topic_url,
    post_permalink,
    topic_create,
    topic_detail,
    topic_reply,
    topic_unread,
)

__all__ = [
    "CappedPaginator",
    "POSTS_PER_PAGE",
    "RESULTS_PER_PAGE",
    "SEARCH_COUNT_CAP",
    "TOPICS_PER_PAGE",
    "attachment_download",
    "category_detail",
    "category_watch",
    "index",
    "moderation",
    "new_topic_url",
    "notification_open",
    "notifications",
    "notifications_read_all",
    "post_edit",
    "post_history",
    "post_moderate",
    "post_permalink",
    "post_report",
    "profile",
    "report_resolve",
    "search",
    "topic_create",
    "topic_detail",
    "topic_moderate",
    "topic_reply",
    "topic_unread",
    "topic_watch",
    "user_posts",
]
