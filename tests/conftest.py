"""Shared fixtures: a real PostGIS (the local cluster), a fresh test database built by the
migrations, the sample commune loaded once, the app, and a live HTTP server for real clients."""

from __future__ import annotations

import os
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
