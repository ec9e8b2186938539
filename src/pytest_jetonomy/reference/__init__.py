"""The Jetonomy reference server: a conformant jetonomy/v1 implementation on SQLite.

Readings taken where the API reference is silent (besides those in docs/architecture.md;
the alt dialect, ``dialect.py``, takes other ones for votes, lists, statuses and more):

- checks run in the order authenticate (401) -> ids (404) -> params (400) -> permission (403)
  -> state (e.g. accept outside a Q&A space is 400, a reply to a closed post is 403), so an
  under-privileged caller with a valid request always gets 403;
- ids referenced in a body (target_space_id, post_id, user_id, ...) that do not exist are 404;
  a path id beyond 2**63-1 is an unknown id (404 ``jetonomy_not_found``);
- moderators (``jetonomy_moderate``) see private/hidden spaces and spam/trash/pending items,
  but nobody but the author sees a draft; a post scheduled with a future ``published_at`` is
  hidden from others until then;
- list endpoints without documented pagination return everything (``/updates`` at most 500);
- sorts: posts recent (pinned first)/popular/unanswered, replies oldest/newest/votes, spaces
  recent/oldest/name/popular; ties are broken on id; cursors are bound to list and sort;
- votes answer 200 with a vote-result; a re-created bookmark/subscription answers 200 with the
  existing one; DELETE of a missing bookmark/subscription is 404;
- POST /posts/{id}/close takes an optional ``closed`` (default true) to re-open;
- POST /notifications/mark-all-read answers ``{"count": 0}`` (the new unread count);
- administrators cannot be banned; bans do not apply to administrators;
- non-Basic ``Authorization`` schemes are ignored (anonymous), like WordPress.
"""

from __future__ import annotations

from .app import ReferenceApp, create_app
from .config import ReferenceConfig
from .server import ReferenceServer

__all__ = ["ReferenceApp", "ReferenceConfig", "ReferenceServer", "create_app"]
