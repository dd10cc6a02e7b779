"""Rules the database itself enforces: geometry validity, type and SRID, unique cadastral numbers
among current parcels, versioning without loss, audit rows, and the public role's narrow view."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gis.db import get_engine
from gis.models import Base

UAT = 999001
SQUARE = "MULTIPOLYGON(((250000 610000, 250020 610000, 250020 610040, 250000 610040, 250000 610000)))"
BOWTIE = "MULTIPOLYGON(((250000 610000, 250020 610040, 250020 610000, 250000 610040, 250000 610000)))"


@pytest.fixture
def uat(conn, make_uat):
    return make_uat(conn, UAT, "Comuna Test", (249000, 609000, 252000, 612000))


def insert_parcel(conn, number: str, wkt: str = SQUARE, srid: int = 3844):
    return conn.execute(text(
        "INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, legal_area, use_category, "
        "intravilan, geom) VALUES (:u, :n, 800, 'CC', true, ST_GeomFromText(:w, :srid)) RETURNING id"),
        {"u": UAT, "n": number, "w": wkt, "srid": srid}).scalar_one()


def refused(conn, fn, *args) -> str:
    """Run fn inside a savepoint; return the database's message (the test fails if it passes)."""
    sp = conn.begin_nested()
    with pytest.raises(DBAPIError) as err:
        fn(conn, *args)
    sp.rollback()
    return str(err.value.orig)


def test_a_valid_parcel_is_stored_with_its_measured_area(conn, uat):
    pid = insert_parcel(conn, "50001")
    area = conn.execute(text("SELECT measured_area FROM cadastre.parcel WHERE id = :i"), {"i": pid})
    assert area.scalar_one() == pytest.approx(800.0)


def test_invalid_geometry_is_refused(conn, uat):
    msg = refused(conn, insert_parcel, "50002", BOWTIE)
    assert "parcel_geom_check" in msg


def test_wrong_srid_is_refused(conn, uat):
    msg = refused(conn, insert_parcel, "50003", SQUARE, 4326)
    assert "SRID" in msg


def test_wrong_geometry_type_is_refused(conn, uat):
    msg = refused(conn, insert_parcel, "50004", "LINESTRING(250000 610000, 250020 610000)")
    assert "type" in msg.lower()


def test_duplicate_cadastral_number_among_current_parcels_is_refused(conn, uat):
    insert_parcel(conn, "50005")
    msg = refused(conn, insert_parcel, "50005")
    assert "parcel_current_cadastral_number_key" in msg


def test_the_same_number_is_free_again_once_the_parcel_is_retired(conn, uat):
    pid = insert_parcel(conn, "50006")
    conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :i"), {"i": pid})
    assert insert_parcel(conn, "50006") != pid


def test_the_same_number_in_another_uat_is_another_parcel(conn, uat, make_uat):
    make_uat(conn, 999002, "Alta", (249000, 609000, 252000, 612000))
    insert_parcel(conn, "50007")
    conn.execute(text(
        "INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) "
        "VALUES (999002, '50007', 'CC', true, ST_GeomFromText(:w, 3844))"), {"w": SQUARE})
    n = conn.execute(text("SELECT count(*) FROM cadastre.parcel WHERE cadastral_number = '50007' "
                          "AND uat_siruta IN (999001, 999002)"))
    assert n.scalar_one() == 2


def test_an_edit_keeps_the_old_version_in_history(conn, uat):
    pid = insert_parcel(conn, "50008")
    conn.execute(text("UPDATE cadastre.parcel SET legal_area = 810 WHERE id = :i"), {"i": pid})
    conn.execute(text("UPDATE cadastre.parcel SET legal_area = 820 WHERE id = :i"), {"i": pid})
    current = conn.execute(text("SELECT version, legal_area FROM cadastre.parcel WHERE id = :i"),
                           {"i": pid}).one()
    history = conn.execute(text(
        "SELECT version, legal_area, valid_to IS NOT NULL FROM cadastre.parcel_history "
        "WHERE id = :i ORDER BY version"), {"i": pid}).all()
    assert tuple(current) == (3, 820)
    assert [tuple(h) for h in history] == [(1, 800, True), (2, 810, True)]


def test_parcels_are_never_deleted(conn, uat):
    pid = insert_parcel(conn, "50009")
    msg = refused(conn, lambda c: c.execute(text("DELETE FROM cadastre.parcel WHERE id = :i"), {"i": pid}))
    assert "never deleted" in msg


def test_a_retired_parcel_cannot_be_edited(conn, uat):
    pid = insert_parcel(conn, "50010")
    conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :i"), {"i": pid})
    msg = refused(conn, lambda c: c.execute(
        text("UPDATE cadastre.parcel SET legal_area = 1, valid_to = now() WHERE id = :i"), {"i": pid}))
    assert "retired" in msg


