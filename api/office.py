"""/office: the staff workspace: sign-in, the certificate requests with the officer's actions
(review, issue, cancel), and the editing map (/office/map, webmap/office.py)."""

from __future__ import annotations

import html

from flask import Blueprint, Response, abort, current_app, redirect, request, session, url_for
from sqlalchemy import text

from api.ratelimit import failure_bucket
from api.staff import check_csrf, csrf_token, current_user, requires, scope_by_uat, sign_in, start_session, uat_filter_sql, user_uats
from gis.certificates.rules import CertificateError
from gis.certificates.workflow import RequestNotFound, cancel, issue_request, send_to_review
from gis.db import get_engine
from gis.request_states import STAFF_LABELS, allows
from gis.roles import EDITORS, STAFF
from importers.pipeline import fail_interrupted_jobs
from webmap.simple_page import simple_page

bp = Blueprint("office", __name__, url_prefix="/office")
scope_by_uat(bp)
STATUS = STAFF_LABELS  # the request states: gis/request_states.py


def _page(title: str, body: str, status: int = 200) -> Response:
    e = html.escape
    user = current_user()
    who = (f'<form method="post" action="/office/logout" style="margin:0"><input type="hidden" '
           f'name="csrf" value="{csrf_token()}"><span>{e(user["username"])} ({e(user["role"])})</span> '
           '<button class="t-link" style="color:#fff;border-color:#fff">Ieșire</button></form>') if user else ""
    return simple_page(title, body, status=status, header_extra=who, private=True)


@bp.get("/login")
def login_form(message: str = "", status: int = 200):
    e = html.escape
    body = (f"{'<p class=t-note role=alert>' + e(message) + '</p>' if message else ''}"
            '<form method="post" action="/office/login" style="max-width:22rem">'
            f'<input type="hidden" name="csrf" value="{csrf_token()}">'
            '<p><label for="username">Utilizator</label><br><input id="username" name="username" '
            'autocomplete="username" required></p>'
            '<p><label for="password">Parola</label><br><input id="password" name="password" '
            'type="password" autocomplete="current-password" required></p>'
            '<p><button class="t-button" type="submit">Intrare</button></p></form>')
    return _page("Teritoriu — personal", body, status)


# Failed sign-ins per client address: the per-account lockout stops guessing one password,
# this stops trying one password on many accounts.
FAILED_SIGN_INS, FAILURE_WINDOW_S = 20, 15 * 60


