"""One-step paths over the workflow (CLI, tests) and verification by code."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

from gis.certificates.fees import Choices
from gis.certificates.rules import CertificateFacts, certificate_facts
from gis.certificates.workflow import (
    _pdf,
    file_request,
    issue_request,
    normalize_code,
    record_payment,
    send_to_review,
)
from gis.db import get_engine
from gis.faults import fault_point
from gis.settings import Settings


@dataclass(frozen=True)
class Issued:
    request_id: int | None
    registry_number: int | None
    year: int
    verification_code: str
    sha256: str
    pdf: bytes
    facts: CertificateFacts

    @property
    def number_label(self) -> str:
        return f"{self.registry_number}/{self.year}" if self.registry_number else "PROIECT"


def draft(settings: Settings, kind: str, parcels: list[str], purpose: str, applicant: str = "",
          uat: int | None = None, choices: Choices | None = None) -> Issued:
    """A draft of a certificate nobody asked for yet (watermark PROIECT): nothing is numbered."""
    with get_engine(settings, "app").connect() as conn:
        facts = certificate_facts(conn, kind, parcels, purpose, applicant, uat, profile=settings.profile,
                                  choices=choices)
        pdf = _pdf(conn, settings, facts, "—", "PROIECT", draft=True)
    return Issued(None, None, facts.issued_on.year, "PROIECT", hashlib.sha256(pdf).hexdigest(), pdf, facts)


def issue(settings: Settings, kind: str, parcels: list[str], purpose: str, applicant: str,
          actor: str, uat: int | None = None, receipt: tuple[str, str] | None = None,
          unpaid_confirmed: bool = False, choices: Choices | None = None) -> Issued:
    """File a request and issue it at once (an officer at the counter, who reviews it there):
    `receipt` (number, date) records the fee as paid; without one, `unpaid_confirmed` is the
    officer's confirmation that it is issued unpaid (gis.certificates.workflow.issue_request)."""
    filed = file_request(settings, kind, parcels, purpose, applicant or "—", actor, uat=uat, choices=choices)
    fault_point("certificate.filed")
    if receipt is not None:
        record_payment(settings, filed.id, str(filed.fee), receipt[0], receipt[1], actor)
    send_to_review(settings, filed.id, actor)
    info, pdf = issue_request(settings, filed.id, actor, unpaid_confirmed)
    with get_engine(settings, "app").connect() as conn:
        facts = certificate_facts(conn, kind, info.cadastral_numbers, purpose, applicant, info.uat_siruta,
                                  profile=settings.profile, choices=choices)
    return Issued(info.id, info.registry_number, info.year, info.verification_code,
                  hashlib.sha256(pdf).hexdigest(), pdf, facts)


@dataclass(frozen=True)
class Verification:
    code: str
    kind: str
    registry_number: int
    year: int
    issued_at: datetime
    applicant_masked: str
    cadastral_numbers: list[str]
    sha256: str
    uat_name: str
    status: str
    cancel_reason: str | None = None
    cancelled_at: datetime | None = None

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


def mask(name: str) -> str:
    """'Popa Ion' -> 'P*** I***': enough to recognise, not to read (GDPR)."""
    return " ".join(w[0] + "***" for w in name.split() if w) or "—"


def lookup(conn: Connection, code: str) -> Verification | None:
    row = conn.execute(text("""
        SELECT d.verification_code, d.kind, r.registry_number, r.year, d.issued_at, r.applicant_name,
               d.sha256, d.facts -> 'uat' ->> 'name',
               ARRAY(SELECT jsonb_array_elements(d.facts -> 'parcels') ->> 'cadastral_number'), r.status,
               r.cancel_reason, r.cancelled_at
        FROM registry.document d JOIN registry.request r ON r.id = d.request_id
        WHERE d.verification_code = :c"""), {"c": normalize_code(code)}).one_or_none()
    if row is None:
        return None
    return Verification(row[0], row[1], row[2], row[3], row[4], mask(row[5]), list(row[8]), row[6],
                        row[7], row[9], row[10], row[11])


def stored_pdf(conn: Connection, code: str) -> bytes | None:
    pdf = conn.execute(text("SELECT pdf FROM registry.document WHERE verification_code = :c"),
                       {"c": normalize_code(code)}).scalar_one_or_none()
    return bytes(pdf) if pdf is not None else None
