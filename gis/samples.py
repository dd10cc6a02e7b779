"""Load a commune written by `teritoriu generate` (data-samples/ is one) into PostGIS.

Every layer is copied into a temporary table and merged by its natural key in one transaction:
new objects are inserted, changed ones updated (the version trigger keeps the old version),
identical ones left alone. Loading the same folder twice therefore changes nothing. A bulk
load writes one audit row per table instead of one per object.

A commune is one UAT and every merge is scoped to it (parcels, streets, taxpayers… are matched
by their code within the UAT), so a region (`teritoriu generate --uats`, one folder per UAT)
loads commune by commune with `load_region`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyogrio
import shapely
from sqlalchemy import text

from gis import audit
from gis.db import get_engine, set_actor
from gis.profiles import get_profile
from gis.settings import Settings

ACTOR = "system:samples"


@dataclass
class LoadReport:
    source: Path
    changed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())

    def summary(self) -> str:
        if not self.total_changed:
            return f"{self.source}: already loaded, nothing changed ({self.seconds:.1f} s)"
        parts = ", ".join(f"{k} {v}" for k, v in self.changed.items() if v)
        return f"{self.source}: loaded in {self.seconds:.1f} s; new or changed rows: {parts}"


# Each step: (layer or CSV, temp table columns, merge statement). The merge statements insert
# rows whose key is absent and update rows whose values differ; `:srid` is the storage SRID.
# Column lists are constants of this module, never user input.
GEOM = "ST_Multi(ST_GeomFromWKB(decode(t.wkb, 'hex'), :srid))"

STEPS: list[tuple[str, list[str], str]] = [
    ("uat", ["siruta", "name", "county", "wkb"], f"""
        INSERT INTO territory.uat AS d (siruta, name, county, geom)
        SELECT t.siruta::numeric::int, t.name, t.county, {GEOM} FROM t_uat t
        ON CONFLICT (siruta) DO UPDATE SET name = excluded.name, county = excluded.county,
            geom = excluded.geom
        WHERE (d.name, d.county, d.geom) IS DISTINCT FROM (excluded.name, excluded.county, excluded.geom)
    """),  # noqa: S608 - GEOM is this module's constant
    ("localities", ["siruta", "uat_siruta", "name", "rank", "is_seat", "postal_code", "wkb"], f"""
        INSERT INTO territory.locality AS d (siruta, uat_siruta, name, rank, is_seat, postal_code, geom)
        SELECT t.siruta::numeric::int, t.uat_siruta::numeric::int, t.name, t.rank::numeric::smallint,
               t.is_seat::boolean, t.postal_code, {GEOM} FROM t_localities t
        ON CONFLICT (siruta) DO UPDATE SET uat_siruta = excluded.uat_siruta, name = excluded.name,
            rank = excluded.rank, is_seat = excluded.is_seat, postal_code = excluded.postal_code,
            geom = excluded.geom
        WHERE (d.uat_siruta, d.name, d.rank, d.is_seat, d.postal_code, d.geom)
            IS DISTINCT FROM (excluded.uat_siruta, excluded.name, excluded.rank, excluded.is_seat,
                              excluded.postal_code, excluded.geom)
    """),  # noqa: S608 - GEOM is this module's constant
    ("parcels", ["cadastral_number", "land_book_number", "eterra_id", "legal_area", "use_category",
                 "intravilan", "locality_siruta", "tarla", "parcel_no", "wkb"], f"""
        INSERT INTO cadastre.parcel AS d (uat_siruta, locality_siruta, cadastral_number,
            land_book_number, eterra_id, legal_area, use_category, intravilan, tarla, parcel_no, geom)
        SELECT :uat, t.locality_siruta::numeric::int, t.cadastral_number, t.land_book_number, t.eterra_id,
               round(t.legal_area::numeric, 2), t.use_category, t.intravilan::boolean, t.tarla,
               t.parcel_no, {GEOM}
        FROM t_parcels t
        ON CONFLICT (uat_siruta, cadastral_number) WHERE valid_to IS NULL DO UPDATE SET
            locality_siruta = excluded.locality_siruta, land_book_number = excluded.land_book_number,
            eterra_id = excluded.eterra_id, legal_area = excluded.legal_area,
            use_category = excluded.use_category, intravilan = excluded.intravilan,
            tarla = excluded.tarla, parcel_no = excluded.parcel_no, geom = excluded.geom
        WHERE (d.locality_siruta, d.land_book_number, d.eterra_id, d.legal_area, d.use_category,
               d.intravilan, d.tarla, d.parcel_no, d.geom)
            IS DISTINCT FROM (excluded.locality_siruta, excluded.land_book_number, excluded.eterra_id,
               excluded.legal_area, excluded.use_category, excluded.intravilan, excluded.tarla,
               excluded.parcel_no, excluded.geom)
    """),  # noqa: S608 - GEOM is this module's constant
    ("buildings", ["cadastral_number", "building_no", "destination", "levels", "is_legal", "wkb"], f"""
        WITH src AS (
            SELECT p.id AS parcel_id, t.building_no::numeric::int AS building_no, t.destination,
                   t.levels::numeric::smallint AS levels, t.is_legal::boolean AS is_legal, {GEOM} AS geom
            FROM t_buildings t
            JOIN cadastre.parcel p ON p.uat_siruta = :uat AND p.cadastral_number = t.cadastral_number
                                  AND p.valid_to IS NULL
        ), upd AS (
            UPDATE cadastre.building d SET destination = s.destination, levels = s.levels,
                   is_legal = s.is_legal, geom = s.geom
            FROM src s
            WHERE d.parcel_id = s.parcel_id AND d.building_no = s.building_no AND d.valid_to IS NULL
              AND (d.destination, d.levels, d.is_legal, d.geom)
                  IS DISTINCT FROM (s.destination, s.levels, s.is_legal, s.geom)
            RETURNING 1
        ), ins AS (
            INSERT INTO cadastre.building (uat_siruta, parcel_id, building_no, destination, levels,
                                           is_legal, geom)
            SELECT :uat, s.parcel_id, s.building_no, s.destination, s.levels, s.is_legal, s.geom
            FROM src s
            WHERE NOT EXISTS (SELECT 1 FROM cadastre.building b WHERE b.parcel_id = s.parcel_id
                              AND b.building_no = s.building_no AND b.valid_to IS NULL)
            RETURNING 1
        ) SELECT (SELECT count(*) FROM upd) + (SELECT count(*) FROM ins)
    """),  # noqa: S608 - GEOM is this module's constant
    ("streets", ["street_code", "locality_siruta", "street_type", "name", "hcl_number", "hcl_date",
                 "wkb"], f"""
        INSERT INTO streets.street AS d (uat_siruta, locality_siruta, code, street_type, name,
                                         hcl_number, hcl_date, geom)
        SELECT :uat, t.locality_siruta::numeric::int, t.street_code, t.street_type, t.name, t.hcl_number,
               t.hcl_date::date, {GEOM} FROM t_streets t
        ON CONFLICT (uat_siruta, code) WHERE valid_to IS NULL DO UPDATE SET
            locality_siruta = excluded.locality_siruta, street_type = excluded.street_type,
            name = excluded.name, hcl_number = excluded.hcl_number, hcl_date = excluded.hcl_date,
            geom = excluded.geom
        WHERE (d.locality_siruta, d.street_type, d.name, d.hcl_number, d.hcl_date, d.geom)
            IS DISTINCT FROM (excluded.locality_siruta, excluded.street_type, excluded.name,
                              excluded.hcl_number, excluded.hcl_date, excluded.geom)
    """),  # noqa: S608 - GEOM is this module's constant
    ("street_names", ["street_code", "street_type", "name", "valid_from", "valid_to", "hcl_number",
                      "hcl_date"], """
        INSERT INTO streets.street_name (street_id, street_type, name, valid_from, valid_to,
                                         hcl_number, hcl_date)
        SELECT s.id, t.street_type, t.name, t.valid_from::date, t.valid_to::date, t.hcl_number,
               t.hcl_date::date
        FROM t_street_names t
        JOIN streets.street s ON s.uat_siruta = :uat AND s.code = t.street_code AND s.valid_to IS NULL
        WHERE NOT EXISTS (SELECT 1 FROM streets.street_name n WHERE n.street_id = s.id
                          AND n.name = t.name AND n.valid_to = t.valid_to::date)
    """),
    ("address_points", ["street_code", "number", "suffix", "postal_code", "cadastral_number", "wkb"],
     """
        INSERT INTO streets.address_point AS d (uat_siruta, street_id, number, suffix, postal_code,
                                                parcel_id, geom)
        SELECT :uat, s.id, t.number::numeric::int, coalesce(t.suffix, ''), t.postal_code, p.id,
               ST_GeomFromWKB(decode(t.wkb, 'hex'), :srid)
        FROM t_address_points t
        JOIN streets.street s ON s.uat_siruta = :uat AND s.code = t.street_code AND s.valid_to IS NULL
        LEFT JOIN cadastre.parcel p ON p.uat_siruta = :uat AND p.cadastral_number = t.cadastral_number
                                   AND p.valid_to IS NULL
        ON CONFLICT (street_id, number, suffix, block, entrance) WHERE valid_to IS NULL DO UPDATE SET
            postal_code = excluded.postal_code, parcel_id = excluded.parcel_id, geom = excluded.geom
        WHERE (d.postal_code, d.parcel_id, d.geom)
            IS DISTINCT FROM (excluded.postal_code, excluded.parcel_id, excluded.geom)
    """),
    ("planning_documents", ["code", "kind", "name", "hcl_number", "hcl_date", "valid_from",
                            "valid_until", "wkb"], f"""
        INSERT INTO planning.document AS d (uat_siruta, code, kind, name, hcl_number, hcl_date,
                                            valid_from, valid_until, geom)
        SELECT :uat, t.code, t.kind, t.name, t.hcl_number, t.hcl_date::date, t.valid_from::date,
               t.valid_until::date, {GEOM} FROM t_planning_documents t
        ON CONFLICT (uat_siruta, code) DO UPDATE SET kind = excluded.kind, name = excluded.name,
            hcl_number = excluded.hcl_number, hcl_date = excluded.hcl_date,
            valid_from = excluded.valid_from, valid_until = excluded.valid_until, geom = excluded.geom
        WHERE (d.kind, d.name, d.hcl_number, d.hcl_date, d.valid_from, d.valid_until, d.geom)
            IS DISTINCT FROM (excluded.kind, excluded.name, excluded.hcl_number, excluded.hcl_date,
                              excluded.valid_from, excluded.valid_until, excluded.geom)
    """),  # noqa: S608 - GEOM is this module's constant
    ("zones", ["document_code", "code", "functional_zone", "name", "pot_max", "cut_max",
               "max_height_m", "height_regime", "min_parcel_area", "allowed_uses",
               "conditional_uses", "forbidden_uses", "wkb"], f"""
        INSERT INTO planning.zone AS d (uat_siruta, document_id, code, functional_zone, name,
            pot_max, cut_max, max_height_m, height_regime, min_parcel_area, allowed_uses,
            conditional_uses, forbidden_uses, geom)
        SELECT :uat, doc.id, t.code, t.functional_zone, t.name, t.pot_max::numeric,
               t.cut_max::numeric, t.max_height_m::numeric, t.height_regime,
               t.min_parcel_area::numeric,
               coalesce(string_to_array(t.allowed_uses, '; '), '{{}}'),
               coalesce(string_to_array(t.conditional_uses, '; '), '{{}}'),
               coalesce(string_to_array(t.forbidden_uses, '; '), '{{}}'), {GEOM}
        FROM t_zones t JOIN planning.document doc ON doc.uat_siruta = :uat AND doc.code = t.document_code
        ON CONFLICT (document_id, code) WHERE valid_to IS NULL DO UPDATE SET
            functional_zone = excluded.functional_zone, name = excluded.name,
            pot_max = excluded.pot_max, cut_max = excluded.cut_max,
            max_height_m = excluded.max_height_m, height_regime = excluded.height_regime,
            min_parcel_area = excluded.min_parcel_area, allowed_uses = excluded.allowed_uses,
            conditional_uses = excluded.conditional_uses, forbidden_uses = excluded.forbidden_uses,
            geom = excluded.geom
        WHERE (d.functional_zone, d.name, d.pot_max, d.cut_max, d.max_height_m, d.height_regime,
               d.min_parcel_area, d.allowed_uses, d.conditional_uses, d.forbidden_uses, d.geom)
            IS DISTINCT FROM (excluded.functional_zone, excluded.name, excluded.pot_max,
               excluded.cut_max, excluded.max_height_m, excluded.height_regime,
               excluded.min_parcel_area, excluded.allowed_uses, excluded.conditional_uses,
               excluded.forbidden_uses, excluded.geom)
    """),  # noqa: S608 - GEOM is this module's constant
    ("restrictions", ["kind", "name", "legal_basis", "wkb"], f"""
        WITH src AS (SELECT t.kind, t.name, t.legal_basis, {GEOM} AS geom FROM t_restrictions t),
        upd AS (
            UPDATE planning.restriction d SET legal_basis = s.legal_basis, geom = s.geom FROM src s
            WHERE d.uat_siruta = :uat AND d.kind = s.kind AND d.name = s.name
              AND (d.legal_basis, d.geom) IS DISTINCT FROM (s.legal_basis, s.geom)
            RETURNING 1
        ), ins AS (
            INSERT INTO planning.restriction (uat_siruta, kind, name, legal_basis, geom)
            SELECT :uat, s.kind, s.name, s.legal_basis, s.geom FROM src s
            WHERE NOT EXISTS (SELECT 1 FROM planning.restriction r WHERE r.uat_siruta = :uat
                              AND r.kind = s.kind AND r.name = s.name)
            RETURNING 1
        ) SELECT (SELECT count(*) FROM upd) + (SELECT count(*) FROM ins)
    """),  # noqa: S608 - GEOM is this module's constant
    ("taxpayers.csv", ["taxpayer_code", "kind", "name", "id_code", "address", "tax_account"], """
        INSERT INTO fiscal.taxpayer AS d (uat_siruta, code, kind, name, id_code, address, tax_account)
        SELECT :uat, t.taxpayer_code, t.kind, t.name, t.id_code, t.address, t.tax_account
        FROM t_taxpayers t
        ON CONFLICT (uat_siruta, code) DO UPDATE SET kind = excluded.kind, name = excluded.name,
            id_code = excluded.id_code, address = excluded.address, tax_account = excluded.tax_account
        WHERE (d.kind, d.name, d.id_code, d.address, d.tax_account)
            IS DISTINCT FROM (excluded.kind, excluded.name, excluded.id_code, excluded.address,
                              excluded.tax_account)
    """),
    ("tax_assessments.csv", ["year", "taxpayer_code", "cadastral_number", "object_kind",
                             "use_category", "zone", "intravilan", "area", "amount", "paid"], """
        INSERT INTO fiscal.tax_assessment AS d (uat_siruta, year, taxpayer_id, parcel_id,
            object_kind, use_category, zone, intravilan, area, amount, paid)
        SELECT :uat, t.year::numeric::smallint, tp.id, p.id, t.object_kind, t.use_category, t.zone,
               t.intravilan::boolean, round(t.area::numeric, 2), round(t.amount::numeric, 2),
               round(t.paid::numeric, 2)
        FROM t_tax_assessments t
        JOIN fiscal.taxpayer tp ON tp.uat_siruta = :uat AND tp.code = t.taxpayer_code
        LEFT JOIN cadastre.parcel p ON p.uat_siruta = :uat AND p.cadastral_number = t.cadastral_number
                                   AND p.valid_to IS NULL
        ON CONFLICT (year, taxpayer_id, parcel_id, object_kind) DO UPDATE SET
            use_category = excluded.use_category, zone = excluded.zone,
            intravilan = excluded.intravilan, area = excluded.area, amount = excluded.amount,
            paid = excluded.paid
        WHERE (d.use_category, d.zone, d.intravilan, d.area, d.amount, d.paid)
            IS DISTINCT FROM (excluded.use_category, excluded.zone, excluded.intravilan,
                              excluded.area, excluded.amount, excluded.paid)
    """),
    ("agri_plots", ["plot_id", "taxpayer_code", "register_position", "tarla", "parcel_no",
                    "use_category", "declared_area", "year", "cadastral_number", "wkb"], f"""
        INSERT INTO agri.plot AS d (uat_siruta, code, year, holder_id, register_position, tarla,
            parcel_no, use_category, declared_area, cadastral_number, parcel_id, geom)
        SELECT :uat, t.plot_id, t.year::numeric::smallint, tp.id, t.register_position, t.tarla, t.parcel_no,
               t.use_category, round(t.declared_area::numeric, 2), t.cadastral_number, p.id, {GEOM}
        FROM t_agri_plots t
        LEFT JOIN fiscal.taxpayer tp ON tp.uat_siruta = :uat AND tp.code = t.taxpayer_code
        LEFT JOIN cadastre.parcel p ON p.uat_siruta = :uat AND p.cadastral_number = t.cadastral_number
                                   AND p.valid_to IS NULL
        ON CONFLICT (uat_siruta, year, code) DO UPDATE SET holder_id = excluded.holder_id,
            register_position = excluded.register_position, tarla = excluded.tarla,
            parcel_no = excluded.parcel_no, use_category = excluded.use_category,
            declared_area = excluded.declared_area, cadastral_number = excluded.cadastral_number,
            parcel_id = excluded.parcel_id, geom = excluded.geom
        WHERE (d.holder_id, d.register_position, d.tarla, d.parcel_no, d.use_category,
               d.declared_area, d.cadastral_number, d.parcel_id, d.geom)
            IS DISTINCT FROM (excluded.holder_id, excluded.register_position, excluded.tarla,
               excluded.parcel_no, excluded.use_category, excluded.declared_area,
               excluded.cadastral_number, excluded.parcel_id, excluded.geom)
    """),  # noqa: S608 - GEOM is this module's constant
]


def _read(source: Path, name: str, columns: list[str]) -> list[tuple]:
    """Rows of one layer or CSV as text tuples (geometry as hex WKB), in `columns` order."""
    if name.endswith(".csv"):
        df = pd.read_csv(source / name, dtype=str, keep_default_na=False)
    else:
        df = pyogrio.read_dataframe(source / "commune.gpkg", layer=name)
        if "wkb" in columns:
            df["wkb"] = shapely.to_wkb(df.geometry.values, hex=True, output_dimension=2)
        df = pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing columns {', '.join(missing)}")
    df = df[columns].astype(object).where(df[columns].notna(), None)
    rows = []
    for row in df.itertuples(index=False, name=None):
        rows.append(tuple(None if v is None or v == "" else str(v) for v in row))
    return rows


def _check_localities(conn, source: Path, uat: int, rows: list[tuple]) -> None:
    """A commune's villages are its own: the merge by SIRUTA must never move another UAT's
    locality (in a region every UAT is loaded by itself, each with its own villages)."""
    foreign = [r[0] for r in rows if r[1] is None or int(float(r[1])) != uat]
    if foreign:
        raise ValueError(f"{source}: localities {', '.join(foreign[:5])} are not of UAT {uat}")
    taken = conn.execute(text(
        "SELECT l.siruta, l.uat_siruta FROM territory.locality l JOIN t_localities t "
        "ON l.siruta = t.siruta::numeric::int WHERE l.uat_siruta <> :uat LIMIT 1"), {"uat": uat}).first()
    if taken is not None:
        raise ValueError(f"{source}: locality SIRUTA {taken[0]} belongs to UAT {taken[1]}, not {uat}")


def is_region(source: Path) -> bool:
    """A folder of `teritoriu generate --uats`: one sub-folder per UAT."""
    return (Path(source) / "region.json").exists() and not (Path(source) / "commune.gpkg").exists()


def region_folders(source: Path) -> list[Path]:
    """The UAT folders of a region, in the order region.json lists them."""
    index = json.loads((Path(source) / "region.json").read_text(encoding="utf-8"))
    return [Path(source) / c["folder"] for c in index["communes"]]


def load_region(settings: Settings, source: Path, progress=None) -> list[LoadReport]:
    """Merge every UAT of a region, each in its own transaction (`load_commune` merges by UAT:
    a UAT's parcels, streets, taxpayers… are looked up only within it). Loading twice changes
    nothing; a failure leaves the UATs before it loaded, and loading again resumes."""
    reports = []
    for folder in region_folders(source):
        reports.append(load_commune(settings, folder))
        if progress is not None:
            progress(reports[-1])
    return reports


def load_commune(settings: Settings, source: Path) -> LoadReport:
    """Merge the commune in `source` into the database, in one transaction."""
    started = time.monotonic()
    source = Path(source)
    if not (source / "commune.gpkg").exists():
        raise FileNotFoundError(f"{source} has no commune.gpkg (write one with `teritoriu generate`)")
    profile = get_profile(settings.profile)
    srid = profile.storage_srid
    uat_rows = _read(source, "uat", ["siruta", "name", "county", "wkb"])
    if len(uat_rows) != 1:
        raise ValueError(f"{source}: expected one UAT, found {len(uat_rows)}")
    uat = int(uat_rows[0][0])
    # the profile's cadastral rule first: a commune of the other country is refused as such,
    # not by whichever database check its postal codes or identifiers meet first
    wrong = [r[0] for r in _read(source, "parcels", ["cadastral_number"])
             if not profile.valid_cadastral_number(r[0] or "")]
    if wrong:
        raise ValueError(f"{source}: {len(wrong)} cadastral numbers do not follow the "
                         f"{profile.code} rule (e.g. {wrong[0]!r})")
    report = LoadReport(source)
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, ACTOR)
        conn.execute(text("SELECT set_config('teritoriu.bulk', 'on', true)"))
        # Freshly loaded tables have no statistics yet (and the app role may not ANALYZE them):
        # the planner would then join 100k rows to 100k rows by nested loops (measured: minutes
        # per step). Bulk merges want hash joins.
        conn.execute(text("SET LOCAL enable_nestloop = off"))
        raw = conn.connection.driver_connection
        for name, columns, merge in STEPS:
            rows = uat_rows if name == "uat" else _read(source, name, columns)
            table = "t_" + name.removesuffix(".csv")
            cols = ", ".join(columns)
            conn.execute(text(f"CREATE TEMP TABLE {table} ({cols.replace(', ', ' text, ')} text)"
                              " ON COMMIT DROP"))
            with raw.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            # temp tables have no statistics until analysed: without them the planner joins
            # 37k addresses to 100k parcels by nested loops (measured: minutes instead of seconds)
            conn.execute(text(f"ANALYZE {table}"))
            if name == "localities":
                _check_localities(conn, source, uat, rows)
            result = conn.execute(text(merge), {"srid": srid, "uat": uat})
            # Plain INSERT ... ON CONFLICT counts its rows; the CTE merges select their count.
            changed = result.scalar_one() if result.returns_rows else result.rowcount
            report.changed[name.removesuffix(".csv")] = int(changed)
        conn.execute(text("SELECT set_config('teritoriu.bulk', 'off', true)"))
        if report.total_changed:
            audit.record(conn, ACTOR, "bulk-load", "samples", str(source), uat, json.dumps(report.changed))
    report.seconds = time.monotonic() - started
    return report
