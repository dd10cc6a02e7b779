"""Shared fixtures: a real PostGIS (the local cluster), a fresh test database built by the
migrations, the sample commune loaded once, the app, and a live HTTP server for real clients."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from factories import STAFF_PASSWORD, csrf_token, free_port, sign_in
from sqlalchemy import text
from werkzeug.serving import make_server

from gis.cluster import LocalCluster
from gis.db import get_engine
from gis.migrate import upgrade
from gis.settings import PROJECT_ROOT, load_settings

ARTIFACTS = PROJECT_ROOT / "var" / "artifacts"
# another name lets two suites share the cluster (parallel work on one machine)
TEST_DB = os.environ.get("TERITORIU_TEST_DB", "teritoriu_test")


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
    port = free_port()
    # admins' second factor (TOTP) is tested in test_totp.py with an app of its own; here staff_client
    # signs admins in with the password alone
    s = load_settings(db_name=TEST_DB, port=port, admin_totp=False)
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


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Debian's package) driven by Playwright, one for the whole session (a second
    sync Playwright in the same session is refused): tests/e2e and the browser tests of tests/security."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


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
    ("auth.user_uat", None), ("audit.use_count", None), ("territory.uat", "siruta = ANY(:u)"),
]


@pytest.fixture(scope="session")
def remove_uats(settings):
    """remove_uats([siruta, ...]): take UATs a test added out of the shared test database again (as
    the tables' owner, with the rule "records are never deleted" switched off for this one
    transaction), so that the modules after it see the sample commune alone."""
    return lambda sirutas: _remove_uats(settings, sirutas)


def _remove_uats(settings, sirutas: list[int]) -> None:
    with get_engine(settings, "owner").begin() as c:
        # registry: issued documents never change (a trigger), except when a test's UAT goes away
        triggered = [t for t, _ in UAT_TABLES
                     if t.split(".")[0] in ("cadastre", "streets", "planning", "territory", "registry")
                     and not t.endswith(("_history", "_lineage"))]
        for t in triggered:
            c.execute(text(f"ALTER TABLE {t} DISABLE TRIGGER USER"))
        for table, where in UAT_TABLES:
            c.execute(text(f"DELETE FROM {table} WHERE {where or 'uat_siruta = ANY(:u)'}"), {"u": list(sirutas)})
        for t in triggered:
            c.execute(text(f"ALTER TABLE {t} ENABLE TRIGGER USER"))
        c.execute(text("SELECT audit.refresh_feature_counts()"))  # the count triggers were off too
        # and so was the data revision's: caches keyed on it (tiles, tilesets' limits) must see the change
        c.execute(text("UPDATE audit.data_revision SET revision = revision + 1, changed_at = now()"))


# -- factories: accounts, signed-in staff, UATs, production servers ---------------------------
@pytest.fixture(scope="session")
def make_user(loaded):
    """make_user(username, role, uats=(), password=STAFF_PASSWORD, full_name=None): a local account,
    scoped to `uats` (SIRUTA codes; none: unscoped), kept as it is when it exists already."""
    from gis.passwords import hash_password

    def make(username: str, role: str, uats=(), password: str = STAFF_PASSWORD, full_name: str | None = None) -> str:
        with get_engine(loaded, "app").begin() as c:
            c.execute(text("SELECT set_config('teritoriu.actor', 'test', true)"))
            user_id = c.execute(text(
                "INSERT INTO auth.user (username, full_name, role, password_hash) VALUES (:u, :n, :r, :h) "
                "ON CONFLICT (username) DO UPDATE SET username = EXCLUDED.username RETURNING id"),
                {"u": username, "n": full_name or username, "r": role, "h": hash_password(password)}).scalar_one()
            for siruta in uats:
                c.execute(text("INSERT INTO auth.user_uat (user_id, uat_siruta) VALUES (:i, :s) "
                               "ON CONFLICT DO NOTHING"),
                          {"i": user_id, "s": siruta})
        return username

    return make


@pytest.fixture(scope="session")
def staff_client(app, make_user):
    """staff_client(role, uats=(), username=None) -> (client, headers): a test client signed in as a
    staff account of that role (created if missing) and the X-CSRF-Token header its calls need."""

    def make(role: str, uats=(), username: str | None = None):
        username = make_user(username or f"test.{role}", role, uats)
        client = app.test_client()
        answer = sign_in(client, username)
        assert answer.status_code == 303, f"{username} could not sign in: {answer.status_code}"
        return client, {"X-CSRF-Token": csrf_token(client, "/office")}

    return make


@pytest.fixture(scope="session")
def make_uat(settings):
    """make_uat(conn, siruta, name, (xmin, ymin, xmax, ymax), county="Bihor"): a UAT whose boundary is
    that rectangle in the storage CRS, inserted through `conn` (the caller's transaction)."""
    from gis.profiles import get_profile

    srid = get_profile(settings.profile).storage_srid

    def make(conn, siruta: int, name: str, box: tuple[float, float, float, float], county: str = "Bihor") -> int:
        conn.execute(text("INSERT INTO territory.uat (siruta, name, county, geom) VALUES "
                          "(:s, :n, :c, ST_Multi(ST_MakeEnvelope(:x0, :y0, :x1, :y1, :srid)))"),
                     {"s": siruta, "n": name, "c": county, "x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3],
                      "srid": srid})
        return siruta

    return make


@pytest.fixture(scope="module")
def production_server():
    """production_server(env, workers=2) -> base URL: `teritoriu serve --production` on a free loopback
    port with `env` added to the environment; every server started is stopped after the module."""
    from api import production

    started = []

    def start(env: dict, workers: int = 2) -> str:
        port = free_port()
        started.append(production.spawn(port, env, workers=workers))
        return f"http://127.0.0.1:{port}"

    yield start
    for proc in started:
        production.stop(proc)


@pytest.fixture(scope="session")
def clear_throttles(engine):
    """clear_throttles(scope_prefix=""): forget the shared throttles' counts (auth.throttle) of the
    scopes starting with the prefix, so a test starts and ends with none of its own."""

    def clear(prefix: str = "") -> None:
        with engine.begin() as c:
            if c.execute(text("SELECT to_regclass('auth.throttle')")).scalar() is not None:
                c.execute(text("DELETE FROM auth.throttle WHERE scope LIKE :p"), {"p": prefix + "%"})

    return clear


@pytest.fixture(scope="session")
def two_workers(loaded):
    """two_workers(settings=None): test clients of two apps on the test database (with `settings`,
    or the test database's own), as two workers of one server."""
    from api import create_app

    def make(settings=None) -> list:
        apps = [create_app(settings or loaded), create_app(settings or loaded)]
        for a in apps:
            a.testing = True
        return [a.test_client() for a in apps]

    return make


@pytest.fixture(scope="session")
def bring_request_to(loaded, engine):
    """bring_request_to(request_id, state, reason="dublură"): move a filed request to `state` the way
    the registry gets there (review, issue, cancel through the workflow; draft and downloaded set
    directly, so that tests of the reads do not depend on the reads under test)."""
    from gis.certificates.workflow import cancel, issue_request, send_to_review

    def bring(request_id: int, state: str, reason: str = "dublură") -> None:
        if state == "draft":
            with engine.begin() as c:
                c.execute(text("UPDATE registry.request SET status = 'draft' WHERE id = :i"), {"i": request_id})
        if state in ("review", "issued", "downloaded"):
            send_to_review(loaded, request_id, "officer:test")
        if state in ("issued", "downloaded"):
            issue_request(loaded, request_id, "officer:test", unpaid_confirmed=True)
        if state == "downloaded":
            with engine.begin() as c:
                c.execute(text("UPDATE registry.request SET status = 'downloaded' WHERE id = :i"), {"i": request_id})
        if state == "cancelled":
            cancel(loaded, request_id, reason, "officer:test")

    return bring


@pytest.fixture(scope="module")
def parcel(engine):
    """The OGC tests' sample parcel (the first by number): id, cadastral number, a point on it in
    3844 (x=E, y=N) and in lon/lat. A module with a parcel fixture of its own overrides it."""
    with engine.connect() as c:
        row = c.execute(text("""
            SELECT id, cadastral_number, ST_X(p) AS e, ST_Y(p) AS n,
                   ST_X(ST_Transform(p, 4326)) AS lon, ST_Y(ST_Transform(p, 4326)) AS lat
            FROM (SELECT id, cadastral_number, ST_PointOnSurface(geom) AS p
                  FROM public_api.parcel ORDER BY cadastral_number LIMIT 1) s""")).one()
    return row._asdict()
