"""The local cluster manager on a cluster of its own (initdb, stop, start, reuse, data kept)."""

from __future__ import annotations

import pytest

from gis.cluster import ClusterError, LocalCluster
from gis.settings import load_settings


@pytest.fixture
def scratch(tmp_path):
    cluster = LocalCluster(load_settings(var_dir=tmp_path / "var", db_name="scratch"))
    yield cluster
    cluster.destroy()


@pytest.mark.slow
def test_a_new_cluster_keeps_its_data_across_stop_and_start(scratch):
    assert scratch.status() == "absent"
    scratch.start()
    assert scratch.status() == "running"
    scratch.psql("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('ș ț ă î â')", "scratch")
    scratch.start()  # already running: reused, not re-created
    scratch.stop()
    assert scratch.status() == "stopped"
    scratch.start()
    assert scratch.psql("SELECT v FROM kept", "scratch").strip() == "ș ț ă î â"


@pytest.mark.slow
def test_the_cluster_has_postgis_the_extensions_and_three_roles(scratch):
    scratch.start()
    exts = scratch.psql("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension", "scratch")
    assert {"postgis", "pg_trgm", "unaccent"} <= set(exts.strip().split(","))
    roles = scratch.psql("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles "
                         "WHERE rolname LIKE 'teritoriu_%'")
    assert roles.strip().split(",") == ["teritoriu_app", "teritoriu_owner", "teritoriu_public"]


def test_a_port_in_use_is_a_clear_error(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        cluster = LocalCluster(load_settings(var_dir=tmp_path / "var", db_listen=f"127.0.0.1:{port}"))
        try:
            with pytest.raises(ClusterError, match="in use"):
                cluster.start()
        finally:
            cluster.destroy()
