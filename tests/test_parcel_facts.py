"""The facts of a parcel on a hand-made layout whose answers are known exactly.

A 40 m × 25 m parcel (1,000 m²) at x 250000–250040, y 610000–610025:
- PUG zone L1 covers x < 250030 (750 m² of the parcel), PUG zone M1 covers x ≥ 250030 (250 m²);
- a PUZ zone L2 covers x 250020–250040 (500 m²): it overrides the PUG there;
- a PUG zone CB touches the parcel with a 0.5 m² sliver (x 249999.98–250000.0 overlap ignored);
- a flood zone covers y < 610005 (200 m², 20 %).
Effective: L1 (PUG) 500 m² = 50 %, L2 (PUZ) 500 m² = 50 %; M1 is entirely overridden.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gis.parcel_facts import ParcelNotFound, parcel_at, parcel_facts, parcels_by_number

UAT = 999101


def box(x1, y1, x2, y2) -> str:
    return f"ST_Multi(ST_MakeEnvelope({x1}, {y1}, {x2}, {y2}, 3844))"


@pytest.fixture
def layout(conn):
    run = lambda sql, **p: conn.execute(text(sql), p)  # noqa: E731
    run(f"INSERT INTO territory.uat (siruta, name, county, geom) VALUES ({UAT}, 'T', 'Bihor', "
        f"{box(249000, 609000, 251000, 611000)})")
    run(f"INSERT INTO territory.locality (siruta, uat_siruta, name, rank, is_seat, geom) VALUES "
        f"({UAT + 1}, {UAT}, 'Satul Test', 4, true, {box(249000, 609000, 251000, 611000)})")
    pug = run(f"INSERT INTO planning.document (uat_siruta, code, kind, name, hcl_number, hcl_date, "
              f"valid_from) VALUES ({UAT}, 'PUG', 'PUG', 'PUG Test', '12', '2019-03-01', "
              f"'2019-03-01') RETURNING id").scalar_one()
    puz = run(f"INSERT INTO planning.document (uat_siruta, code, kind, name, hcl_number, hcl_date, "
              f"valid_from) VALUES ({UAT}, 'PUZ-1', 'PUZ', 'PUZ Centru', '40', '2022-06-30', "
              f"'2022-06-30') RETURNING id").scalar_one()
    old = run(f"INSERT INTO planning.document (uat_siruta, code, kind, name, hcl_number, hcl_date, "
              f"valid_from, valid_until) VALUES ({UAT}, 'PUZ-0', 'PUZ', 'PUZ expirat', '3', "
              f"'2001-01-01', '2001-01-01', '2006-01-01') RETURNING id").scalar_one()
    zone = ("INSERT INTO planning.zone (uat_siruta, document_id, code, functional_zone, pot_max, "
            "cut_max, max_height_m, allowed_uses, geom) VALUES ({u}, {d}, '{c}', '{f}', {pot}, "
            "{cut}, 10, ARRAY['locuințe'], {g})")
    run(zone.format(u=UAT, d=pug, c="L1", f="L", pot=30, cut=0.9, g=box(249900, 609900, 250030, 610100)))
    run(zone.format(u=UAT, d=pug, c="M1", f="M", pot=50, cut=1.5, g=box(250030, 609900, 250100, 610100)))
    run(zone.format(u=UAT, d=pug, c="CB", f="CB", pot=70, cut=2.4, g=box(249800, 609900, 250000.02, 610100)))
    run(zone.format(u=UAT, d=puz, c="L2", f="L", pot=40, cut=1.2, g=box(250020, 609900, 250060, 610100)))
    run(zone.format(u=UAT, d=old, c="X", f="ID", pot=80, cut=3, g=box(249000, 609000, 251000, 611000)))
    run(f"INSERT INTO planning.restriction (uat_siruta, kind, name, legal_basis, geom) VALUES "
        f"({UAT}, 'flood_zone', 'Zonă inundabilă pârâul Test', 'Legea apelor nr. 107/1996', "
        f"{box(249000, 609000, 251000, 610005)})")
    pid = run(f"INSERT INTO cadastre.parcel (uat_siruta, locality_siruta, cadastral_number, "
              f"legal_area, use_category, intravilan, geom) VALUES ({UAT}, {UAT + 1}, '777001', "
              f"1000, 'CC', true, {box(250000, 610000, 250040, 610025)}) RETURNING id").scalar_one()
    run(f"INSERT INTO cadastre.building (uat_siruta, parcel_id, building_no, destination, levels, "
        f"geom) VALUES ({UAT}, {pid}, 1, 'CL', 2, {box(250005, 610005, 250015, 610017)})")
    return pid


def test_shares_follow_precedence_ignore_slivers_and_sum_to_100(conn, layout):
    facts = parcel_facts(conn, layout)
    shares = {(z.document_code, z.code): z.share_percent for z in facts.zones}
    assert shares == {("PUZ-1", "L2"): 50.0, ("PUG", "L1"): 50.0}
    assert sum(shares.values()) == 100.0
    assert facts.plan_coverage_percent == 100.0


def test_the_puz_says_which_plan_it_overrides(conn, layout):
    facts = parcel_facts(conn, layout)
    l2 = next(z for z in facts.zones if z.code == "L2")
    assert l2.overrides == ["PUG"]
    assert l2.hcl_number == "40" and l2.document_kind == "PUZ"


def test_capacity_is_pot_and_cut_times_each_share(conn, layout):
    facts = parcel_facts(conn, layout)
    assert facts.max_footprint_m2 == pytest.approx(0.5 * 1000 * 0.30 + 0.5 * 1000 * 0.40)
    assert facts.max_floor_area_m2 == pytest.approx(0.5 * 1000 * 0.9 + 0.5 * 1000 * 1.2)
    assert facts.built_footprint_m2 == pytest.approx(120.0)
    assert facts.current_pot_percent == pytest.approx(12.0)


def test_restrictions_with_their_share_and_legal_basis(conn, layout):
    [flood] = parcel_facts(conn, layout).restrictions
    assert (flood.kind, flood.share_percent, flood.legal_basis) == (
        "flood_zone", 20.0, "Legea apelor nr. 107/1996")


def test_lookup_by_point_in_both_crs_and_by_number(conn, layout):
    assert parcel_at(conn, 250010, 610010, 3844, 3844) == layout
    from gis.crs import transformer

    lon, lat = transformer(3844, 4326).transform(250010, 610010)
    assert parcel_at(conn, lon, lat, 4326, 3844) == layout
    assert parcels_by_number(conn, "777001", UAT) == [layout]
    with pytest.raises(ParcelNotFound):
        parcel_at(conn, 250010, 610030, 3844, 3844)


def test_partial_cover_is_not_scaled(conn, layout):
    conn.execute(text("UPDATE planning.zone SET valid_to = now() WHERE uat_siruta = :u AND code = 'L1'"),
                 {"u": UAT})
    facts = parcel_facts(conn, layout)
    assert {z.code: z.share_percent for z in facts.zones} == {"L2": 50.0}
    assert facts.plan_coverage_percent == pytest.approx(50.0)
