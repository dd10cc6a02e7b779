"""Extending an urbanism certificate: an act on the original, not a new certificate.

The law (Legea 50/1991 and its norms, Ordinul 839/2009, anexa 1, formularul F.7 "cerere pentru
prelungirea valabilității certificatului de urbanism"): the holder asks the issuer at least 15 days
before the certificate expires; it is extended once, for at most 12 months; the mention
"prelungit până la … prin …" is written on the original. The fee is 30 % of the fee of the
initial certificate (Codul fiscal art. 474 alin. (3)), i.e. of what was paid for it.

So nothing is recomputed: the original's number, date, content and validity come from the stored
document (registry.document.facts); the extended PDF is the original's own bytes with an
incremental update that stamps the mention on page 1 (then signed, when a signing key is set).
registry.extension keeps it beside the original, whose row never changes; its primary key, the
original document, makes a second extension impossible.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection, text

from gis.certificates.fees import extension_fee, lei
from gis.certificates.kinds import get_kind
from gis.certificates.rules import CertificateError, NotFound, StateConflict, config
from gis.certificates.signing import sign
from gis.certificates.workflow import normalize_code
from gis.db import get_engine, set_actor
from gis.settings import Settings

TEMPLATES = Path(__file__).with_name("templates")
STAMP_MM = (176, 12)   # the mention's box: the top margin of page 1 (base.css: @page margin 16mm, 18mm left)


class NoSuchCertificate(NotFound):
    """No issued urbanism certificate under that code."""


class NotExtendable(StateConflict):
    """The certificate exists but cannot be extended now (expired, extended, cancelled, too late)."""


@dataclass(frozen=True)
class Extension:
    verification_code: str
    number_label: str
    reference: str          # the act that extends it, "prin …" (the F.7 request's registration)
    requested_on: date
    valid_until: date       # the original's expiry
    extended_until: date
    months: int
    fee_lei: Decimal
    fee_basis: str
    sha256: str
    pdf: bytes


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _original(conn: Connection, code: str):
    row = conn.execute(text("""
        SELECT d.id, d.kind, d.pdf, d.facts, r.status, r.registry_number, r.year, r.fee, r.paid_amount,
               r.uat_siruta, (SELECT e.extended_until FROM registry.extension e WHERE e.document_id = d.id)
        FROM registry.document d JOIN registry.request r ON r.id = d.request_id
        WHERE d.verification_code = :c"""), {"c": normalize_code(code)}).one_or_none()
    kind = get_kind(row[1]) if row else None
    if row is None or kind is None or not kind.extendable:
        raise NoSuchCertificate("nu există un certificat de urbanism emis cu acest cod de verificare")
    return row


def certificate_uat(conn: Connection, code: str) -> int | None:
    """The UAT of the certificate issued under `code` (None: no such document)."""
    return conn.execute(text("SELECT r.uat_siruta FROM registry.document d JOIN registry.request r "
                             "ON r.id = d.request_id WHERE d.verification_code = :c"),
                        {"c": normalize_code(code)}).scalar_one_or_none()


def extend(settings: Settings, code: str, reference: str, actor: str, requested_on: date | None = None,
           months: int | None = None) -> Extension:
    """Extend the certificate whose verification code is `code` by `months` (default and at most
    the law's 12), on a request registered as `reference` on `requested_on` (default today)."""
    reference = (reference or "").strip()
    if not 1 <= len(reference) <= 120:
        raise CertificateError("indicați actul prin care se prelungește (de ex. cererea nr. … din …)")
    asked = requested_on or date.today()
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        doc_id, _kind, pdf, facts, status, number, year, fee, paid, _uat, extended = _original(conn, code)
        rules = config(facts.get("profile") or settings.profile, (facts.get("uat") or {}).get("settings"))
        limits = rules["urbanism"].get("extension", {"max_months": 12, "notice_days": 15})
        months = limits["max_months"] if months is None else months
        label = f"{number}/{year}"
        issued_on = date.fromisoformat(facts["issued_on"])
        valid_until = add_months(issued_on, int(facts["validity_months"]))
        if status == "cancelled":
            raise NotExtendable("certificatul de urbanism nr. {label} a fost anulat: nu se poate prelungi", label=label)
        if extended is not None:
            raise NotExtendable("certificatul de urbanism nr. {label} a fost prelungit deja, până la {until}; se "
                                "prelungește o singură dată: solicitați un certificat nou",
                                label=label, until=f"{extended:%d.%m.%Y}")
        if asked > valid_until:
            raise NotExtendable("certificatul de urbanism nr. {label} a expirat la {expiry}: solicitați un certificat "
                                "nou", label=label, expiry=f"{valid_until:%d.%m.%Y}")
        last_day = date.fromordinal(valid_until.toordinal() - limits["notice_days"])
        if asked > last_day:
            raise NotExtendable("prelungirea se cere cu cel puțin {days} zile înainte de expirare ({expiry}), deci "
                                "până la {last}", days=limits["notice_days"], expiry=f"{valid_until:%d.%m.%Y}",
                                last=f"{last_day:%d.%m.%Y}")
        if not 1 <= int(months) <= limits["max_months"]:
            raise CertificateError("prelungirea se acordă pentru cel mult {months} luni", months=limits["max_months"])
        until = add_months(valid_until, int(months))
        factor = _extension_factor(rules, issued_on)
        charged = extension_fee(paid if paid is not None else (fee or Decimal("0")), paid is not None, factor)
        stamped = stamp(bytes(pdf), until=until, reference=reference, asked=asked, fee=charged.amount_lei)
        stamped = sign(settings, stamped, reason=f"prelungire certificat de urbanism nr. {label}",
                       location=(facts.get("uat") or {}).get("name", ""), field="Prelungire")
        sha = hashlib.sha256(stamped).hexdigest()
        conn.execute(text("""
            INSERT INTO registry.extension (document_id, requested_on, reference, months, valid_until, extended_until,
                                            fee, fee_basis, pdf, sha256, created_by)
            VALUES (:d, :asked, :ref, :m, :valid, :until, :fee, :basis, :pdf, :sha, :by)"""),
            {"d": doc_id, "asked": asked, "ref": reference, "m": int(months), "valid": valid_until, "until": until,
             "fee": charged.amount_lei, "basis": charged.basis, "pdf": stamped, "sha": sha, "by": actor})
        return Extension(normalize_code(code), label, reference, asked, valid_until, until, int(months),
                         charged.amount_lei, charged.basis, sha, stamped)


def _extension_factor(rules: dict, issued_on: date) -> float:
    """The share of art. 474 alin. (3), from the fee table of the original's year."""
    table = rules["fees"]["urbanism"]
    years = sorted(y for y in table if y <= issued_on.year) or sorted(table)
    return table[years[-1]].get("extension_factor", 0.3)


def extension_of(conn: Connection, code: str) -> tuple[date, str, str] | None:
    """(extended_until, reference, sha256) of the certificate's extension, or None."""
    row = conn.execute(text("""
        SELECT e.extended_until, e.reference, e.sha256 FROM registry.extension e
        JOIN registry.document d ON d.id = e.document_id WHERE d.verification_code = :c"""),
        {"c": normalize_code(code)}).one_or_none()
    return tuple(row) if row else None


def extended_pdf(conn: Connection, code: str) -> bytes | None:
    """The stamped PDF of the certificate's extension, or None."""
    pdf = conn.execute(text("SELECT e.pdf FROM registry.extension e JOIN registry.document d ON d.id = e.document_id "
                            "WHERE d.verification_code = :c"), {"c": normalize_code(code)}).scalar_one_or_none()
    return bytes(pdf) if pdf is not None else None


def stamp(pdf: bytes, until: date, reference: str, asked: date, fee: Decimal) -> bytes:
    """The original's bytes, unchanged, plus an incremental update drawing the mention on page 1."""
    import weasyprint
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    html = env.get_template("_extension_stamp.html").render(
        until=until, reference=reference, asked=asked, fee=lei(fee), width=STAMP_MM[0], height=STAMP_MM[1])
    mention = weasyprint.HTML(string=html).write_pdf()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(mention)))
    page_height = float(writer.root["/Pages"]["/Kids"][0].get_object()["/MediaBox"][3])
    x, y = 18 / 25.4 * 72, page_height - (2 + STAMP_MM[1]) / 25.4 * 72   # in the top margin, left aligned
    # WeasyPrint leaves its flipped coordinate system in force: save the state before its content, restore it after
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(stream_data=b"q")), prepend=True)
    drawn = writer.add_object(generic.StreamObject(
        stream_data=f"Q q 1 0 0 1 {x:.2f} {y:.2f} cm /Prelungire Do Q".encode()))
    writer.add_stream_to_page(0, drawn, resources=generic.DictionaryObject({
        generic.NameObject("/XObject"): generic.DictionaryObject({generic.NameObject("/Prelungire"): xobject})}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