@bp.post("/login")
def login():
    check_csrf()
    failures = failure_bucket("failed-sign-ins", FAILED_SIGN_INS, FAILURE_WINDOW_S)
    client = request.remote_addr or "?"
    if failures and (wait := failures.wait(client)):
        minutes = max(1, round(wait / 60))
        return login_form(f"Prea multe încercări eșuate de la această adresă; reîncercați peste {minutes} min. "
                          f"(Too many failed sign-ins from this address; retry in {minutes} min.)", 429)
    user, message = sign_in(request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        if failures:
            failures.allow(client)
        return login_form(message, 401)
    start_session(user)
    return redirect(url_for("office.home"), 303)


@bp.post("/logout")
def logout():
    check_csrf()
    session.clear()
    return redirect(url_for("office.login_form"), 303)


@bp.get("")
@requires(*STAFF)
def home():
    settings = current_app.extensions["teritoriu.settings"]
    scope, params = uat_filter_sql("r.uat_siruta")
    with get_engine(settings, "app").connect() as conn:
        rows = conn.execute(text(f"""
            SELECT r.id, r.registry_number || '/' || r.year, r.kind, r.applicant_name, r.status, r.fee,
                   array_to_string(ARRAY(SELECT p.cadastral_number FROM registry.request_parcel rp
                     JOIN cadastre.parcel p ON p.id = rp.parcel_id WHERE rp.request_id = r.id), ', '),
                   r.created_at
            FROM registry.request r WHERE {scope}
            ORDER BY r.year DESC, r.registry_number DESC LIMIT 200"""), params).all()
    e = html.escape
    officer = current_user()["role"] in EDITORS
    token = csrf_token()

    def actions(rid: int, status: str) -> str:
        if not officer:
            return ""
        out = []
        for action, label in (("review", "Verificare"), ("issue", "Emite")):
            if allows(status, action):
                out.append(f'<form method="post" action="/office/requests/{rid}/{action}" style="display:inline">'
                           f'<input type="hidden" name="csrf" value="{token}"><button class="t-link">{label}</button></form>')
        if allows(status, "cancel"):
            out.append(f'<form method="post" action="/office/requests/{rid}/cancel" style="display:inline">'
                       f'<input type="hidden" name="csrf" value="{token}"><input name="reason" '
                       f'aria-label="Motivul anulării" placeholder="motiv" required size="10">'
                       '<button class="t-link">Anulează</button></form>')
        return " ".join(out)

    table = "".join(
        f"<tr><td>{e(r[1])}</td><td>{e(r[2])}</td><td>{e(r[6])}</td><td>{e(r[3])}</td>"
        f"<td>{e(STATUS.get(r[4], r[4]))}</td><td>{e(str(r[5]))}</td><td>{actions(r[0], r[4])}</td></tr>"
        for r in rows)
    body = ('<p class="t-actions">' + ('<a class="t-button" href="/office/map">Harta de editare</a> '
                                       if officer else "")
            + '<a class="t-link" href="/office/imports">Importuri</a> '
            + ('<a class="t-link" href="/office/audit">Jurnal de audit</a>' if officer else "") + '</p>'
            "<h2>Cereri de certificate</h2><table><tr><th>Nr.</th><th>Tip</th><th>Imobile</th>"
            "<th>Solicitant</th><th>Stare</th><th>Taxă (lei)</th><th>Acțiuni</th></tr>"
            f"{table}</table>")
    return _page("Teritoriu — birou", body)


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


def act(request_id: int, action: str, reason: str = ""):
    """An officer's action on a request: 404 unknown, 409 not allowed in its state."""
    settings = current_app.extensions["teritoriu.settings"]
    actor = f"{current_user()['role']}:{current_user()['username']}"
    try:
        if action == "review":
            return send_to_review(settings, request_id, actor)
        if action == "issue":
            return issue_request(settings, request_id, actor)[0]
        return cancel(settings, request_id, reason, actor)
    except RequestNotFound as exc:
        abort(404, description=str(exc))
    except CertificateError as exc:
        abort(400 if "reason" in str(exc) else 409, description=str(exc))


@bp.post("/requests/<int:request_id>/<any(review, issue, cancel):action>")
@requires(*EDITORS)
def request_action(request_id: int, action: str):
    act(request_id, action, request.form.get("reason", ""))
    return redirect(url_for("office.home"), 303)


ACTIONS = {"insert": "adăugare", "update": "modificare", "retire": "retragere", "delete": "ștergere",
           "view": "consultare", "bulk-load": "încărcare în bloc"}


@bp.get("/audit")
@requires(*EDITORS)
def audit_page():
    """The audit trail, filtered by user, object, table and dates (GET form: shareable links)."""
    from datetime import datetime, timedelta

    from gis.audit import browse, tables

    e, a = html.escape, request.args
    dates = {}
    for name in ("since", "until"):
        try:
            dates[name] = datetime.fromisoformat(a[name]) if a.get(name) else None
        except ValueError:
            abort(400, description=f"{name} must be a date (YYYY-MM-DD)")
    if dates["until"] is not None and len(a["until"]) == 10:
        dates["until"] += timedelta(days=1)          # "until 2026-11-22" includes that day
    settings = current_app.extensions["teritoriu.settings"]
    with get_engine(settings, "app").connect() as conn:
        entries = browse(conn, a.get("actor"), a.get("table"), a.get("object"), dates["since"], dates["until"],
                         300, with_changes=True, uats=user_uats())
        names = tables(conn)
    options = "".join(f'<option value="{e(t)}"{" selected" if t == a.get("table") else ""}>{e(t)}</option>'
                      for t in names)

    def field(name, label, kind="text"):
        return (f'<p><label for="q-{name}">{label}</label><br><input id="q-{name}" name="{name}" type="{kind}" '
                f'value="{e(a.get(name, ""))}"></p>')

    def changes(entry):
        parts = [f"{e(k)}: {e(str(b))} → {e(str(v))}" for k, (b, v) in entry["changes"].items()]
        if entry["geometry_changed"]:
            parts.append("geometria")
        return "; ".join(parts)

    rows = "".join(
        f"<tr><td>{e(x['at'][:19].replace('T', ' '))}</td><td>{e(x['actor'])}</td>"
        f"<td>{e(ACTIONS.get(x['action'], x['action']))}</td><td>{e(x['table_name'])}</td>"
        f"<td>{e(x['object_id'] or '')}</td><td>{changes(x)}</td></tr>" for x in entries)
    body = ('<form method="get" class="t-filters" style="display:flex;gap:.8rem;flex-wrap:wrap">'
            + field("actor", "Utilizator (rol:nume)") + field("object", "Obiect (id)")
            + f'<p><label for="q-table">Tabel</label><br><select id="q-table" name="table"><option value="">toate'
              f'</option>{options}</select></p>'
            + field("since", "De la", "date") + field("until", "Până la", "date")
            + '<p><br><button class="t-button">Filtrează</button></p></form>'
            f"<p>{len(entries)} înregistrări (cele mai noi întâi, cel mult 300).</p>"
            '<table class="t-table" id="audit"><tr><th>Când</th><th>Cine</th><th>Ce</th><th>Tabel</th>'
            f"<th>Obiect</th><th>Modificări</th></tr>{rows}</table>")
    return _page("Teritoriu — jurnal de audit", body)


IMPORT_STATUS = {"running": "în verificare", "rejected": "respins (erori)", "checked": "verificat",
                 "staged": "așteaptă aprobarea", "committed": "importat", "discarded": "respins de ofițer",
                 "failed": "eșuat"}


@bp.get("/imports")
@requires(*STAFF)
def imports_page():
    from webmap.imports import upload_form

    e = html.escape
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
            ORDER BY id DESC LIMIT 100"""),
            {"mine": mine, "me": f"{user['role']}:{user['username']}", **params}).mappings().all()
    table = "".join(
        f'<tr><td><a href="/office/imports/{r["id"]}">{r["id"]}</a></td><td>{r["created_at"]:%Y-%m-%d %H:%M}</td>'
        f"<td>{e(r['created_by'])}</td><td>{e(r['source_name'])}</td><td>{e(r['kind'])}</td>"
        f"<td>{e(IMPORT_STATUS.get(r['status'], r['status']))}</td>"
        f"<td>{(r['s'] or {}).get('features', '')}</td><td>{(r['s'] or {}).get('errors', '')}</td></tr>" for r in rows)
    body = ("<h2>Import nou</h2>" + upload_form(csrf_token()) +
            '<h2>Importuri</h2><table class="t-table"><tr><th>Nr.</th><th>Când</th><th>Cine</th><th>Fișier</th>'
            f"<th>Tip</th><th>Stare</th><th>Obiecte</th><th>Erori</th></tr>{table}</table>")
    return _page("Teritoriu — importuri", body)


@bp.get("/imports/<int:job>")
@requires(*STAFF)
def import_review(job: int):
    from api.imports import _job
    from importers.report import Report
    from webmap.imports import review_html

    row = _job(job)
    report = Report.from_json(row["report"]) if row["report"] else None
    report_html = report.html() if report else ""
    settings = current_app.extensions["teritoriu.settings"]
    page = review_html(settings, row, report_html, csrf_token(), current_user()["role"] in EDITORS)
    return Response(page, mimetype="text/html", headers={"Cache-Control": "private, no-store"})


@bp.post("/imports/<int:job>/<any(accept, reject):action>")
@requires(*EDITORS)
def import_decision(job: int, action: str):
    from api.imports import decide

    decide(job, action == "accept")
    return redirect(url_for("office.import_review", job=job), 303)
