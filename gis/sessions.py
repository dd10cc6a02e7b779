"""Staff sessions kept in the database (auth.session, migration 0008), so that they can be ended.

A sign-in opens a row; the browser's cookie carries only a random token, and the row's id is the
token's SHA-256 (a copy of the table opens no session). Every request that needs the signed-in
person looks the row up: it counts only while it is not revoked, younger than LIFETIME and its
account active, and the account's role and UATs are read from the database at that moment.
Logging out revokes the row; the database revokes every session of an account whose activity,
role, password, name or UATs change (triggers of migration 0008), whoever changes it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

LIFETIME = timedelta(hours=8)        # from sign-in; the cookie lives as long (api/__init__.py)
SEEN_EVERY = timedelta(minutes=1)    # last_seen_at is written at most this often per session
# how a session may be opened: the sign-in form's password (with a TOTP code, or a recovery code,
# for a local admin: gis/totp.py), the directory (gis/directory_ldap.py), an OpenID provider (gis/oidc.py)
OPENED_WITH = ("password", "password+totp", "password+recovery-code", "ldap", "oidc")


@dataclass(frozen=True)
class SignedIn:
    """Who a valid session belongs to, as the database says now."""
    session_id: str
    user_id: int
    username: str
    role: str
    uats: tuple[int, ...] | None     # None: every UAT
    source: str = "local"            # where the account comes from (auth.user.source)


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Connection | Session, user_id: int, opened_with: str = "password") -> str:
    """A new session of the account; returns the token for the cookie (stored only as its hash)."""
    if opened_with not in OPENED_WITH:
        raise ValueError(f"unknown way of opening a session: {opened_with!r}")
    token = secrets.token_urlsafe(32)
    db.execute(text("INSERT INTO auth.session (id, user_id, opened_with) VALUES (:i, :u, :w)"),
               {"i": session_id(token), "u": user_id, "w": opened_with})
    return token


def look_up(conn: Connection, token: str | None) -> SignedIn | None:
    """The person a cookie's token signs in, or None (unknown, revoked, expired, inactive)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    row = conn.execute(text("""
        WITH hit AS (
            SELECT s.id, u.id AS user_id, u.username, u.role, u.source, s.last_seen_at < now() - :seen AS stale,
                   ARRAY(SELECT uat_siruta FROM auth.user_uat WHERE user_id = u.id ORDER BY 1) AS uats
            FROM auth.session s JOIN auth.user u ON u.id = s.user_id
            WHERE s.id = :id AND s.revoked_at IS NULL AND u.active AND s.created_at > now() - :life
        ), seen AS (
            UPDATE auth.session SET last_seen_at = now() WHERE id = (SELECT id FROM hit WHERE stale)
        )
        SELECT id, user_id, username, role, uats, source FROM hit"""),
        {"id": session_id(token), "seen": SEEN_EVERY, "life": LIFETIME}).one_or_none()
    if row is None:
        return None
    return SignedIn(row.id, row.user_id, row.username, row.role, tuple(row.uats) or None, row.source)


def revoke(db: Connection | Session, token: str | None, reason: str) -> bool:
    """End one session (logging out); False when it was not open."""
    if not isinstance(token, str):
        return False
    done = db.execute(text("UPDATE auth.session SET revoked_at = now(), revoked_reason = :r "
                           "WHERE id = :i AND revoked_at IS NULL"), {"i": session_id(token), "r": reason})
    return done.rowcount > 0


def end_all(db: Connection | Session, user_id: int, reason: str) -> int:
    """End every open session of an account; how many were open."""
    done = db.execute(text("UPDATE auth.session SET revoked_at = now(), revoked_reason = :r "
                           "WHERE user_id = :u AND revoked_at IS NULL"), {"u": user_id, "r": reason})
    return done.rowcount


def open_count(db: Connection | Session, user_id: int) -> int:
    return db.execute(text("SELECT count(*) FROM auth.session WHERE user_id = :u AND revoked_at IS NULL "
                           "AND created_at > now() - :life"), {"u": user_id, "life": LIFETIME}).scalar_one()
