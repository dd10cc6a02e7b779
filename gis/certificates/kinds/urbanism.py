"""Certificat de urbanism (Legea nr. 50/1991, art. 6): what may be built on the selected parcels,
the approvals a building permit needs, valid 24 months and extendable once; the fee by area
(Codul fiscal art. 474, the profile's fee rule)."""

from __future__ import annotations

from gis.certificates import authorities
from gis.certificates.extravilan import extravilan_regimes
from gis.certificates.kinds import CertificateKind, Selection
from gis.certificates.rules import CertificateFacts, Fee, config, urbanism_fee


class Urbanism(CertificateKind):
    name = "urbanism"
    title = {"ro": "Certificat de urbanism", "en": "Urbanism certificate"}
    summary = "urbanism"
    process_id = "urbanism-certificate"
    process_title = {"ro": "Certificat de urbanism (informare)", "en": "Urbanism certificate (facts)"}
    purpose_required = True
    extendable = True
    request_text = "request_cu"
    cli_help = "Certificat de urbanism for one or more parcels."

    def fee(self, selection: Selection) -> Fee:
        return urbanism_fee(selection.area_m2, selection.rural, selection.extension, selection.issued_on,
                            selection.profile.code, selection.uat_settings)

    def facts(self, conn, common: dict, selection: Selection) -> CertificateFacts:
        rules = config(selection.profile.code, selection.uat_settings)["urbanism"]
        if "authorities" in rules:  # Romania: the county's bodies (F.6 sections 4 and 5)
            return CertificateFacts(fee=self.fee(selection), validity_months=rules["validity_months"],
                                    **common, **permit_requirements(conn, common, selection.issued_on, rules))
        approvals = tuple(rules["approvals"]) + tuple(
            text_ for k, text_ in rules["restriction_approvals"].items() if k in selection.restriction_kinds)
        return CertificateFacts(fee=self.fee(selection), approvals=approvals,
                                validity_months=rules["validity_months"], **common)


def permit_requirements(conn, common: dict, on, rules: dict) -> dict:
    """The approvals by F.6 group (d.1-d.4) from the UAT's county, the environmental obligation and the
    extravilan regime of parcels outside every UTR."""
    uat, name = common["uat"], rules["authorities"]
    restrictions = [(r.kind, r.name) for p in common["parcels"] for r in p.restrictions]
    chosen = authorities.default_approvals(uat.county, uat.name_genitive_in_text, restrictions, name)
    groups = tuple((g, tuple(a.text for a in chosen if a.group == g)) for g in ("d.1", "d.2", "d.3", "d.4"))
    return {"approvals": tuple(a.text for a in chosen), "approval_groups": groups,
            "environment_obligation": authorities.environment_obligation(uat.county, name),
            "extravilan": extravilan_regimes(conn, common["parcels"], on, rules["extravilan"])}
