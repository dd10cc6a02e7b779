"""/api/search?q=: suggestions for the public map's search box (rate-limited per client)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from api.errors import fail
from api.ratelimit import rate_limited
from gis.db import get_engine
from gis.search import MAX_QUERY, search
from gis.uats import is_uat_code

bp = Blueprint("search", __name__, url_prefix="/api")


@bp.get("/search")
@rate_limited("searches", share=0.5)
def suggest():
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY:
        fail(400, "search.too_long", max=MAX_QUERY)
    if "\x00" in q:
        fail(400, "request.nul")
    try:
        limit = min(20, max(1, int(request.args.get("limit", 8))))
    except ValueError:
        fail(400, "param.whole_number", name="limit")
    uat = request.args.get("uat")
    if uat is not None and not is_uat_code(uat):
        fail(400, "usage.uat")
    settings = current_app.extensions["teritoriu.settings"]
    with get_engine(settings, "public").connect() as conn:
        hits = search(conn, q, limit, int(uat) if uat else None)
    return jsonify(query=q, results=[h.to_json() for h in hits])
