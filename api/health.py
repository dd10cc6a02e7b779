"""/api/health: is the service up, and on which database."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from gis.db import server_versions

bp = Blueprint("health", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    settings = current_app.extensions["teritoriu.settings"]
    try:
        versions = server_versions(settings)
    except Exception:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok", **versions)
