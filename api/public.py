"""/: the public map, and /static: the project's own scripts, styles and vendored assets."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, Response, request, send_from_directory

from gis.settings import Settings
from webmap.i18n import pick_language
from webmap.pages import public_map_html

STATIC = Path(__file__).resolve().parent.parent / "webmap" / "static"
PAGE_TTL_S = 300


def create_public_blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("public", __name__)
    pages: dict[str, tuple[float, str]] = {}

    @bp.get("/")
    def index():
        lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
        cached = pages.get(lang)
        if cached is None or time.monotonic() - cached[0] > PAGE_TTL_S:
            cached = (time.monotonic(), public_map_html(settings, lang))
            pages[lang] = cached
        response = Response(cached[1], mimetype="text/html")
        if request.args.get("lang") == lang:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
        return response

    @bp.get("/favicon.ico")
    def favicon():
        return send_from_directory(STATIC, "favicon.svg", mimetype="image/svg+xml", max_age=86400)

    @bp.get("/static/<path:filename>")
    def static(filename: str):
        response = send_from_directory(STATIC, filename, max_age=3600)
        return response

    return bp
