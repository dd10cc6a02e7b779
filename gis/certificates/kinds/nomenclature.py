"""Certificat de nomenclatură stradală și adresă: the administrative address of each selected
parcel and the former names of its street, with the council decision (HCL) of each change; a
flat local fee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text

from gis.certificates.kinds import CertificateKind, Selection
from gis.certificates.rules import CertificateFacts, Fee, FormerAddress, nomenclature_fee


class Nomenclature(CertificateKind):
    name = "nomenclature"
    aliases = ("nomenclatura",)
    title = {"ro": "Certificat de nomenclatură stradală și adresă", "en": "Street address certificate"}
    summary = "street nomenclature"
    process_id = "street-nomenclature-certificate"
    process_title = {"ro": "Certificat de nomenclatură stradală (informare)",
                     "en": "Street address certificate (facts)"}
    purpose_required = False
    default_purpose = "informare"
    request_text = "request_cns"
    cli_help = "Certificat de nomenclatură stradală și adresă."

    def fee(self, selection: Selection) -> Fee:
        return nomenclature_fee(selection.issued_on, selection.profile.code, selection.uat_settings,
                                selection.uat_siruta)

    def facts(self, conn: Connection, common: dict, selection: Selection) -> CertificateFacts:
        return CertificateFacts(fee=self.fee(selection), former_addresses=former_addresses(conn, selection.parcel_ids),
                                street_acts=street_acts(conn, selection.parcel_ids), **common)


def street_acts(conn: Connection, ids: list[int]) -> tuple[StreetAct, ...]:
    """The council decision that gave each address's street its present name (OG 63/2002 art. 1;
    HG 777/2016: the nomenclature as kept in RENNS). The number's own act is not in the data."""
    rows = conn.execute(text("""
        SELECT DISTINCT p.cadastral_number, s.street_type || ' ' || s.name, s.hcl_number, s.hcl_date
        FROM public_api.parcel p
        JOIN public_api.address_point a ON a.parcel_id = p.id
        JOIN streets.street s ON s.id = a.street_id AND s.valid_to IS NULL
        WHERE p.id = ANY(:ids) ORDER BY 1, 2"""), {"ids": ids}).all()
    return tuple(StreetAct(*r) for r in rows)


def former_addresses(conn: Connection, ids: list[int]) -> tuple[FormerAddress, ...]:
    """Former names of the streets of the parcels' addresses, with the HCL of each change, and the
    number the address had then: from the address point's history (or the present version when it
    was already valid then); a number not recorded for that time is said to be so, never assumed."""
    rows = conn.execute(text("""
        SELECT p.cadastral_number,
               n.street_type || ' ' || n.name || coalesce(' nr. ' || coalesce(
                   (SELECT h.number || coalesce(h.suffix, '') FROM streets.address_point_history h
                    WHERE h.id = a.id AND h.valid_from::date < n.valid_to
                      AND (h.valid_to IS NULL OR h.valid_to::date >= n.valid_to)
                    ORDER BY h.valid_from DESC LIMIT 1),
                   CASE WHEN ap.valid_from::date < n.valid_to THEN a.house_number END),
                 ' (numărul din acea perioadă nu este înregistrat)'),
               n.valid_to, n.hcl_number, n.hcl_date
        FROM public_api.parcel p
        JOIN public_api.address_point a ON a.parcel_id = p.id
        JOIN streets.address_point ap ON ap.id = a.id
        JOIN streets.street_name n ON n.street_id = a.street_id
        WHERE p.id = ANY(:ids) ORDER BY p.cadastral_number, n.valid_to
    """), {"ids": ids}).all()
    return tuple(FormerAddress(*r) for r in rows)


@dataclass(frozen=True)
class StreetAct:
    cadastral_number: str
    street: str
    hcl_number: str | None
    hcl_date: date | None
