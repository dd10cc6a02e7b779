"""Issue 19 items 6, 8, 9, 10: the declared purpose per UTR, the regime's statements, the capacity
net of the non-buildable areas and the plans in force on the issue date, read back from the PDFs
(pdftotext) for the sample parcels named in the issue."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from gis.certificates import certificate_facts, draft, purposes
from gis.parcel_facts import parcel_facts, parcels_by_number

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils: make setup")


def flat_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def drafts(loaded):
    """Drafts for the issue's parcels, made once for the module."""
    return {n: draft(loaded, "urbanism", [n], purpose, "Popescu Ion")
            for n, purpose in [("50103", "locuință P+1E"), ("51222", "locuință P+1E"),
                               ("51760", "locuință P+1E"), ("50489", "anexă agricolă")]}


# -- item 6: the declared purpose ---------------------------------------------------------------

@pytest.mark.parametrize("text_,code", [
    ("locuință P+1E", "locuinta_individuala"), ("construire bloc de locuințe colective", "locuinta_colectiva"),
    ("magazin alimentar", "comert"), ("anexă gospodărească", "anexa_agricola"), ("pensiune", "turism"),
    ("hală de producție", "productie"), ("locuinta_colectiva", "locuinta_colectiva"),
])
def test_the_applicants_text_is_recognised_in_the_controlled_list(text_, code):
    assert purposes.classify(text_).code == code


def test_an_unknown_purpose_is_left_to_the_officer():
    assert purposes.classify("alipire") is None


# A house (locuință individuală) in every UTR of the sample, by its RLU lists.
HOUSE = {"A1": "interzis", "A1-2": "interzis", "A1-3": "interzis", "ID": "interzis",
         "L1a": "admis", "L1a-2": "admis", "L1a-3": "admis", "L2": "admis", "L2a": "admis",
         "M1": "admis", "M1-2": "admis", "M1-3": "admis",
         "CB": "neprevăzut în RLU", "IS": "neprevăzut în RLU", "M2": "neprevăzut în RLU",
         "V1": "neprevăzut în RLU", "V1-2": "neprevăzut în RLU", "V1-3": "neprevăzut în RLU"}


def test_the_house_verdict_for_every_zone_of_the_sample(loaded, conn):
    rows = conn.execute(text("SELECT code, allowed_uses, conditional_uses, forbidden_uses, document_code "
                             "FROM public_api.zone ORDER BY code")).mappings().all()
    assert {r["code"] for r in rows} == set(HOUSE)
    split = lambda v: [t.strip() for t in (v or "").split(";") if t.strip()]  # noqa: E731
    zones = [SimpleNamespace(code=r["code"], document_code=r["document_code"], share_percent=100.0,
                             allowed_uses=split(r["allowed_uses"]), conditional_uses=split(r["conditional_uses"]),
                             forbidden_uses=split(r["forbidden_uses"])) for r in rows]
    found = purposes.verdicts(purposes.catalogue()["locuinta_individuala"],
                              (SimpleNamespace(cadastral_number="x", zones=zones),))
    assert {v.utr: v.verdict for v in found} == HOUSE


def test_a_conditional_use_states_its_condition():
    zone = SimpleNamespace(code="IS", document_code="PUG-2019", share_percent=100.0, allowed_uses=["școli"],
                           conditional_uses=["locuințe de serviciu", "pensiuni"], forbidden_uses=["industrie"])
    (v,) = purposes.verdicts(purposes.catalogue()["turism"], (SimpleNamespace(cadastral_number="x", zones=[zone]),))
    assert v.verdict == "admis cu condiționări" and v.may_use and v.conditions == ("pensiuni",)
    assert "cu condiționările RLU (pensiuni)" in v.sentence


@needs_poppler
def test_50103_a_house_where_neither_zone_lists_houses(drafts, tmp_path):
    facts = drafts["50103"].facts
    assert facts.purpose_may_use is False
    assert {(v.utr, v.verdict) for v in facts.purpose_verdicts} == {("CB", "neprevăzut în RLU"),
                                                                    ("M2", "neprevăzut în RLU")}
    flat = flat_text(drafts["50103"].pdf, tmp_path)
    assert "Scopul declarat: locuință individuală" in flat
    assert "Prezentul certificat de urbanism nu poate fi utilizat în scopul declarat" in flat
    assert "în UTR CB (PUG-2019" in flat and "în UTR M2 (PUZ-2022-01" in flat
    assert flat.count("utilizarea nu figurează între cele admise de RLU al UTR") == 2


