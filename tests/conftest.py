"""Shared fixtures: a real PostGIS (the local cluster), a fresh test database built by the
migrations, the sample commune loaded once, the app, and a live HTTP server for real clients."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from gis.cluster import LocalCluster
from gis.db import get_engine
from gis.migrate import upgrade
from gis.settings import PROJECT_ROOT, load_settings

ARTIFACTS = PROJECT_ROOT / "var" / "artifacts"
# another name lets two suites share the cluster (parallel work on one machine)
TEST_DB = os.environ.get("TERITORIU_TEST_DB", "teritoriu_test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def cluster() -> LocalCluster:
    settings = load_settings(db_name=TEST_DB)
    if not settings.uses_local_cluster:
        pytest.exit("tests run on the local cluster; unset TERITORIU_DATABASE_URL", 2)
    c = LocalCluster(settings)
    c.start()
    return c


@pytest.fixture(scope="session")
def settings(cluster):
    """Settings of a fresh, migrated test database (dropped and rebuilt every session)."""
    port = _free_port()
    s = load_settings(db_name=TEST_DB, port=port)
    cluster.drop_database(TEST_DB)
    cluster.ensure_database(TEST_DB)
    shutil.rmtree(s.var_dir / "drafts" / TEST_DB, ignore_errors=True)  # drafts of the previous build
    upgrade(s)
    return s


@pytest.fixture(scope="session")
def loaded(settings):
    """The test database with data-samples/ loaded."""
    from gis.samples import load_commune

    load_commune(settings, settings.samples_dir)
    return settings


@pytest.fixture(scope="session")
def engine(settings):
    return get_engine(settings, "app")


@pytest.fixture
def conn(engine):
    """A connection whose work is rolled back at the end of the test."""
    with engine.connect() as c:
        tx = c.begin()
        yield c
        tx.rollback()


@pytest.fixture(scope="session")
def app(loaded):
    from api import create_app

    application = create_app(loaded)
    application.testing = True
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app, loaded):
    """The app served over real HTTP on 127.0.0.1 (for browsers, GDAL, OWSLib)."""
    server = make_server("127.0.0.1", loaded.port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{loaded.port}"
    server.shutdown()


def scalar(conn, sql: str, **params):
    return conn.execute(text(sql), params).scalar()


# Tables holding a UAT's records, children before parents (history tables have no foreign keys).
UAT_TABLES = [
    ("registry.document", "request_id IN (SELECT id FROM registry.request WHERE uat_siruta = ANY(:u))"),
    ("registry.request_parcel", "request_id IN (SELECT id FROM registry.request WHERE uat_siruta = ANY(:u))"),
    ("registry.request", None), ("registry.counter", None), ("fiscal.tax_assessment", None), ("agri.plot", None),
    ("cadastre.building", None), ("cadastre.building_history", None), ("streets.address_point", None),
    ("streets.address_point_history", None),
    ("streets.street_name", "street_id IN (SELECT id FROM streets.street WHERE uat_siruta = ANY(:u))"),
    ("streets.street", None), ("streets.street_history", None),
    ("cadastre.parcel_lineage", "parent_id IN (SELECT id FROM cadastre.parcel WHERE uat_siruta = ANY(:u)) "
                                "OR child_id IN (SELECT id FROM cadastre.parcel WHERE uat_siruta = ANY(:u))"),
    ("cadastre.parcel", None), ("cadastre.parcel_history", None), ("planning.zone", None),
    ("planning.zone_history", None), ("planning.restriction", None), ("planning.document", None),
    ("importing.staged_feature", "job_id IN (SELECT id FROM importing.job WHERE uat_siruta = ANY(:u))"),
    ("importing.job", None), ("fiscal.taxpayer", None), ("territory.locality", None),
    ("auth.user_uat", None), ("territory.uat", "siruta = ANY(:u)"),
]


@pytest.fixture(scope="session")
def remove_uats(settings):
    """remove_uats([siruta, ...]): take UATs a test added out of the shared test database again (as
    the tables' owner, with the rule "records are never deleted" switched off for this one
    transaction), so that the modules after it see the sample commune alone."""
    return lambda sirutas: _remove_uats(settings, sirutas)


def _remove_uats(settings, sirutas: list[int]) -> None:
    with get_engine(settings, "owner").begin() as c:
        triggered = [t for t, _ in UAT_TABLES if t.split(".")[0] in ("cadastre", "streets", "planning", "territory")
                     and not t.endswith(("_history", "_lineage"))]
        for t in triggered:
            c.execute(text(f"ALTER TABLE {t} DISABLE TRIGGER USER"))
        for table, where in UAT_TABLES:
            c.execute(text(f"DELETE FROM {table} WHERE {where or 'uat_siruta = ANY(:u)'}"), {"u": list(sirutas)})
        for t in triggered:
            c.execute(text(f"ALTER TABLE {t} ENABLE TRIGGER USER"))
