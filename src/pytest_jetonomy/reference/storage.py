"""SQLite storage: one file, WAL, a connection per thread, serialised writes."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    trust_level TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_passwords (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS app_passwords_user ON app_passwords(user_id);
CREATE TABLE IF NOT EXISTS categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    parent_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS spaces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT 'discussion',
    visibility TEXT NOT NULL DEFAULT 'public',
    join_policy TEXT NOT NULL DEFAULT 'open',
    icon TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    creator_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'member',
    status TEXT NOT NULL DEFAULT 'joined',
    joined_at TEXT NOT NULL,
    PRIMARY KEY (space_id, user_id)
);
CREATE INDEX IF NOT EXISTS members_user ON members(user_id);
CREATE TABLE IF NOT EXISTS invites (
    token TEXT PRIMARY KEY,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    expires_at TEXT
);
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    is_pinned INTEGER NOT NULL DEFAULT 0,
    is_closed INTEGER NOT NULL DEFAULT 0,
    accepted_reply_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    view_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS posts_space ON posts(space_id);
CREATE INDEX IF NOT EXISTS posts_author ON posts(author_id);
CREATE TABLE IF NOT EXISTS replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    parent_id INTEGER,
    author_id INTEGER NOT NULL REFERENCES users(id),
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    is_accepted INTEGER NOT NULL DEFAULT 0,
    accepted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS replies_post ON replies(post_id);
CREATE INDEX IF NOT EXISTS replies_author ON replies(author_id);
CREATE TABLE IF NOT EXISTS tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS post_tags (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX IF NOT EXISTS post_tags_tag ON post_tags(tag_id);
CREATE TABLE IF NOT EXISTS votes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    value INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, object_type, object_id)
);
CREATE INDEX IF NOT EXISTS votes_object ON votes(object_type, object_id);
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    message TEXT NOT NULL,
    is_read INTEGER NOT NULL DEFAULT 0,
    object_type TEXT NOT NULL,
    object_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications(user_id);
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, object_type, object_id)
);
CREATE TABLE IF NOT EXISTS bookmarks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, post_id)
);
CREATE TABLE IF NOT EXISTS flags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    reporter_id INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    expires_at TEXT
);
"""

CONTENT_TABLES = (
    "spaces",
    "members",
    "invites",
    "posts",
    "replies",
    "categories",
    "post_tags",
    "votes",
    "subscriptions",
    "bookmarks",
    "flags",
    "bans",
)
"""Tables holding what users (and so a conformance run) create and can delete again: a run
leaves their rows as it found them (``bench/leftovers.py`` and
``tests/faults/test_cleanup_faults.py`` count them before and after). Tags and
notifications, which the API cannot delete, are not among them."""

MIGRATIONS = (("posts", "view_count", "INTEGER NOT NULL DEFAULT 0"),)
"""Columns added since the first schema: (table, column, definition), added to the tables
of an older database file (``--db`` keeps one between starts)."""

Row = sqlite3.Row


class Storage:
    """One SQLite file shared by all threads.

    Reads use the calling thread's own connection in autocommit mode. Every write
    goes through :meth:`transaction`, which holds a process-wide re-entrant lock and
    an ``IMMEDIATE`` transaction, so concurrent requests never lose a write and never
    see ``database is locked``.
    """

    _write_lock = threading.RLock()

    def __init__(self, path: str | None = None) -> None:
        self._owns_file = path is None
        if path is None:
            fd, path = tempfile.mkstemp(prefix="jetonomy-reference-", suffix=".sqlite3")
            os.close(fd)
        self.path = path
        self._local = threading.local()
        # thread -> its connection; connections of finished threads are closed lazily
        self._all: dict[threading.Thread, sqlite3.Connection] = {}
        self._all_lock = threading.Lock()
        with self._write_lock:
            conn = self.conn()
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            _migrate(conn)

    # -- connections -------------------------------------------------------------
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn = conn
            self._local.depth = 0
            with self._all_lock:
                for thread in [t for t in self._all if not t.is_alive()]:
                    try:
                        self._all.pop(thread).close()
                    except sqlite3.Error:
                        pass
                self._all[threading.current_thread()] = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Storage]:
        """Serialised write transaction; nested calls join the outer one."""
        with self._write_lock:
            conn = self.conn()
            depth: int = self._local.depth
            if depth:
                self._local.depth = depth + 1
                try:
                    yield self
                finally:
                    self._local.depth = depth
                return
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield self
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._local.depth = 0

    # -- queries -----------------------------------------------------------------
    def one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        return self.conn().execute(sql, tuple(args)).fetchone()

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        return self.conn().execute(sql, tuple(args)).fetchall()

    def scalar(self, sql: str, args: Sequence[Any] = ()) -> Any:
        row = self.conn().execute(sql, tuple(args)).fetchone()
        return None if row is None else row[0]

    def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run a write statement (inside :meth:`transaction`); returns lastrowid."""
        cur = self.conn().execute(sql, tuple(args))
        return int(cur.lastrowid or 0)

    def rowcount(self, sql: str, args: Sequence[Any] = ()) -> int:
        return int(self.conn().execute(sql, tuple(args)).rowcount)

    def close(self) -> None:
        with self._all_lock:
            conns, self._all = list(self._all.values()), {}
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()
        if self._owns_file:
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.unlink(self.path + suffix)
                except OSError:
                    pass


def _migrate(conn: sqlite3.Connection) -> None:
    """Add the columns of ``MIGRATIONS`` that an older database file lacks."""
    for table, column, definition in MIGRATIONS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