@needs_poppler
def test_51222_a_house_in_a1_2_which_forbids_houses(drafts, tmp_path):
    (v,) = drafts["51222"].facts.purpose_verdicts
    assert (v.utr, v.verdict, v.matched) == ("A1-2", "interzis", ("locuințe",))
    flat = flat_text(drafts["51222"].pdf, tmp_path)
    assert "nu poate fi utilizat în scopul declarat (utilizare interzisă: locuințe)" in flat


@needs_poppler
def test_51760_a_house_in_l1a_2_may_be_built(drafts, tmp_path):
    assert drafts["51760"].facts.purpose_may_use is True
    flat = flat_text(drafts["51760"].pdf, tmp_path)
    assert "Prezentul certificat de urbanism poate fi utilizat în scopul declarat" in flat
    assert "utilizare admisă: locuințe individuale" in flat


# -- item 8: the regime's statements ---------------------------------------------------------

@needs_poppler
def test_51222_is_below_the_minimum_area_of_its_utr(drafts, tmp_path):
    flat = flat_text(drafts["51222"].pdf, tmp_path)
    assert "Parcela 51222 are 648 m², sub suprafața minimă de 2.000 m² a UTR A1-2" in flat
    assert "îndeplinește suprafața minimă de 250 m² a UTR L1a-2" in flat_text(drafts["51760"].pdf, tmp_path)


@needs_poppler
def test_the_fiscal_zone_is_the_assessed_one_unless_the_uat_settings_set_it(drafts, tmp_path, engine):
    with engine.connect() as c:
        assessed = c.execute(text("SELECT zone FROM staff_api.parcel_assessment WHERE cadastral_number = '50103' "
                                  "AND object_kind = 'land' ORDER BY year DESC LIMIT 1")).scalar_one()
    assert assessed in "ABCD"
    flat = flat_text(drafts["50103"].pdf, tmp_path)
    assert f"Zona de impozitare a parcelei 50103: {assessed} (zonele stabilite prin hotărârea consiliului local" in flat
    from gis.certificates.regimes import fiscal_zone

    p = drafts["50103"].facts.parcels[0]
    assert fiscal_zone(p, {"fiscal_zones": {"*": "C", p.locality: "A"}}, [{"zone": "D"}]).startswith(
        "Zona de impozitare a parcelei 50103: A ")
    assert "nestabilită în setările UAT" in fiscal_zone(p, {}, [])


@needs_poppler
def test_the_property_regime_is_stated_without_the_holders_name(drafts, tmp_path, engine):
    with engine.connect() as c:
        holder = c.execute(text("SELECT holders FROM staff_api.parcel_record WHERE cadastral_number = '51222'")
                           ).scalar_one()
    assert holder
    flat = flat_text(drafts["51222"].pdf, tmp_path)
    assert ("Parcela 51222 — regimul de proprietate (conform extrasului de carte funciară): proprietate privată a "
            "unei persoane fizice.") in flat
    assert holder not in flat


# -- item 9: capacity net of the non-buildable areas -------------------------------------------

@needs_poppler
def test_51760_capacity_net_of_the_road_zone_and_the_power_corridor(drafts, tmp_path):
    facts = drafts["51760"].facts
    p, (cap,) = facts.parcels[0], facts.capacity
    kinds = {r.kind: r.area_m2 for r in p.restrictions}
    assert kinds["road_protection"] > 0 and kinds["power_line"] > 0
    (z,) = cap.zones
    # the two overlap: their union is subtracted once, not their sum
    assert max(kinds.values()) - 1 <= z.subtracted_m2 < sum(kinds.values())
    assert z.subtracted_by_kind.keys() == {"road_protection", "power_line"}
    assert cap.complete and cap.footprint_m2 == pytest.approx((1122 - z.subtracted_m2) * 0.35, abs=0.01)
    assert cap.footprint_m2 < p.max_footprint_m2 == 392.7  # the gross figure the draft showed before
    flat = flat_text(drafts["51760"].pdf, tmp_path)
    ro = lambda v: f"{v:,.2f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",").replace(" ", ".")  # noqa: E731
    assert f"Total {ro(z.subtracted_m2)}" in flat and ro(cap.footprint_m2) in flat and ro(cap.floor_area_m2) in flat
    assert "Scăzut din UTR L1a-2: zona de protecție a LEA (Norma tehnică aprobată prin Ordinul ANRE" in flat
    assert "zona de protecție a drumului (OG nr. 43/1997, art. 19 și anexa 1)" in flat
    assert "se scade reuniunea lor" in flat
    assert "392,7" not in flat


