"""The sign-in methods beyond a local password (issue 22): the directory (LDAP / Active Directory),
an OpenID provider, and the second step (TOTP) of local administrators. Routes under
/office/login/; the password form itself stays in api/office.py and calls password_sign_in and
after_password here.

The second step keeps its pending state in the signed cookie (who passed the password, for
PENDING_S seconds); the session (auth.session) opens only once the code is right. Failed codes
count as failed sign-ins (api.ratelimit.SignInAttempt). The OpenID flow keeps state, nonce and
the PKCE verifier in the cookie between the redirect and the callback.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, abort, current_app, redirect, request, session, url_for

from api.bodies import FORM, body_limit
from api.errors import fail
from api.messages import message
from api.ratelimit import SignInAttempt
from api.staff import check_csrf, safe_next, start_session
from gis import directory_ldap, oidc, totp
from gis.db import session_scope
from gis.external_accounts import Identity, Refused, revalidate, sync

bp = Blueprint("sso", __name__, url_prefix="/office/login")
PENDING_S = 300  # seconds between the password and the code


def _settings():
    return current_app.extensions["teritoriu.settings"]


def methods(settings) -> dict:
    """What the sign-in page offers besides the local password."""
    return {"ldap": directory_ldap.enabled(settings), "oidc": oidc.enabled(settings),
            "oidc_label": settings.oidc_label}


def _page(template: str, status: int = 200, **context) -> Response:
    from api.staff_pages import staff_page  # the staff pages' language (lang=, then the cookie)

    return staff_page(template, "Teritoriu — personal", status, **context)


def _unavailable(code: str) -> None:
    abort(Response(message(code), 503, mimetype="text/plain", headers={"Retry-After": "60"}))


# -- the password form: a local account or the directory ------------------------------------------

def password_sign_in(method: str, username: str, password: str) -> tuple[dict | None, str, str]:
    """(user, message, opened_with): the user signed in by `method` ('local' or 'ldap'), or None
    and why. A directory that cannot be asked is a 503."""
    from api.staff import sign_in

    if method != "ldap":
        user, why = sign_in(username, password)
        return user, why, "password"
    settings = _settings()
    if not directory_ldap.enabled(settings):
        return None, message("sso.method_off"), "ldap"
    try:
        verdict = directory_ldap.authenticate(settings, username.strip(), password)
    except directory_ldap.DirectoryUnavailable as exc:
        current_app.logger.warning("LDAP sign-in: directory unavailable: %s", exc)  # never the password
        _unavailable("sso.directory_unavailable")
    if verdict.refused is not None:
        code = {"disabled": "sso.disabled", "no_group": "sso.no_group"}.get(verdict.refused, "sso.wrong_credentials")
        return None, message(code), "ldap"
    try:
        user = sync(settings, Identity("ldap", verdict.dn, verdict.username, verdict.full_name, verdict.email,
                                       verdict.role, verdict.uats))
    except Refused as exc:
        return None, message(f"sso.{exc.code}"), "ldap"
    return user, "", "ldap"


def after_password(user: dict, opened_with: str, next_page: str | None) -> Response:
    """Open the session, or first ask a local administrator for the second factor."""
    settings = _settings()
    if opened_with == "password" and settings.admin_totp and user["role"] == "admin":
        session["mfa"] = {"user": user, "at": time.time(), "next": next_page}
        with session_scope(settings, actor=f"login:{user['username']}") as db:
            enrolled = totp.enrolled(db, user["id"])
        return redirect(url_for("sso.totp_form" if enrolled else "sso.enrol_form"), 303)
    start_session(user, opened_with)
    return redirect(next_page or url_for("office.home"), 303)


def still_in_directory(settings, signed_in) -> bool:
    """An open session of a directory account, checked against the directory every
    ldap_revalidate_s seconds (gis.external_accounts.revalidate); 503 when it cannot be asked."""
    try:
        return revalidate(settings, signed_in.user_id, signed_in.role, signed_in.uats)
    except directory_ldap.DirectoryUnavailable as exc:
        current_app.logger.warning("LDAP revalidation: directory unavailable: %s", exc)
        _unavailable("sso.directory_unavailable")


# -- the second step of a local administrator --------------------------------------------------

def _pending() -> dict:
    pending = session.get("mfa")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_S:
        session.pop("mfa", None)
        abort(Response(message("totp.expired"), 401, mimetype="text/plain"))
    return pending


@bp.get("/totp")
def totp_form(error: str = "", status: int = 200):
    _pending()
    return _page("office_totp.html", status, error=error)


@bp.post("/totp")
@body_limit(FORM)  # any type: without a pending sign-in the answer is 401 first
def totp_check():
    check_csrf()
    pending = _pending()
    user = pending["user"]
    attempt = SignInAttempt(user["username"])
    if attempt.refused:
        response = totp_form(attempt.message, 429)
        response.headers["Retry-After"] = str(attempt.retry_after)
        return response
    code, recovery = request.form.get("code", "").strip(), request.form.get("recovery", "").strip()
    with session_scope(_settings(), actor=f"login:{user['username']}") as db:
        if code:
            ok, opened_with, wrong = totp.verify(db, user["id"], code), "password+totp", "totp.wrong_code"
        else:
            ok, opened_with, wrong = (totp.spend_recovery_code(db, user["id"], recovery), "password+recovery-code",
                                      "totp.wrong_recovery")
    if not ok:
        return totp_form(message(wrong), 401)
    attempt.succeeded()
    start_session(user, opened_with)
    return redirect(pending.get("next") or url_for("office.home"), 303)


@bp.get("/totp/enrol")
def enrol_form(error: str = "", status: int = 200):
    import segno

    user = _pending()["user"]
    with session_scope(_settings(), actor=f"login:{user['username']}") as db:
        if totp.enrolled(db, user["id"]):
            return redirect(url_for("sso.totp_form"), 303)
        secret, uri = totp.start_enrolment(db, user["id"], user["username"])
    qr = segno.make(uri, error="m").svg_data_uri(scale=4)
    return _page("office_totp_enrol.html", status, secret=" ".join(secret[i:i + 4] for i in range(0, 32, 4)),
                 uri=uri, qr=qr, error=error)


@bp.post("/totp/enrol")
@body_limit(FORM)  # any type: without a pending sign-in the answer is 401 first
def enrol_confirm():
    check_csrf()
    pending = _pending()
    user = pending["user"]
    attempt = SignInAttempt(user["username"])
    if attempt.refused:
        abort(Response(attempt.message, 429, mimetype="text/plain", headers={"Retry-After": str(attempt.retry_after)}))
    with session_scope(_settings(), actor=f"login:{user['username']}") as db:
        codes = totp.confirm_enrolment(db, user["id"], request.form.get("code", ""))
    if codes is None:
        return enrol_form(message("totp.wrong_code"), 401)
    attempt.succeeded()
    start_session(user, "password+totp")
    return _page("office_recovery_codes.html", codes=codes, next=pending.get("next") or url_for("office.home"))


# -- OpenID Connect ------------------------------------------------------------------------------

def _callback_url() -> str:
    return url_for("sso.oidc_callback", _external=True)


@bp.get("/oidc")
def oidc_start():
    settings = _settings()
    if not oidc.enabled(settings):
        fail(404, "sso.method_off")
    try:
        started = oidc.start(settings, _callback_url())
    except oidc.OidcError as exc:
        current_app.logger.warning("OpenID sign-in: %s", exc)
        _unavailable("sso.oidc_unavailable" if exc.code == "unavailable" else "sso.oidc_invalid")
    session["oidc"] = {k: started[k] for k in ("state", "nonce", "verifier")} | {
        "next": safe_next(request.args.get("next"))}
    return redirect(started["url"], 303)


@bp.get("/oidc/callback")
def oidc_callback():
    from flask import g

    settings = _settings()
    pending = session.pop("oidc", None)
    if not oidc.enabled(settings):
        fail(404, "sso.method_off")
    if not isinstance(pending, dict) or request.args.get("state") != pending.get("state") or "code" not in request.args:
        return _refused("sso.oidc_invalid")
    try:
        claims, id_token = oidc.finish(settings, _callback_url(), request.args["code"], pending)
        user = sync(settings, oidc.identity(settings, claims))
    except oidc.OidcError as exc:
        current_app.logger.warning("OpenID sign-in refused: %s", exc)
        if exc.code == "unavailable":
            _unavailable("sso.oidc_unavailable")
        return _refused("sso.oidc_no_role" if exc.code == "no_role" else "sso.oidc_invalid")
    except Refused as exc:
        return _refused(f"sso.{exc.code}")
    start_session(user, "oidc")
    session["oidc_id_token"] = id_token  # the hint for the provider's logout
    g.pop("teritoriu_signed_in", None)
    return redirect(pending.get("next") or url_for("office.home"), 303)


def _refused(code: str) -> Response:
    from api.office import login_form

    return login_form(message(code), 401)


def logout_redirect(id_token: str | None) -> str | None:
    """After logging out of a session opened through the provider: its end_session_endpoint."""
    settings = _settings()
    if not id_token or not oidc.enabled(settings):
        return None
    return oidc.logout_url(settings, id_token, url_for("office.login_form", _external=True))
