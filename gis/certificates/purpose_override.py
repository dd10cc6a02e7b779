"""The officer's verdict on the declared purpose, where it departs from the one computed from the
UTRs' regulations (gis/certificates/purposes.py): "poate / nu poate fi utilizat în scopul declarat"
with the reason, who decided and when. Stored on the request (registry.request.purpose_override,
migration 0016; the audit trigger records each change) and printed on the certificate beside the
computed verdict, which stays visible."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Connection, text

from gis.certificates.rules import CertificateError, StateConflict
from gis.db import get_engine, set_actor
from gis.request_states import CLOSED, LABELS
from gis.settings import Settings

REASON_MIN, REASON_MAX = 10, 500


def recorded(conn: Connection, request_id: int) -> dict | None:
    """{may_use, reason, by, on} or None."""
    return conn.execute(text("SELECT purpose_override FROM registry.request WHERE id = :i"),
                        {"i": request_id}).scalar_one_or_none()


def record(settings: Settings, request_id: int, may_use, reason: str, actor: str) -> dict:
    """Record (or replace) the officer's verdict before the request is issued."""
    from gis.certificates.workflow import get_request

    if not isinstance(may_use, bool):
        raise CertificateError("verdictul (may_use) trebuie să fie true (poate) sau false (nu poate)")
    reason = " ".join(str(reason or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise CertificateError("motivul este obligatoriu ({low}–{high} caractere)", low=REASON_MIN, high=REASON_MAX)
    value = {"may_use": may_use, "reason": reason, "by": actor.split(":", 1)[-1], "on": date.today().isoformat()}
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        info = get_request(conn, request_id)
        if info.status in CLOSED:
            raise StateConflict("cererea este {state}: verdictul se modifică înainte de emitere",
                                state=LABELS[info.status])
        if info.kind != "urbanism":
            raise CertificateError("verdictul privind scopul declarat se dă numai certificatului de urbanism")
        conn.execute(text("UPDATE registry.request SET purpose_override = CAST(:v AS jsonb) WHERE id = :i"),
                     {"v": json.dumps(value, ensure_ascii=False), "i": request_id})
    return value