@needs_poppler
def test_an_extravilan_parcel_without_utr_is_not_given_a_capacity(drafts, tmp_path):
    (cap,) = drafts["50489"].facts.capacity
    assert not cap.complete and cap.footprint_m2 is None
    assert drafts["50489"].facts.purpose_may_use is None
    flat = flat_text(drafts["50489"].pdf, tmp_path)
    assert "Nicio UTR: capacitatea de construire este nereglementată" in flat
    assert "verdictul se stabilește de arhitectul-șef" in flat
    assert "Dacă prezentul certificat de urbanism poate fi utilizat în scopul declarat se stabilește" in flat


def test_a_zone_without_pot_makes_the_total_partial():
    from gis.certificates.capacity import parcel_capacity

    zone = lambda code, pot, cut: SimpleNamespace(  # noqa: E731
        code=code, document_code="PUG", area_m2=500.0, share_percent=50.0, nonbuildable_m2=0.0,
        restricted_m2={}, pot_max=pot, cut_max=cut)
    parcel = SimpleNamespace(cadastral_number="x", reference_area=1000.0,
                             zones=[zone("L1", 40.0, 1.0), zone("V", None, None)])
    cap = parcel_capacity(parcel, {})
    assert not cap.complete and cap.unregulated == ["V"] and cap.footprint_m2 == 200.0


# -- item 10: the plans in force on the issue date ----------------------------------------------

@pytest.mark.parametrize("on,codes", [
    (date(2026, 11, 22), {"CB", "M2"}),    # PUZ-2022-01 in force (2022-09-29 … 2027-09-29)
    (date(2028, 1, 10), {"CB"}),           # the PUZ has expired: the PUG alone
])
def test_zones_are_those_in_force_on_the_issue_date(loaded, conn, on, codes):
    facts = certificate_facts(conn, "urbanism", ["50103"], "locuință", issued_on=on)
    assert {z.code for z in facts.parcels[0].zones} == codes
    assert sum(z.share_percent for z in facts.parcels[0].zones) == pytest.approx(100.0)


def test_zones_before_a_plan_was_approved_are_those_of_the_older_plan(loaded, conn):
    (pid,) = parcels_by_number(conn, "50103")
    assert {z.code for z in parcel_facts(conn, pid, date(2021, 6, 1)).zones} == {"CB"}  # PUZ approved 2022


def test_two_plans_of_one_level_overlapping_are_flagged_not_scaled(loaded, conn):
    (pid,) = parcels_by_number(conn, "50103")
    doc = conn.execute(text("""
        INSERT INTO planning.document (uat_siruta, code, kind, name, hcl_number, hcl_date, valid_from, geom)
        SELECT uat_siruta, 'PUZ-TEST', 'PUZ', 'PUZ de probă', '1', '2023-01-01', '2023-01-01', geom
        FROM cadastre.parcel WHERE id = :p RETURNING id"""), {"p": pid}).scalar_one()
    conn.execute(text("""
        INSERT INTO planning.zone (uat_siruta, document_id, code, functional_zone, pot_max, cut_max, geom)
        SELECT uat_siruta, :d, 'LX', 'L', 30, 0.6, geom FROM cadastre.parcel WHERE id = :p"""),
        {"d": doc, "p": pid})
    facts = parcel_facts(conn, pid, date(2026, 11, 22))
    by_code = {z.code: z for z in facts.zones}
    assert by_code["LX"].same_level == ["PUZ-2022-01"] and by_code["M2"].same_level == ["PUZ-TEST"]
    assert sum(z.share_percent for z in facts.zones) > 100  # not scaled to look like one plan
    from gis.certificates.regimes import plan_flags

    (flag,) = [f for f in plan_flags(facts) if "UTR LX" in f]
    assert "se suprapune cu PUZ-2022-01" in flag and "arhitectul-șef" in flag


