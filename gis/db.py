"""Database URLs, engines and sessions for the three roles.

- owner: owns the schema, runs migrations;
- app: reads and writes every schema (staff surfaces, importers);
- public: reads the `public_api` views and nothing else (public map, public OGC collections).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Literal

import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from gis.cluster import LocalCluster
from gis.settings import Settings

Role = Literal["owner", "app", "public"]


def database_url(settings: Settings, role: Role = "app") -> URL:
    if settings.uses_local_cluster and not (role == "public" and settings.database_public_url):
        return LocalCluster(settings).url(f"teritoriu_{role}")
    chosen = {
        "app": settings.database_url,
        "owner": settings.database_owner_url or settings.database_url,
        "public": settings.database_public_url or settings.database_url,
    }[role]  # the public URL may name a standby of the local cluster too (gis/replica.py)
    url = make_url(chosen)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def public_is_separate(settings: Settings) -> bool:
    """Whether the public reads go to another server than the staff's (a standby)."""
    public, app = database_url(settings, "public"), database_url(settings, "app")
    return (public.host, public.port, public.query) != (app.host, app.port, app.query)


@cache
def _engine(url: URL, application_name: str) -> Engine:
    # The public role only reads views, one statement at a time: autocommit spares each
    # request its BEGIN and the ROLLBACK on return to the pool (two round trips of ~8).
    read_only = application_name.endswith("public")
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"application_name": application_name},
        json_deserializer=orjson.loads,  # pages of features arrive as one JSON array (layers/provider.py)
        **({"isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None} if read_only else {}),
    )


def get_engine(settings: Settings, role: Role = "app") -> Engine:
    """One pooled engine per (database, role), shared by the process."""
    return _engine(database_url(settings, role), f"teritoriu-{role}")


def engine_for_url(url: URL) -> Engine:
    """The shared engine of a URL written into generated configuration (pygeoapi providers)."""
    return _engine(url, f"teritoriu-{url.username or 'app'}")


@contextmanager
def session_scope(settings: Settings, actor: str = "system", role: Role = "app") -> Iterator[Session]:
    """A transaction; `actor` is recorded by the audit trigger for every row it changes."""
    factory = sessionmaker(get_engine(settings, role), expire_on_commit=False)
    with factory() as session, session.begin():
        set_actor(session, actor)
        yield session


def set_actor(session_or_conn, actor: str) -> None:
    """Tell the audit trigger who is acting, for the current transaction only."""
    session_or_conn.execute(text("SELECT set_config('teritoriu.actor', :a, true)"), {"a": actor})


def server_versions(settings: Settings) -> dict[str, str]:
    with get_engine(settings, "public").connect() as conn:
        pg = conn.execute(text("SHOW server_version")).scalar_one()
        postgis = conn.execute(text("SELECT postgis_lib_version()")).scalar_one()
    return {"postgresql": pg, "postgis": postgis}
