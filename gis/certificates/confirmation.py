"""The applicant's confirmation of a request filed online (issue 23): the e-mailed link carries a
random token; only its SHA-256 is stored, with an expiry (settings.confirm_hours). Following the
link and confirming registers the request: the next registry number of the current year, the
registration time (the legal deadline runs from it), and the "registered" notice with the fee
and how to pay it, all in one transaction. The token works once: confirming clears it.

Until then the request has no number, is not on the desk's working list and cannot be worked on
(gis.certificates.workflow refuses every move but a cancellation)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime

from sqlalchemy import Connection, text

from gis.certificates.rules import CertificateError
from gis.db import get_engine, set_actor
from gis.request_notices import notify
from gis.settings import Settings


class ConfirmationError(CertificateError):
    """The link is unknown, used or expired (`expired` tells which, for the page's wording)."""

    def __init__(self, message: str, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirm_link(settings: Settings, request_id: int, token: str, language: str) -> str:
    return f"{settings.base_url}/cereri/{request_id}/confirmare?cod={token}&lang={language}"


def new_confirmation(conn: Connection, settings: Settings, request_id: int) -> str:
    """Give an unconfirmed request its token and queue the link (on the caller's transaction)."""
    token = secrets.token_urlsafe(32)
    language = conn.execute(text("""
        UPDATE registry.request SET confirm_token_sha256 = :h,
            confirm_expires_at = now() + make_interval(hours => :hours)
        WHERE id = :id RETURNING language"""), {"h": digest(token), "hours": settings.confirm_hours,
                                                 "id": request_id}).scalar_one()
    notify(conn, settings, request_id, "confirm", link=confirm_link(settings, request_id, token, language),
           hours=settings.confirm_hours)
    return token


def problem(settings: Settings, request_id: int, token: str, now: datetime | None = None) -> str | None:
    """None if `token` confirms this request now, else "expired" or "unknown" (a read: the page that asks)."""
    with get_engine(settings, "app").connect() as conn:
        return _check(conn, request_id, token, now)


def _check(conn: Connection, request_id: int, token: str, now: datetime | None) -> str | None:
    row = conn.execute(text("""
        SELECT registry_number, confirm_expires_at < coalesce(:now, now()) AS expired, status
        FROM registry.request WHERE id = :id AND confirm_token_sha256 = :h"""),
        {"id": request_id, "h": digest(token or ""), "now": now}).one_or_none()
    if row is None or row.registry_number is not None or row.status != "received":
        return "unknown"
    return "expired" if row.expired else None


def confirm(settings: Settings, request_id: int, token: str, now: datetime | None = None) -> tuple[int, int]:
    """Register the request the token belongs to; its (registry number, year)."""
    with get_engine(settings, "app").begin() as conn:
        # the row locked first: two clicks at once confirm once (the second finds the token cleared)
        conn.execute(text("SELECT 1 FROM registry.request WHERE id = :id FOR UPDATE"), {"id": request_id})
        found = _check(conn, request_id, token, now)
        if found == "expired":
            raise ConfirmationError("link expired", expired=True)
        if found:
            raise ConfirmationError("unknown or used link")
        set_actor(conn, f"applicant:request-{request_id}")
        from gis.certificates.workflow import next_number

        uat = conn.execute(text("SELECT uat_siruta FROM registry.request WHERE id = :id"), {"id": request_id}).scalar()
        year = (now.date() if now else date.today()).year
        number = next_number(conn, uat, year)
        conn.execute(text("""
            UPDATE registry.request SET registry_number = :n, year = :y, registered_at = coalesce(:now, now()),
                confirm_token_sha256 = NULL, confirm_expires_at = NULL
            WHERE id = :id"""), {"n": number, "y": year, "now": now, "id": request_id})
        notify(conn, settings, request_id, "registered")
        return number, year
