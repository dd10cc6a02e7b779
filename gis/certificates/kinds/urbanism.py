"""Certificat de urbanism (Legea nr. 50/1991, art. 6): what may be built on the selected parcels,
the approvals a building permit needs, valid 24 months and extendable once; the fee by area
(Codul fiscal art. 474, the profile's fee rule)."""

from __future__ import annotations

from gis.certificates.fees import validity_months, with_choices
from gis.certificates.kinds import CertificateKind, Selection
from gis.certificates.rules import CertificateFacts, Fee, _fee_table, config, urbanism_fee


class Urbanism(CertificateKind):
    name = "urbanism"
    title = {"ro": "Certificat de urbanism", "en": "Urbanism certificate"}
    summary = "urbanism"
    process_id = "urbanism-certificate"
    process_title = {"ro": "Certificat de urbanism (informare)", "en": "Urbanism certificate (facts)"}
    purpose_required = True
    extendable = True
    one_property = True   # one certificate per property unless one investment (gis.certificates.apart)
    request_text = "request_cu"
    cli_help = "Certificat de urbanism for one or more parcels."

    def fee(self, selection: Selection) -> Fee:
        fee = urbanism_fee(selection.area_m2, selection.rural, selection.extension, selection.issued_on,
                           selection.profile.code, selection.uat_settings, selection.uat_siruta)
        table = _fee_table("urbanism", selection.issued_on, selection.profile.code, selection.uat_settings)
        return with_choices(fee, selection.choices, table, config(selection.profile.code, selection.uat_settings))

    def facts(self, conn, common: dict, selection: Selection) -> CertificateFacts:
        rules = config(selection.profile.code, selection.uat_settings)["urbanism"]
        approvals = tuple(rules["approvals"]) + tuple(
            text_ for k, text_ in rules["restriction_approvals"].items() if k in selection.restriction_kinds)
        return CertificateFacts(fee=self.fee(selection), approvals=approvals,
                                validity_months=validity_months(selection.choices, rules), **common)