def _plan(conn, pid: int, code: str, kind: str, valid_from: str, zone_geom: str | None = None,
          pot: float = 90, cut: float = 5.0, supersedes: tuple[str, ...] = ()) -> None:
    """A planning document (its extent: the parcel) and, with `zone_geom` (SQL over the parcel `p`),
    one zone of it; rolled back with the test's connection."""
    doc = conn.execute(text("""
        INSERT INTO planning.document (uat_siruta, code, kind, name, hcl_number, hcl_date, valid_from, geom,
                                       supersedes)
        SELECT uat_siruta, :code, :kind, 'plan de probă', '9', :vf, :vf, geom, :sup
        FROM cadastre.parcel WHERE id = :p RETURNING id"""),
        {"p": pid, "code": code, "kind": kind, "vf": date.fromisoformat(valid_from), "sup": list(supersedes)}
    ).scalar_one()
    if zone_geom:
        conn.execute(text(f"""
            INSERT INTO planning.zone (uat_siruta, document_id, code, functional_zone, pot_max, cut_max, geom)
            SELECT p.uat_siruta, :d, :z, 'L', :pot, :cut, ST_Multi({zone_geom})
            FROM cadastre.parcel p WHERE p.id = :p"""),  # noqa: S608 - zone_geom is the test's own SQL
            {"d": doc, "p": pid, "z": f"Z-{code}", "pot": pot, "cut": cut})


def test_a_pud_never_changes_pot_and_cut(loaded, conn):
    (pid,) = parcels_by_number(conn, "50103")
    _plan(conn, pid, "PUD-TEST", "PUD", "2024-03-01", "p.geom", pot=90, cut=5.0)
    facts = parcel_facts(conn, pid, date(2026, 11, 22))
    (pud,) = [z for z in facts.zones if z.document_kind == "PUD"]
    assert pud.share_percent == 100.0  # it governs the plot
    assert (pud.pot_max, pud.cut_max, pud.indices_from) == (60.0, 2.0, "PUZ-2022-01")  # M2's, not 90 / 5
    from gis.certificates.regimes import plan_flags

    assert any("UTR Z-PUD-TEST (PUD) — POT și CUT ale PUZ-2022-01; PUD nu modifică" in f for f in plan_flags(facts))


def test_a_later_pug_that_says_so_supersedes_the_older_puz(loaded, conn):
    (pid,) = parcels_by_number(conn, "50103")
    _plan(conn, pid, "PUG-2026", "PUG", "2026-06-01", supersedes=("PUZ-2022-01",))
    assert {z.code for z in parcel_facts(conn, pid, date(2026, 5, 31)).zones} == {"CB", "M2"}
    after = parcel_facts(conn, pid, date(2026, 11, 22))
    assert {z.code for z in after.zones} == {"CB"} and after.zones[0].share_percent == 100.0
    from gis.certificates.map_extract import draw

    assert "M2" in {c for c, _, _ in draw(conn, [pid], None, date(2026, 5, 31)).zone_legend}
    assert "M2" not in {c for c, _, _ in draw(conn, [pid], None, date(2026, 11, 22)).zone_legend}


def test_an_expired_plan_is_not_drawn_on_the_extract(loaded, conn):
    from gis.certificates.map_extract import draw

    (pid,) = parcels_by_number(conn, "50103")
    assert {"CB", "M2"} <= {c for c, _, _ in draw(conn, [pid], None, date(2026, 11, 22)).zone_legend}
    assert "M2" not in {c for c, _, _ in draw(conn, [pid], None, date(2028, 1, 10)).zone_legend}


def test_the_sliver_threshold_is_relative_to_the_parcel_and_slivers_are_flagged(loaded, conn):
    from gis.parcel_facts import sliver_m2

    assert sliver_m2(857.0) == pytest.approx(0.857) and sliver_m2(46010.0) == pytest.approx(46.01)
    (pid,) = parcels_by_number(conn, "50103")
    # a PUZ zone that reaches 0.2–0.3 m² into the parcel at its first vertex: under 0.1 % of 857 m²
    _plan(conn, pid, "PUZ-SLIVER", "PUZ", "2024-03-01",
          "ST_Intersection(p.geom, ST_Buffer(ST_PointN(ST_ExteriorRing(ST_GeometryN(p.geom, 1)), 1), 0.6))")
    facts = parcel_facts(conn, pid, date(2026, 11, 22))
    assert "Z-PUZ-SLIVER" not in {z.code for z in facts.zones}
    (s,) = facts.slivers
    assert s.code == "Z-PUZ-SLIVER" and 0.01 <= s.area_m2 < 0.857
    from gis.certificates.regimes import plan_flags

    assert any("UTR Z-PUZ-SLIVER (PUZ-SLIVER) o atinge pe" in f and "sub pragul de 0,1 %" in f
               for f in plan_flags(facts))


