"""Certificat de urbanism (Legea nr. 50/1991, art. 6): what may be built on the selected parcels,
the approvals a building permit needs, valid 24 months and extendable once; the fee by area
(Codul fiscal art. 474, the profile's fee rule)."""

from __future__ import annotations

from gis.certificates import authorities
from gis.certificates.extravilan import extravilan_regimes
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
        checked = checks(conn, common, selection.uat_settings, config(selection.profile.code, selection.uat_settings))
        if "authorities" in rules:  # Romania: the county's bodies (F.6 sections 4 and 5)
            return CertificateFacts(fee=self.fee(selection), validity_months=validity_months(selection.choices, rules),
                                    **common, **permit_requirements(conn, common, selection.issued_on, rules),
                                    **checked)
        approvals = tuple(rules["approvals"]) + tuple(
            text_ for k, text_ in rules["restriction_approvals"].items() if k in selection.restriction_kinds)
        if "variants" in rules:  # Moldova: informativ or pentru proiectare (gis.certificates.urbanism_md)
            from gis.certificates import urbanism_md

            table = _fee_table("urbanism", selection.issued_on, selection.profile.code, selection.uat_settings)
            chosen = selection.choices.validity_months if selection.choices else None
            return CertificateFacts(**common, **checked, **urbanism_md.facts(
                common, rules, self.fee(selection), table, approvals,
                validity_months(selection.choices, rules) if chosen else None, selection.uat_settings))
        return CertificateFacts(fee=self.fee(selection), approvals=approvals,
                                validity_months=validity_months(selection.choices, rules), **common, **checked)


def checks(conn, common: dict, uat_settings: dict, rules: dict) -> dict:
    """The declared purpose per UTR, the capacity net of the non-buildable areas, the regime's
    statements and the officer's flags (issue 19 items 6, 8, 9, 10)."""
    from gis.certificates import capacity, purposes, regimes

    parcels, uat = common["parcels"], common["uat"]
    purpose = purposes.classify(common["purpose"])
    verdicts = purposes.verdicts(purpose, parcels) if purpose else ()
    nonbuildable = rules.get("nonbuildable_restrictions", {})
    held = {p.id: regimes.registers(conn, p, common["issued_on"]) for p in parcels}
    return dict(
        purpose_label=purpose.label if purpose else "", purpose_verdicts=verdicts,
        purpose_may_use=purposes.overall(verdicts),
        capacity=tuple(capacity.parcel_capacity(p, nonbuildable) for p in parcels),
        property_notes=tuple(regimes.property_regime(p, held[p.id], uat.name) for p in parcels),
        economic_notes=tuple(regimes.fiscal_zone(p, uat_settings, held[p.id]) for p in parcels),
        technical_notes=tuple(s for p in parcels for s in [*regimes.minimum_area(p), *regimes.zone_rules(p)]),
        plan_flags=tuple(f for p in parcels for f in regimes.plan_flags(p)))


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
