"""Which change of a certificate request tells its applicant what (issue 23, "Notices by e-mail"):
the one list of notice kinds and what each carries. The workflow calls `notify` on its own
transaction (gis.outbox.enqueue); a request filed without an e-mail address gets none.

    confirm       the link that confirms a request filed online (it is numbered then)
    registered    its registry number, the fee and how to pay it
    draft_ready   the draft was sent to review (the applicant may look at it)
    issued        the link to download the signed document
    cancelled     the reason
    digest        to officers: the requests near or past their legal deadline (gis.deadlines)

The words are in webmap/notices.py; the payload holds the facts and the links only.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from gis.outbox import enqueue
from gis.settings import Settings

KINDS = ("confirm", "registered", "draft_ready", "issued", "cancelled", "digest")


def links(settings: Settings, request_id: int, token: str, language: str) -> dict[str, str]:
    """The applicant's pages of a request (the token opens them, as the status page's own link does)."""
    base = settings.base_url
    return {"status": f"{base}/cereri/{request_id}?token={token}&lang={language}",
            "payment_order": f"{base}/cereri/{request_id}/ordin-de-plata?token={token}&lang={language}",
            "download": f"{base}/api/certificates/{request_id}.pdf?token={token}"}


def notify(conn: Connection, settings: Settings, request_id: int, kind: str, once: bool = False, **extra) -> int | None:
    """Queue the `kind` notice of a request for its applicant (None: no e-mail address, or `once` and
    one was queued already)."""
    assert kind in KINDS, kind
    row = conn.execute(text("""
        SELECT applicant_email, language, access_token, applicant_name, kind, fee, registry_number, year
        FROM registry.request WHERE id = :id"""), {"id": request_id}).one()
    if not row.applicant_email:
        return None
    if once and conn.execute(text("SELECT 1 FROM registry.outbox WHERE request_id = :id AND kind = :k"),
                             {"id": request_id, "k": kind}).first():
        return None
    payload = {"applicant": row.applicant_name, "certificate": row.kind,
               "number": f"{row.registry_number}/{row.year}" if row.registry_number else None,
               "fee": str(row.fee) if row.fee is not None else None,
               "links": links(settings, request_id, row.access_token, row.language), **extra}
    return enqueue(conn, kind, row.applicant_email, row.language, payload, request_id)
