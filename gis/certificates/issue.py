"""Drafting and issuing certificates: registry numbers per UAT and year without gaps or
duplicates (the counter row is locked by the same transaction that stores the document, so a
failure consumes no number), immutable PDFs with their SHA-256, and verification by code."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, text

from gis.certificates.map_extract import draw
from gis.certificates.render import render_pdf
from gis.certificates.rules import CertificateFacts, certificate_facts
from gis.db import get_engine, set_actor
from gis.settings import Settings


@dataclass(frozen=True)
class Issued:
    document_id: int | None
    registry_number: int | None
    year: int
    verification_code: str
    sha256: str
    pdf: bytes
    facts: CertificateFacts

    @property
    def number_label(self) -> str:
        return f"{self.registry_number}/{self.year}" if self.registry_number else "PROIECT"


def _code() -> str:
    raw = secrets.token_hex(6).upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def verify_url(settings: Settings, code: str) -> str:
    return f"{settings.base_url}/verify/{code}"


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def facts_json(facts: CertificateFacts) -> dict:
    data = dataclasses.asdict(facts)
    data["warnings"] = facts.warnings
    data["total_area"] = facts.total_area
    return json.loads(json.dumps(data, default=_json_default))


def _render(conn: Connection, settings: Settings, facts: CertificateFacts, label: str, code: str,
            draft: bool) -> bytes:
    ids = [p.id for p in facts.parcels]
    extract = draw(conn, ids, settings.orthophoto if settings.orthophoto.exists() else None)
    return render_pdf(facts, extract, label, code, verify_url(settings, code), draft)


def draft(settings: Settings, kind: str, parcels: list[str], purpose: str, applicant: str = "",
          uat: int | None = None) -> Issued:
    """A draft (watermark PROIECT): nothing is numbered or stored."""
    with get_engine(settings, "app").connect() as conn:
        facts = certificate_facts(conn, kind, parcels, purpose, applicant, uat)
        code = "PROIECT"
        pdf = _render(conn, settings, facts, "—", code, draft=True)
    return Issued(None, None, facts.issued_on.year, code, hashlib.sha256(pdf).hexdigest(), pdf, facts)


def issue(settings: Settings, kind: str, parcels: list[str], purpose: str, applicant: str,
          actor: str, uat: int | None = None) -> Issued:
    """Number, render and store a certificate in one transaction."""
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        facts = certificate_facts(conn, kind, parcels, purpose, applicant, uat)
        year = facts.issued_on.year
        number = conn.execute(text("""
            INSERT INTO registry.counter (uat_siruta, year, last_number) VALUES (:u, :y, 1)
            ON CONFLICT (uat_siruta, year) DO UPDATE SET last_number = registry.counter.last_number + 1
            RETURNING last_number"""), {"u": facts.uat.siruta, "y": year}).scalar_one()
        request_id = conn.execute(text("""
            INSERT INTO registry.request (uat_siruta, year, registry_number, kind, applicant_name,
                                          purpose, status, created_by)
            VALUES (:u, :y, :n, :k, :a, :p, 'issued', :by) RETURNING id"""),
            {"u": facts.uat.siruta, "y": year, "n": number, "k": kind,
             "a": applicant or "—", "p": facts.purpose, "by": actor}).scalar_one()
        conn.execute(text("INSERT INTO registry.request_parcel (request_id, parcel_id) "
                          "SELECT :r, unnest(CAST(:ids AS bigint[]))"),
                     {"r": request_id, "ids": [p.id for p in facts.parcels]})
        code = _code()
        pdf = _render(conn, settings, facts, f"{number}/{year}", code, draft=False)
        digest = hashlib.sha256(pdf).hexdigest()
        doc_id = conn.execute(text("""
            INSERT INTO registry.document (request_id, kind, issued_by, verification_code, pdf,
                                           sha256, facts)
            VALUES (:r, :k, :by, :c, :pdf, :sha, CAST(:facts AS jsonb)) RETURNING id"""),
            {"r": request_id, "k": kind, "by": actor, "c": code, "pdf": pdf, "sha": digest,
             "facts": json.dumps(facts_json(facts))}).scalar_one()
    return Issued(doc_id, number, year, code, digest, pdf, facts)


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


def mask(name: str) -> str:
    """'Popa Ion' -> 'P*** I***': enough to recognise, not to read (GDPR)."""
    return " ".join(w[0] + "***" for w in name.split() if w) or "—"


def lookup(conn: Connection, code: str) -> Verification | None:
    row = conn.execute(text("""
        SELECT d.verification_code, d.kind, r.registry_number, r.year, d.issued_at, r.applicant_name,
               d.sha256, d.facts -> 'uat' ->> 'name',
               ARRAY(SELECT jsonb_array_elements(d.facts -> 'parcels') ->> 'cadastral_number')
        FROM registry.document d JOIN registry.request r ON r.id = d.request_id
        WHERE d.verification_code = :c"""), {"c": code.strip().upper()}).one_or_none()
    if row is None:
        return None
    return Verification(row[0], row[1], row[2], row[3], row[4], mask(row[5]), list(row[8]), row[6], row[7])


def stored_pdf(conn: Connection, code: str) -> bytes | None:
    pdf = conn.execute(text("SELECT pdf FROM registry.document WHERE verification_code = :c"),
                       {"c": code.strip().upper()}).scalar_one_or_none()
    return bytes(pdf) if pdf is not None else None
