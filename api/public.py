"""/: the public map (built by webmap)."""

from __future__ import annotations

from flask import Blueprint

from gis.settings import Settings


def create_public_blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("public", __name__)

    @bp.get("/")
    def index():
        return "Teritoriu"

    return bp
