"""Test users, one per role, with fresh application passwords; credentials TOML output."""

from __future__ import annotations

import secrets

from . import clock
from .auth import ROLE_TABLE, hash_app_password, hash_password, new_app_password
from .storage import Storage

ROLES = tuple(ROLE_TABLE)  # admin, moderator, leader, regular, member, new_member


def provision_users(db: Storage, prefix: str = "jt_") -> dict[str, dict[str, str]]:
    """Create (or reuse) ``{prefix}{role}`` for every role and issue new secrets.

    Every call issues a fresh application password and a fresh account password.
    Returns ``{role: {"username", "application_password", "password"}}``.
    """
    creds: dict[str, dict[str, str]] = {}
    with db.transaction():
        now = clock.now_iso()
        for role, (wp_role, trust) in ROLE_TABLE.items():
            username = f"{prefix}{role}"
            password = secrets.token_urlsafe(12)
            app_password = new_app_password()
            row = db.one("SELECT id FROM users WHERE username = ?", (username,))
            if row is None:
                user_id = db.execute(
                    "INSERT INTO users (username, email, display_name, role, trust_level, "
                    "password_hash, settings, registered_at) VALUES (?, ?, ?, ?, ?, ?, '{}', ?)",
                    (
                        username,
                        f"{username}@example.test",
                        username,
                        wp_role,
                        trust,
                        hash_password(password),
                        now,
                    ),
                )
            else:
                user_id = int(row["id"])
                db.execute(
                    "UPDATE users SET role = ?, trust_level = ?, password_hash = ? WHERE id = ?",
                    (wp_role, trust, hash_password(password), user_id),
                )
            db.execute(
                "INSERT INTO app_passwords (user_id, name, hash, created_at) VALUES (?, ?, ?, ?)",
                (user_id, f"pytest-jetonomy {now}", hash_app_password(app_password), now),
            )
            creds[role] = {
                "username": username,
                "application_password": app_password,
                "password": password,
            }
    return creds
