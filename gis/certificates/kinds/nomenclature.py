"""Certificat de nomenclatură stradală și adresă: the administrative address of each selected
parcel and the former names of its street, with the council decision (HCL) of each change; a
flat local fee."""

from __future__ import annotations

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
                                **common)


def former_addresses(conn: Connection, ids: list[int]) -> tuple[FormerAddress, ...]:
    """Former names of the streets of the parcels' addresses, with the HCL of each change."""
    rows = conn.execute(text("""
        SELECT p.cadastral_number, n.street_type || ' ' || n.name || ' nr. ' || a.house_number,
               n.valid_to, n.hcl_number, n.hcl_date
        FROM public_api.parcel p
        JOIN public_api.address_point a ON a.cadastral_number = p.cadastral_number AND a.uat_siruta = p.uat_siruta
        JOIN streets.street_name n ON n.street_id = a.street_id
        WHERE p.id = ANY(:ids) ORDER BY p.cadastral_number, n.valid_to
    """), {"ids": ids}).all()
    return tuple(FormerAddress(*r) for r in rows)
