"""/: the public map, and /static: the project's own scripts, styles and vendored assets."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, Response, request, send_from_directory

from api.errors import fail
from gis.certificates.kinds import all_kinds
from gis.db import get_engine
from gis.settings import Settings
from layers.vector_tiles import data_revision
from webmap.i18n import pick_language
from webmap.pages import public_map_html
from webmap.templating import with_nonce

STATIC = Path(__file__).resolve().parent.parent / "webmap" / "static"
PAGE_TTL_S = 300


def create_public_blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("public", __name__)
    pages: dict[str, tuple[float, str]] = {}

    @bp.get("/")
    @bp.get("/u/<int(max=999999999):uat>/")  # gis.uats.MAX_UAT_CODE
    def index(uat: int | None = None):
        """The map of every UAT (a county's or region's overview listing them), or of one."""
        lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
        revision = data_revision(get_engine(settings, "public"))  # a UAT added or changed: a new page
        key = (lang, uat, tuple(all_kinds()))  # a certificate kind registered: new buttons, a new page
        cached = pages.get(key)
        if cached is None or cached[1] != revision or time.monotonic() - cached[0] > PAGE_TTL_S:
            page = public_map_html(settings, lang, uat)
            if page is None:
                fail(404, "uat.unknown", uat=uat)
            cached = pages[key] = (time.monotonic(), revision, page)
        response = Response(with_nonce(cached[2]), mimetype="text/html")  # the cached page, this request's nonce
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
