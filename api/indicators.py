"""/office/indicatori (page, .csv, .json): the service's indicators (gis/indicators.py), and
POST /api/usage/<kind>: the public map's cookie-less use counter (gis/map_use.py)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, jsonify, request

from api.errors import answer, fail
from api.messages import message
from api.ratelimit import rate_limited
from api.staff import csrf_token, current_user, requires, user_uats
from gis.db import get_engine
from gis.indicators import TOTAL, compute
from gis.map_use import UseCounter
from gis.roles import INDICATOR_READERS
from gis.uats import is_uat_code

bp = Blueprint("indicators", __name__)
FIRST_YEAR, LAST_YEAR = 2000, 2100


@bp.record_once
def _counter(state) -> None:
    settings = state.app.extensions["teritoriu.settings"]
    state.app.extensions["teritoriu.map_use"] = UseCounter(settings)


def count_use(kind: str, uat: int | None) -> None:
    """Count one use of the public map in this process (written in the background)."""
    current_app.extensions["teritoriu.map_use"].count(kind, uat)


# sheets are counted where they are served (api/parcels.py), not reported by the page
@bp.post("/api/usage/<any(session, search):kind>")
@rate_limited("lookups")
def usage(kind: str):
    """A beacon from the public map (no body, no cookie read): 204."""
    uat = request.args.get("uat")
    if uat not in (None, "") and not is_uat_code(uat):
        fail(400, "usage.uat")
    count_use(kind, int(uat) if uat else None)
    return Response(status=204)


def _indicators():
    settings = current_app.extensions["teritoriu.settings"]
    raw = request.args.get("year") or str(datetime.now().year)
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= LAST_YEAR:
        said = message("indicators.year", low=FIRST_YEAR, high=LAST_YEAR)
        if request.path.endswith(".json"):  # the JSON error every /api answer gives (api._error_handlers)
            abort(answer(400, "indicators.year", said))
        fail(400, "indicators.year", low=FIRST_YEAR, high=LAST_YEAR)
    current_app.extensions["teritoriu.map_use"].flush()  # this process's latest counts too
    scope = user_uats()
    with get_engine(settings, "app").connect() as conn:
        return compute(conn, settings, int(raw), sorted(scope) if scope is not None else None)


@bp.get("/office/indicatori.json")
@requires(*INDICATOR_READERS)
def as_json():
    response = jsonify(_indicators().to_json())
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/office/indicatori.csv")
@requires(*INDICATOR_READERS)
def as_csv():
    found = _indicators()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["uat_siruta", "uat_name", "period", "indicator", "value"])
    for row in found.rows():
        writer.writerow(["" if v is None else v for v in row])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="indicatori-{found.year}.csv"',
        "Cache-Control": "private, no-store"})


@bp.get("/office/indicatori")
@requires(*INDICATOR_READERS)
def page():
    from webmap.i18n import LANGUAGE_NAMES, OFFICE_LANGUAGES, pick_language
    from webmap.indicators_page import indicators_html

    asked = request.args.get("lang") or request.cookies.get("lang")
    lang = pick_language(asked) if asked in OFFICE_LANGUAGES else "ro"
    found = _indicators()
    html = indicators_html(found, lang, [(c, LANGUAGE_NAMES[c]) for c in OFFICE_LANGUAGES],
                           user=current_user(), csrf=csrf_token(), total=TOTAL)
    response = Response(html, mimetype="text/html", headers={"Cache-Control": "private, no-store"})
    if request.args.get("lang") == lang:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
    return response
