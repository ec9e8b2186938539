"""Stored HTML is filtered like WordPress's wp_kses_post for users without unfiltered_html
(issue 12, item 10): only administrators keep their HTML as sent."""

from __future__ import annotations

import pytest

from .ref_helpers import unique

SCRIPT = "<script>alert(1)</script><p>ok</p>"
JS_LINK = '<a href="javascript:alert(1)">x</a>'
HANDLER = '<p><img src="/a.png" alt="a" onerror="alert(1)"></p>'
KEPT = (
    "<h2>Title</h2><p>Some <strong>bold</strong>, <em>em</em> and <code>code</code>, "
    '<a href="https://example.com/x?a=1" title="t">a link</a> and '
    '<a href="mailto:someone@example.com">mail</a> and <a href="/relative">rel</a>.</p>'
    "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>q</p></blockquote>"
    '<pre>pre</pre><p>line<br>break <img src="https://example.com/i.png" alt="i"></p>'
)


def assert_filtered(content: str) -> None:
    assert "<script" not in content and "alert(1)" not in content, content
    assert "javascript:" not in content and "onerror" not in content, content


@pytest.mark.parametrize("role", ["member", "regular", "moderator"])
def test_post_create_filters_script_and_js_urls(clients, space, role):
    api = clients[role]
    for html in (SCRIPT, JS_LINK, HANDLER):
        body = {"title": unique("kses"), "content": html}
        created = api.post(f"/spaces/{space['id']}/posts", json=body)
        assert created.status_code == 201, created.text
        assert_filtered(created.json()["content"])
        stored = api.get(f"/posts/{created.json()['id']}").json()["content"]
        assert_filtered(stored)


def test_filtered_content_keeps_the_harmless_parts(member, space):
    created = member.post(
        f"/spaces/{space['id']}/posts", json={"title": unique("kses"), "content": SCRIPT}
    )
    assert created.json()["content"] == "<p>ok</p>"
    created = member.post(
        f"/spaces/{space['id']}/posts", json={"title": unique("kses"), "content": JS_LINK}
    )
    assert created.json()["content"] == "<a>x</a>"


def test_wordpress_post_markup_is_kept_for_members(member, space):
    created = member.post(
        f"/spaces/{space['id']}/posts", json={"title": unique("kses"), "content": KEPT}
    )
    assert created.status_code == 201, created.text
    assert created.json()["content"] == KEPT


def test_post_update_filters(member, post):
    for html in (SCRIPT, JS_LINK, HANDLER):
        patched = member.patch(f"/posts/{post['id']}", json={"content": html})
        assert patched.status_code == 200, patched.text
        assert_filtered(patched.json()["content"])
        assert_filtered(member.get(f"/posts/{post['id']}").json()["content"])


def test_reply_create_and_update_filter(member, regular, post):
    for html in (SCRIPT, JS_LINK, HANDLER):
        created = regular.post(f"/posts/{post['id']}/replies", json={"content": html})
        assert created.status_code == 201, created.text
        assert_filtered(created.json()["content"])
        reply_id = created.json()["id"]
        patched = regular.patch(f"/replies/{reply_id}", json={"content": html + "<p>e</p>"})
        assert patched.status_code == 200, patched.text
        assert_filtered(patched.json()["content"])
        listed = member.get(f"/posts/{post['id']}/replies", params={"limit": 100}).json()
        entry = next(item for item in listed["data"] if item["id"] == reply_id)
        assert_filtered(entry["content"])


def test_admin_keeps_unfiltered_html(admin, space):
    html = SCRIPT + JS_LINK + HANDLER
    created = admin.post(
        f"/spaces/{space['id']}/posts", json={"title": unique("kses"), "content": html}
    )
    assert created.status_code == 201, created.text
    assert created.json()["content"] == html
    patched = admin.patch(f"/posts/{created.json()['id']}", json={"content": html + "<p>2</p>"})
    assert patched.json()["content"] == html + "<p>2</p>"
    reply = admin.post(f"/posts/{created.json()['id']}/replies", json={"content": html})
    assert reply.status_code == 201 and reply.json()["content"] == html
    edited = admin.patch(f"/replies/{reply.json()['id']}", json={"content": JS_LINK})
    assert edited.json()["content"] == JS_LINK
