"""API keys for other agencies: shown once, stored as SHA-256, granted per collection.

A key reads `tk_<prefix>_<secret>`; the prefix identifies it in lists and logs, the secret is
never stored. Keys can expire and be revoked; every use updates `last_used_at` and writes an
audit row (action `view`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from gis import audit
from gis.models import ApiKey


@dataclass(frozen=True)
class KeyCheck:
    """The outcome of presenting a key: `key` is set only when it is valid."""

    key: ApiKey | None
    reason: str = ""

    def grants(self, collection: str) -> bool:
        return self.key is not None and collection in self.key.collections


def _digest(secret_key: str) -> str:
    return hashlib.sha256(secret_key.encode()).hexdigest()


def create_key(session: Session, agency: str, collections: list[str],
               expires_in_days: int | None = None) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the plaintext key, which is never shown again."""
    if not agency.strip():
        raise ValueError("the agency name is required")
    if not collections:
        raise ValueError("grant at least one collection")
    prefix = secrets.token_hex(4)
    plaintext = f"tk_{prefix}_{secrets.token_urlsafe(32)}"
    expires = (datetime.now(UTC) + timedelta(days=expires_in_days)
               if expires_in_days else None)
    row = ApiKey(agency=agency.strip(), prefix=prefix, key_hash=_digest(plaintext),
                 collections=sorted(set(collections)), expires_at=expires)
    session.add(row)
    session.flush()
    return row, plaintext


def check_key(session: Session, presented: str | None) -> KeyCheck:
    if not presented:
        return KeyCheck(None, "an API key is required (header X-API-Key or Authorization: Bearer)")
    parts = presented.strip().split("_")
    if len(parts) < 3 or parts[0] != "tk":
        return KeyCheck(None, "the API key is not valid")
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if row is None or not hmac.compare_digest(row.key_hash, _digest(presented.strip())):
        return KeyCheck(None, "the API key is not valid")
    now = datetime.now(UTC)
    if row.revoked_at is not None:
        return KeyCheck(None, "the API key was revoked")
    if row.expires_at is not None and row.expires_at <= now:
        return KeyCheck(None, "the API key has expired")
    return KeyCheck(row)


def record_use(session: Session, key: ApiKey, what: str) -> None:
    """Every use of a key leaves a trace: last use on the key, and an audit row."""
    session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=text("now()")))
    audit.record(session, f"apikey:{key.prefix}:{key.agency}", "view", what, key.prefix)


def revoke_key(session: Session, prefix: str) -> bool:
    result = session.execute(update(ApiKey).where(ApiKey.prefix == prefix,
                                                  ApiKey.revoked_at.is_(None))
                             .values(revoked_at=text("now()")))
    return result.rowcount == 1


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, oldest first (the rows hold hashes only, never a key)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