def test_every_mutation_writes_an_audit_row_with_its_actor(conn, uat):
    conn.execute(text("SELECT set_config('teritoriu.actor', 'officer:ana', true)"))
    pid = insert_parcel(conn, "50011")
    conn.execute(text("UPDATE cadastre.parcel SET legal_area = 805 WHERE id = :i"), {"i": pid})
    conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :i"), {"i": pid})
    rows = conn.execute(text(
        "SELECT actor, action, before ->> 'legal_area', after ->> 'legal_area' FROM audit.log "
        "WHERE table_name = 'cadastre.parcel' AND object_id = :i ORDER BY id"), {"i": str(pid)}).all()
    assert [tuple(r) for r in rows] == [
        ("officer:ana", "insert", None, "800.00"),
        ("officer:ana", "update", "800.00", "805.00"),
        ("officer:ana", "retire", "805.00", "805.00"),
    ]


def test_an_issued_document_never_changes(conn, uat):
    req = conn.execute(text(
        "INSERT INTO registry.request (uat_siruta, year, registry_number, kind, applicant_name, "
        "purpose, created_by, access_token, registered_at) VALUES (:u, 2026, 1, 'urbanism', 'X', 'construire', 't', "
        "'tok-model-test', now()) RETURNING id"),
        {"u": UAT}).scalar_one()
    doc = conn.execute(text(
        "INSERT INTO registry.document (request_id, kind, issued_by, verification_code, pdf, sha256, "
        "facts) VALUES (:r, 'urbanism', 't', 'ABC', '\\x00', repeat('0', 64), '{}') RETURNING id"),
        {"r": req}).scalar_one()
    msg = refused(conn, lambda c: c.execute(
        text("UPDATE registry.document SET pdf = '\\x01' WHERE id = :i"), {"i": doc}))
    assert "immutable" in msg


@pytest.mark.parametrize("table", ["fiscal.taxpayer", "fiscal.tax_assessment", "agri.plot",
                                   "cadastre.parcel", "auth.user", "audit.log"])
def test_the_public_role_reads_no_private_table(settings, table):
    with get_engine(settings, "public").connect() as c:
        with pytest.raises(DBAPIError) as err:
            c.execute(text(f"SELECT 1 FROM {table} LIMIT 1"))  # noqa: S608 - constant names
    assert "permission denied" in str(err.value.orig)


def test_the_public_role_cannot_write_its_views(settings):
    with get_engine(settings, "public").connect() as c:
        with pytest.raises(DBAPIError) as err:
            c.execute(text("DELETE FROM public_api.parcel"))
    assert "permission denied" in str(err.value.orig)


def test_public_views_expose_no_personal_columns(settings):
    with get_engine(settings, "public").connect() as c:
        cols = set(c.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public_api'"
        )).scalars())
    assert cols, "the public role must see the public_api views"
    assert not cols & {"id_code", "taxpayer_id", "holder_id", "amount", "paid", "applicant_name",
                       "password_hash", "address"}


def test_every_geometry_column_has_a_gist_index(engine):
    with engine.connect() as c:
        missing = c.execute(text("""
            SELECT f_table_schema || '.' || f_table_name || '.' || f_geometry_column
            FROM geometry_columns g
            WHERE f_table_schema NOT IN ('public_api', 'staff_api', 'public') AND f_table_name NOT LIKE '%history'
              AND NOT EXISTS (
                SELECT 1 FROM pg_indexes i WHERE i.schemaname = g.f_table_schema
                  AND i.tablename = g.f_table_name AND i.indexdef ILIKE '%gist%'
                  AND i.indexdef LIKE '%' || g.f_geometry_column || '%')
        """)).scalars().all()
    assert missing == []


def test_models_match_the_migrated_schema(settings):
    """The few ORM models (gis.models) describe their tables as the Alembic migrations made them."""
    with get_engine(settings, "owner").connect() as c:
        ctx = MigrationContext.configure(c, opts={"include_schemas": True,
                                                  "compare_type": False,
                                                  "include_name": _ours})
        diff = compare_metadata(ctx, Base.metadata)
    relevant = [d for d in diff if d[0] in ("add_table", "remove_table", "add_column", "remove_column")]
    assert relevant == []


def _ours(name, type_, parent_names):
    if type_ == "schema":
        return name in {"territory", "cadastre", "streets", "planning", "agri", "fiscal",
                        "registry", "audit", "auth"}
    if type_ == "table":
        return f"{parent_names['schema_name']}.{name}" in Base.metadata.tables
    return True
