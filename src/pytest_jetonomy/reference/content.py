"""Content writes shared by several endpoint groups (HTML filtering, tags, deletes, moderation
status)."""

from __future__ import annotations

from typing import Any

import nh3

from .auth import Identity
from .errors import invalid_param
from .queries import slugify
from .storage import Storage

#: Tags kept in post and reply HTML of users without ``unfiltered_html``: WordPress's
#: ``$allowedposttags`` (wp_kses_post) less forms, media embeds and inline styles.
KSES_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "address", "article", "aside", "b", "bdo", "big",
        "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strike", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
        "ul", "var",
    }
)  # fmt: skip
#: Attributes kept, per tag ("*": on every tag). URLs (href, src, cite) are further limited
#: to ``KSES_URL_SCHEMES`` or relative.
KSES_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "rel", "name", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
KSES_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def stored_html(identity: Identity, html: str) -> str:
    """Post or reply HTML as it is stored: as sent for users with ``unfiltered_html`` (the
    administrators), otherwise filtered like WordPress's wp_kses_post: tags and attributes
    outside the allowlist dropped, ``<script>``/``<style>`` with their text, and links and
    sources with a scheme other than http, https or mailto."""
    if identity.can("unfiltered_html"):
        return html
    return nh3.clean(
        html,
        tags=set(KSES_TAGS),
        clean_content_tags={"script", "style"},
        attributes=KSES_ATTRIBUTES,
        url_schemes=set(KSES_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def initial_status(identity: Identity, requested: str) -> str:
    """New members' published content waits in the moderation queue."""
    if requested == "publish" and identity.trust_level == "new_member":
        return "pending"
    return requested


def check_tags(db: Storage, values: list[Any]) -> list[int | str]:
    """Validate ``tags``: integers must be existing tag ids; strings are slugs or names."""
    out: list[int | str] = []
    for value in values:
        if isinstance(value, int):
            if db.one("SELECT id FROM tags WHERE id = ?", (value,)) is None:
                raise invalid_param("tags", f"unknown tag id {value}")
            out.append(value)
            continue
        text = value.strip()
        if text.isdigit() and len(text) < 19:
            if db.one("SELECT id FROM tags WHERE id = ?", (int(text),)) is not None:
                out.append(int(text))
                continue
        if not slugify(text):
            raise invalid_param("tags", f"tag {text!r} has no usable slug")
        out.append(text)
    return out


def set_tags(db: Storage, post_id: int, values: list[int | str]) -> None:
    """Replace a post's tags; unknown slugs create tags (inside a transaction)."""
    db.execute("DELETE FROM post_tags WHERE post_id = ?", (post_id,))
    for value in values:
        if isinstance(value, int):
            tag_id = value
        else:
            slug = slugify(value)
            row = db.one("SELECT id FROM tags WHERE slug = ?", (slug,))
            tag_id = (
                int(row["id"])
                if row
                else db.execute(
                    "INSERT INTO tags (name, slug) VALUES (?, ?)", (value.strip()[:100], slug)
                )
            )
        db.execute(
            "INSERT OR IGNORE INTO post_tags (post_id, tag_id) VALUES (?, ?)", (post_id, tag_id)
        )


def _forget(db: Storage, object_type: str, ids: list[int]) -> None:
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    db.execute(
        f"DELETE FROM votes WHERE object_type = ? AND object_id IN ({marks})", [object_type, *ids]
    )
    db.execute(
        f"DELETE FROM flags WHERE object_type = ? AND object_id IN ({marks})", [object_type, *ids]
    )
    if object_type == "post":
        db.execute(
            f"DELETE FROM subscriptions WHERE object_type = 'post' AND object_id IN ({marks})", ids
        )


def delete_replies(db: Storage, reply_ids: list[int]) -> None:
    if not reply_ids:
        return
    marks = ",".join("?" * len(reply_ids))
    _forget(db, "reply", reply_ids)
    db.execute(f"UPDATE replies SET parent_id = NULL WHERE parent_id IN ({marks})", reply_ids)
    db.execute(
        f"UPDATE posts SET accepted_reply_id = NULL WHERE accepted_reply_id IN ({marks})", reply_ids
    )
    db.execute(f"DELETE FROM replies WHERE id IN ({marks})", reply_ids)


def delete_posts(db: Storage, post_ids: list[int]) -> None:
    """Delete posts with their replies, votes, tags, flags, bookmarks and subscriptions."""
    if not post_ids:
        return
    marks = ",".join("?" * len(post_ids))
    reply_ids = [
        int(r["id"]) for r in db.all(f"SELECT id FROM replies WHERE post_id IN ({marks})", post_ids)
    ]
    _forget(db, "reply", reply_ids)
    _forget(db, "post", post_ids)
    db.execute(f"DELETE FROM replies WHERE post_id IN ({marks})", post_ids)
    db.execute(f"DELETE FROM posts WHERE id IN ({marks})", post_ids)
