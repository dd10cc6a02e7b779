"""/api/health: is the service up, and on which database; with a standby for the public reads
(TERITORIU_DATABASE_PUBLIC_URL), its lag behind the primary (gis/replica.py), "degraded" while it
follows no primary, 503 while it is unreachable."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from gis.db import get_engine, public_is_separate, server_versions

bp = Blueprint("health", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    settings = current_app.extensions["teritoriu.settings"]
    separate = public_is_separate(settings)
    try:
        versions = server_versions(settings)  # on the public side's server
    except Exception:
        if not separate:
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="error", database=_state(get_engine(settings, "app")), replica="unreachable"), 503
    body = dict(status="ok", database="ok", **versions)
    if separate:
        from gis.replica import lag

        standby = lag(get_engine(settings, "app"), get_engine(settings, "public"))
        body["database"], body["replica"] = _state(get_engine(settings, "app")), standby.as_dict()
        # the public side answers still, from data older with every edit; staff work waits for the primary
        if body["database"] != "ok" or (standby.in_recovery and not standby.receiving):
            body["status"] = "degraded"
    return jsonify(body)


def _state(engine) -> str:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return "unreachable"
    return "ok"
