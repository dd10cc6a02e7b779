"""The legal deadline of a certificate request and the officers' daily digest (issue 23).

A request's deadline is its registration day plus its kind's days in settings.request_deadline_days
(Legea 50/1991 art. 6^1: the urbanism certificate within 15 days of registration); an unconfirmed
request has none yet. `queue_digest` (`teritoriu mail digest`, once a day from cron or a timer) queues one message
per officer or admin with an e-mail address, listing the open requests of their UATs whose
deadline falls within settings.digest_days_ahead days or has passed; run twice on one day, it
queues nothing the second time."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import text

from gis.db import get_engine
from gis.outbox import enqueue
from gis.settings import Settings

OPEN = ("received", "draft", "review")   # gis.request_states: not issued, not cancelled


def deadlines(settings: Settings) -> dict[str, int]:
    """settings.request_deadline_days ("urbanism=15", "*=30") as {kind: days}."""
    out = {}
    for item in settings.request_deadline_days:
        kind, _, days = item.partition("=")
        out[kind.strip()] = int(days)
    out.setdefault("*", 30)
    return out


def queue_digest(settings: Settings, today: date | None = None) -> int:
    """Queue today's digests; how many were queued."""
    today = today or date.today()
    horizon = today + timedelta(days=settings.digest_days_ahead)
    queued = 0
    with get_engine(settings, "app").begin() as conn:
        near = conn.execute(text("""
            SELECT r.id, r.uat_siruta, r.registry_number || '/' || r.year AS number, r.kind, r.applicant_name,
                   d.due
            FROM registry.request r,
                 LATERAL (SELECT r.registered_at::date + coalesce((CAST(:days AS jsonb) ->> r.kind)::int,
                                                                  (CAST(:days AS jsonb) ->> '*')::int) AS due) d
            WHERE r.registry_number IS NOT NULL AND r.status = ANY(:open) AND d.due <= :horizon
            ORDER BY due, r.id"""), {"days": json.dumps(deadlines(settings)), "open": list(OPEN),
                                     "horizon": horizon}).all()
        if not near:
            return 0
        officers = conn.execute(text("""
            SELECT u.email, u.full_name, ARRAY(SELECT uu.uat_siruta FROM auth.user_uat uu WHERE uu.user_id = u.id)
            FROM auth.user u
            WHERE u.active AND u.role IN ('officer', 'admin') AND coalesce(u.email, '') <> ''
            ORDER BY u.id""")).all()
        for email, name, uats in officers:
            mine = [r for r in near if not uats or r.uat_siruta in uats]  # none listed: every UAT
            if not mine or conn.execute(text("SELECT 1 FROM registry.outbox WHERE kind = 'digest' "
                                             "AND recipient = :to AND payload ->> 'day' = :d"),
                                        {"to": email, "d": today.isoformat()}).first():
                continue
            payload = {"day": today.isoformat(), "days": settings.digest_days_ahead, "officer": name,
                       "requests": [{"number": r.number, "certificate": r.kind, "applicant": r.applicant_name,
                                     "due": r.due.strftime("%d.%m.%Y"), "late": r.due < today,
                                     "link": f"{settings.base_url}/office/requests/{r.id}"} for r in mine]}
            enqueue(conn, "digest", email, "ro", json.loads(json.dumps(payload)))
            queued += 1
    return queued