@needs_poppler
def test_the_officer_overrides_the_purpose_verdict_with_a_reason_that_is_recorded(staff_client, client, loaded,
                                                                                 engine, tmp_path):
    from gis.certificates.workflow import draft_pdf

    filed = client.post("/api/certificates", json={"type": "urbanism", "parcels": ["50103"],
                                                   "purpose": "locuință P+1E", "applicant_name": "Ion Verdict"},
                        environ_base={"REMOTE_ADDR": "10.91.0.1"})
    assert filed.status_code == 201, filed.data
    rid = filed.get_json()["id"]
    desk, headers = staff_client("officer", username="cert.verdict")
    url = f"/api/certificates/{rid}/purpose-verdict"
    short = desk.post(url, json={"may_use": True, "reason": "da"}, headers=headers)
    assert short.status_code == 400 and "motivul este obligatoriu" in short.get_json()["message"]
    assert desk.post(url, json={"may_use": "da", "reason": "x" * 20}, headers=headers).status_code == 400
    assert client.post(url, json={"may_use": True, "reason": "x" * 20}).status_code in (401, 403)
    surveyor, s_headers = staff_client("surveyor", username="cert.verdict.surveyor")
    assert surveyor.post(url, json={"may_use": True, "reason": "x" * 20}, headers=s_headers).status_code in (403, 404)
    assert desk.post("/api/certificates/999999/purpose-verdict", json={"may_use": True, "reason": "x" * 20},
                     headers=headers).status_code == 404
    reason = "Locuința se încadrează în funcțiunea complementară admisă de RLU al UTR CB, art. 2"
    ok = desk.post(url, json={"may_use": True, "reason": reason}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["by"] == "cert.verdict"
    with engine.connect() as c:
        stored = c.execute(text("SELECT purpose_override FROM registry.request WHERE id = :i"), {"i": rid}).scalar_one()
        audited = c.execute(text("SELECT count(*) FROM audit.log WHERE table_name = 'registry.request' "
                                 "AND object_id = :i AND action = 'update' AND actor = 'officer:cert.verdict' "
                                 "AND after -> 'purpose_override' ->> 'reason' = :r"),
                            {"i": str(rid), "r": reason}).scalar_one()
    assert stored["may_use"] is True and stored["reason"] == reason
    assert audited == 1
    flat = flat_text(draft_pdf(loaded, rid), tmp_path)
    assert "Verdictul arhitectului-șef: prezentul certificat de urbanism poate fi utilizat în scopul declarat" in flat
    assert reason in flat and "cert.verdict" in flat
    assert "utilizarea nu figurează între cele admise de RLU al UTR" in flat  # the computed verdict stays visible


def test_the_facts_json_carries_the_verdicts_and_the_net_capacity(drafts):
    from gis.certificates.workflow import facts_json

    data = facts_json(drafts["51760"].facts)
    (cap,) = data["capacity"]
    assert cap["complete"] is True and cap["footprint_m2"] == drafts["51760"].facts.capacity[0].footprint_m2 > 0
    assert cap["zones"][0]["subtracted_m2"] > 0 and cap["zones"][0]["net_m2"] < cap["zones"][0]["area_m2"]
    (verdict,) = data["purpose_verdicts"]
    assert verdict["verdict"] == "admis" and "poate fi utilizat" in verdict["sentence"]
    assert data["purpose_may_use"] is True and data["purpose_label"] == "locuință individuală"


def test_the_rlu_rules_the_zone_defines_are_stated(loaded, conn):
    conn.execute(text("""UPDATE planning.zone SET rules = '{"street_line": "existent, la 6 m din axul drumului",
                         "setback_front_m": 5, "setback_side_m": 2, "utilities": "racord la apă și canalizare"}'
                         WHERE code = 'L1a-2' AND valid_to IS NULL"""))
    facts = certificate_facts(conn, "urbanism", ["51760"], "locuință", issued_on=date(2026, 11, 22))
    assert ("UTR L1a-2: aliniament: existent, la 6 m din axul drumului; retragere față de aliniament (m): 5; "
            "retragere față de limitele laterale (m): 2; echipare tehnico-edilitară: racord la apă și canalizare."
            ) in facts.technical_notes
