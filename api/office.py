"""/office: the staff workspace: sign-in, the certificate requests with the officer's actions
(draft, review, issue, cancel), and the editing map (/office/map, webmap/office.py)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, request, url_for
from sqlalchemy import text

from api import messages
from api.bodies import FORM, HTML_FORM, body_limit
from api.errors import fail
from api.ratelimit import SignInAttempt
from api.staff import (
    check_csrf,
    csrf_token,
    current_user,
    end_session,
    requires,
    safe_next,
    scope_by_uat,
    uat_filter_sql,
    user_uats,
)
from api.staff_pages import staff_languages, staff_page
from gis import import_states
from gis.db import get_engine
from gis.roles import EDITORS, STAFF, reads_requests
from importers.pipeline import fail_interrupted_jobs
from webmap.i18n import tr

bp = Blueprint("office", __name__, url_prefix="/office")
scope_by_uat(bp)


def _page(template: str, title: str, status: int = 200, **context) -> Response:
    return staff_page(template, title, status, **context)


@bp.get("/login")
def login_form(message: str = "", status: int = 200):
    # `next`: the workspace page the officer was going to (api.staff.requires), kept through the form
    from api.sso import methods

    return _page("office_login.html", "Teritoriu — personal", status, message=message,
                 next=safe_next(request.values.get("next")) or "",
                 methods=methods(current_app.extensions["teritoriu.settings"]))


# Sign-in attempts are counted per client address and per account name from that address, in
# PostgreSQL for every worker (api.ratelimit.SignInAttempt; TERITORIU_SIGN_IN_*): nobody can lock
# an account for everyone else, and the answers do not tell which names exist.
@bp.post("/login")
@body_limit(FORM, *HTML_FORM)
def login():
    check_csrf()
    username = request.form.get("username", "")
    attempt = SignInAttempt(username)
    if attempt.refused:
        response = login_form(attempt.message, 429)
        response.headers["Retry-After"] = str(attempt.retry_after)
        return response
    from api.sso import after_password, password_sign_in

    user, message, opened_with = password_sign_in(request.form.get("method", "local"), username,
                                                  request.form.get("password", ""))
    if user is None:
        return login_form(message, 401)
    attempt.succeeded()
    return after_password(user, opened_with, safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    from flask import session

    from api.sso import logout_redirect

    check_csrf()
    id_token = session.get("oidc_id_token")
    end_session("logout")
    return redirect(logout_redirect(id_token) or url_for("office.login_form"), 303)


@bp.get("")
@requires(*STAFF)
def home():
    from api.desk import request_rows

    user = current_user()
    officer = user["role"] in EDITORS
    # a surveyor's desk: the imports only (no applicants, no requests: gis.roles.reads_requests)
    rows = request_rows() if reads_requests(user["role"]) else None
    return _page("office_home.html", "Teritoriu — birou", officer=officer, rows=rows)


@bp.get("/map")
@requires(*EDITORS)
def edit_map():
    from webmap.office import office_map_html

    settings = current_app.extensions["teritoriu.settings"]
    with get_engine(settings, "app").connect() as conn:
        uat = conn.execute(text("SELECT siruta FROM territory.uat ORDER BY siruta LIMIT 1")).scalar_one()
        year = conn.execute(text("SELECT coalesce(max(year), extract(year FROM now())::int) "
                                 "FROM fiscal.tax_assessment WHERE uat_siruta = :u"), {"u": uat}).scalar_one()
    from webmap.i18n import pick_language

    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    response = Response(office_map_html(settings, csrf_token(), uat, year, lang), mimetype="text/html",
                        headers={"Cache-Control": "private, no-store"})
    if request.args.get("lang") == lang:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
    return response


ACTIONS = {"insert": "adăugare", "update": "modificare", "retire": "retragere", "delete": "ștergere",
           "view": "consultare", "bulk-load": "încărcare în bloc", "login": "autentificare"}


@bp.get("/audit")
@requires(*EDITORS)
def audit_page():
    """The audit trail, filtered by user, object, table and dates (GET form: shareable links)."""
    from datetime import datetime, timedelta

    from gis.audit import browse, tables

    a = request.args
    dates = {}
    for name in ("since", "until"):
        try:
            dates[name] = datetime.fromisoformat(a[name]) if a.get(name) else None
        except ValueError:
            fail(400, "param.date", name=name)
    if dates["until"] is not None and len(a["until"]) == 10:
        dates["until"] += timedelta(days=1)          # "until 2026-11-22" includes that day
    settings = current_app.extensions["teritoriu.settings"]
    with get_engine(settings, "app").connect() as conn:
        entries = browse(conn, a.get("actor"), a.get("table"), a.get("object"), dates["since"], dates["until"],
                         300, with_changes=True, uats=user_uats())
        names = tables(conn)
    from webmap.audit_view import TABLES, describe

    lang = messages.page_language(staff_languages())
    return _page("office_audit.html", "Teritoriu — jurnal de audit", entries=[describe(e, lang) for e in entries],
                 tables=[(t, tr(TABLES[t], lang) if t in TABLES else t) for t in names], args=a, actions=ACTIONS)


@bp.get("/imports")
@requires(*STAFF)
def imports_page():
    from webmap.imports import LAYERS

    user = current_user()
    mine = user["role"] == "surveyor"
    settings = current_app.extensions["teritoriu.settings"]
    fail_interrupted_jobs(settings)
    scope, params = uat_filter_sql()
    with get_engine(settings, "app").connect() as conn:
        rows = conn.execute(text(f"""
            SELECT id, created_at, created_by, source_name, kind, status,
                   report->'summary' AS s FROM importing.job
            WHERE (NOT :mine OR created_by = :me) AND (uat_siruta IS NULL OR {scope})
            ORDER BY id DESC LIMIT 100"""),  # noqa: S608 (scope: uat_filter_sql's SQL, values bound)
            {"mine": mine, "me": f"{user['role']}:{user['username']}", **params}).mappings().all()
    return _page("office_imports.html", "Teritoriu — importuri", rows=rows, statuses=import_states.LABELS,
                 upload_layers=LAYERS)


@bp.get("/imports/<int:job>")
@requires(*STAFF)
def import_review(job: int):
    from api.imports import review_page

    return Response(review_page(job), mimetype="text/html", headers={"Cache-Control": "private, no-store"})


@bp.post("/imports/<int:job>/<any(accept, reject):action>")
@requires(*EDITORS)
def import_decision(job: int, action: str):
    from api.imports import decide

    if action == "accept" and request.form.get("confirm") != "1":  # the review page's tick box
        fail(400, "import.confirm_accept")
    decide(job, action == "accept", request.form.get("accept_outlines") == "1")
    return redirect(url_for("office.import_review", job=job), 303)


@bp.post("/imports/<int:job>/recheck")
@requires(*STAFF)
def import_recheck(job: int):
    """The field-mapping form of the review page: the same file checked again as a new import."""
    from api.imports import recheck

    mapping = {k.removeprefix("map:"): v for k, v in request.form.items() if k.startswith("map:") and v}
    new = recheck(job, mapping, request.form.get("dxf_layer"))
    return redirect(url_for("office.import_review", job=new), 303)
