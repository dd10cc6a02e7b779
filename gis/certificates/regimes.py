"""The statements of the juridical, economic and technical regime that come from the data
(issue 19 items 8 and 10): the property regime from the holders the city hall's registers know
(the title itself: "conform extrasului de carte funciară", Legea nr. 7/1996 art. 17 and Ordinul
nr. 839/2009 F.6 — de verificat the article of Legea 7/1996; no name is printed: anyone may ask
for a CU), the minimum parcel area of each UTR against the parcel's (HG nr.
525/1996, art. 30 — parcelling, de verificat — and the UTR's RLU), the fiscal zone from the UAT's settings (Codul
fiscal art. 453, de verificat: the zones A–D the council sets), the RLU's own rules on street line,
setbacks and utilities where the zone defines them, and the plans the officer must resolve
(plans of one level overlapping)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from gis.parcel_facts import SLIVER_SHARE, ParcelFacts

# keys of planning.zone.rules printed, in this order, with their Romanian titles
RULE_TITLES = {
    "street_line": "aliniament", "setback_front_m": "retragere față de aliniament (m)",
    "setback_side_m": "retragere față de limitele laterale (m)",
    "setback_rear_m": "retragere față de limita posterioară (m)",
    "utilities": "echipare tehnico-edilitară", "parking": "parcaje", "green_space_percent": "spații verzi (%)",
}


def _num(value: float) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".").removesuffix(",00")


def minimum_area(p: ParcelFacts) -> list[str]:
    """One sentence per UTR with a minimum parcel area: met or not."""
    out = []
    for z in p.zones:
        if not z.min_parcel_area:
            continue
        if p.reference_area < z.min_parcel_area:
            out.append(f"Parcela {p.cadastral_number} are {_num(p.reference_area)} m², sub suprafața minimă de "
                       f"{_num(z.min_parcel_area)} m² a UTR {z.code}: nu este construibilă conform RLU al UTR "
                       f"{z.code}.")
        else:
            out.append(f"Parcela {p.cadastral_number} ({_num(p.reference_area)} m²) îndeplinește suprafața minimă "
                       f"de {_num(z.min_parcel_area)} m² a UTR {z.code}.")
    return out


# The land-tax records of the parcel (restricted data, read by the app role): who holds it (kind
# and name, never printed) and the fiscal zone the tax office assessed, latest year first.
REGISTERS_SQL = text("""
    SELECT taxpayer_kind, taxpayer_name, zone FROM staff_api.parcel_assessment
    WHERE cadastral_number = :n AND uat_siruta = :u AND object_kind = 'land' AND year <= :y
    ORDER BY year DESC
""")
PUBLIC_USES = {"DR", "CF", "HR", "HB"}  # roads, railways, waters: public domain by their nature


def registers(conn: Connection, p: ParcelFacts, on: date) -> list[dict]:
    rows = conn.execute(REGISTERS_SQL, {"n": p.cadastral_number, "u": p.uat_siruta, "y": on.year}).mappings()
    return [dict(r) for r in rows]


def property_regime(p: ParcelFacts, rows: list[dict], uat_name: str) -> str:
    """Public or private property, as the registers show it; the title is the land book's."""
    lead = f"Parcela {p.cadastral_number} — regimul de proprietate (conform extrasului de carte funciară): "
    names = {r["taxpayer_name"] for r in rows}
    kinds = {r["taxpayer_kind"] for r in rows}
    if any(n and (n.casefold() == uat_name.casefold() or "statul român" in n.casefold()) for n in names):
        return lead + ("proprietatea statului sau a UAT; domeniul public ori privat se stabilește după inventarul "
                       "bunurilor aprobat (Legea nr. 213/1998 — de verificat).")
    if kinds == {"PF"}:
        return lead + "proprietate privată a unei persoane fizice."
    if kinds == {"PJ"}:
        return lead + "proprietate privată a unei persoane juridice."
    if kinds:
        return lead + "proprietate privată (persoane fizice și juridice)."
    if p.use_category in PUBLIC_USES:
        return lead + "domeniul public, după natura terenului (de verificat în inventarul bunurilor aprobat)."
    return lead + "nu rezultă din evidențele fiscale ale primăriei."


def fiscal_zone(p: ParcelFacts, uat_settings: dict, rows: list[dict] = ()) -> str:
    """The fiscal zone (A–D): the council's by locality or for the whole UAT (settings
    "fiscal_zones": {"<locality>": "A", "*": "C"}), else the one the tax office assessed for the
    parcel; unknown: the sentence says so."""
    zones = (uat_settings or {}).get("fiscal_zones") or {}
    assessed = next((r["zone"] for r in rows if r["zone"]), None)
    letter = zones.get(p.locality or "") or zones.get("*") or assessed
    if letter:
        return (f"Zona de impozitare a parcelei {p.cadastral_number}: {letter} (zonele stabilite prin hotărârea "
                "consiliului local, Codul fiscal, Legea nr. 227/2015, art. 453).")
    return (f"Zona de impozitare a parcelei {p.cadastral_number}: nestabilită în setările UAT; se verifică la "
            "compartimentul de impozite și taxe locale.")


def zone_rules(p: ParcelFacts) -> list[str]:
    out = []
    for z in p.zones:
        parts = [f"{title}: {z.rules[key]}" for key, title in RULE_TITLES.items() if z.rules.get(key) not in (None, "")]
        if parts:
            out.append(f"UTR {z.code}: " + "; ".join(parts) + ".")
    return out


def plan_flags(p: ParcelFacts) -> list[str]:
    """What the officer must check before signing: plans of one level overlapping on the parcel,
    the slivers left out, the PUD zones whose indices come from the plan under them."""
    out = [f"Parcela {p.cadastral_number}: UTR {z.code} ({z.document_code}) se suprapune cu "
           f"{', '.join(z.same_level)}, de același nivel; ponderile nu sunt scalate — arhitectul-șef "
           "stabilește reglementarea aplicabilă." for z in p.zones if z.same_level]
    threshold = f"{SLIVER_SHARE * 100:g}".replace(".", ",")
    out += [f"Parcela {p.cadastral_number}: UTR {s.code} ({s.document_code}) o atinge pe {_num(s.area_m2)} m², "
            f"sub pragul de {threshold} % din suprafața parcelei; nu a fost luată în calcul (de verificat)."
            for s in p.slivers]
    out += [f"Parcela {p.cadastral_number}: UTR {z.code} (PUD) — POT și CUT "
            + (f"ale {z.indices_from}" if z.indices_from else "nereglementate: sub PUD nu este alt plan")
            + "; PUD nu modifică indicii urbanistici (Legea nr. 350/2001, art. 48)."
            for z in p.zones if z.document_kind == "PUD"]
    return out
