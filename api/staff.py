"""Staff sign-in (sessions), roles and CSRF: the pieces every /office page and every mutating
staff call uses.

- passwords: scrypt (gis.passwords); failed sign-ins are throttled per client address and per
  account name from that address (api.ratelimit.SignInAttempt), never by locking the account;
- sessions live in the database (auth.session, gis/sessions.py) and are checked on every
  request that needs the signed-in person: logging out, and deactivating the account or changing
  its role, UATs or password, ends them; the cookie (HttpOnly, SameSite=Lax, Secure behind https)
  carries only the session's token;
- every mutating call carries the session's CSRF token (form field `csrf` or header
  `X-CSRF-Token`; derived from the session once signed in), compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import select, text

from api import messages
from api.errors import fail
from gis import audit
from gis.db import get_engine, session_scope
from gis.models import User
from gis.passwords import spend_verification, verify_password
from gis.roles import STAFF
from gis.sessions import SignedIn, look_up, open_session, revoke
from gis.uats import is_uat_code
from webmap.i18n import OFFICE_LANGUAGES


def csrf_token() -> str:
    """The token every form and mutating call carries: derived from the session (its token,
    keyed by the app's secret) once signed in; before that (the sign-in form) kept in the cookie."""
    signed_in = _signed_in()
    if signed_in is not None:
        return _session_csrf(session["sid"])
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _session_csrf(token: str) -> str:
    key = str(current_app.secret_key).encode()
    digest = hmac.new(key, b"csrf:" + token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


def check_csrf() -> None:
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
    expected = _session_csrf(session["sid"]) if _signed_in() is not None else session.get("csrf", "-")
    if not hmac.compare_digest(sent.encode(), expected.encode()):  # bytes: any text compares
        fail(403, "auth.csrf")


def _signed_in() -> SignedIn | None:
    """The session the cookie names, checked in the database once per request (auth.session):
    None when there is none or it was revoked, expired, or its account deactivated; the cookie
    then forgets it."""
    if "teritoriu_signed_in" in g:
        return g.teritoriu_signed_in
    found = None
    token = session.get("sid")
    if token is not None:
        settings = current_app.extensions["teritoriu.settings"]
        with get_engine(settings, "app").begin() as conn:
            found = look_up(conn, token)
        if found is not None and found.source == "ldap":  # the directory is asked again now and then
            from api.sso import still_in_directory

            found = found if still_in_directory(settings, found) else None
        if found is None:
            session.pop("sid", None)
    g.teritoriu_signed_in = found
    return found


def staff_actor() -> str:
    """How the audit trail and the registers name the signed-in person: "role:username"."""
    user = current_user()
    return f"{user['role']}:{user['username']}"


def current_user() -> dict | None:
    signed_in = _signed_in()
    if signed_in is None:
        return None
    return {"id": signed_in.user_id, "username": signed_in.username, "role": signed_in.role}


def requires(*roles: str, csrf: bool = True):
    """A view for signed-in staff with one of `roles`; mutating methods also check CSRF."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                if request.method in ("GET", "HEAD") and request.path.startswith("/office"):
                    # a page of the workspace: the sign-in page, then back where the officer was going
                    return redirect(url_for("office.login_form", next=request.full_path.rstrip("?")), 303)
                fail(401, "auth.sign_in_first")
            if user["role"] not in roles:
                fail(403, "auth.needs_role", roles=" / ".join(roles))
            if csrf and request.method not in ("GET", "HEAD", "OPTIONS"):
                check_csrf()
            return view(*args, **kwargs)
        return wrapper
    return decorator


def safe_next(target: str | None) -> str | None:
    """Where to go after signing in: only a path of the workspace on this site (never another
    host, `//host`, a backslash trick or a scheme), else None."""
    if not target or not target.startswith("/office") or target.startswith("/office/login"):
        return None
    if "\\" in target or "//" in target or any(ord(c) < 32 for c in target):
        return None
    return target[:500]


def sign_in(username: str, password: str) -> tuple[dict | None, str]:
    """(user, "") on success, (None, message) otherwise. A name without an account, an inactive
    account and a wrong password get the same answer for the same work (one scrypt with the same
    parameters, no write); throttling is the caller's (api.ratelimit.SignInAttempt)."""
    settings = current_app.extensions["teritoriu.settings"]
    with session_scope(settings, actor=f"login:{username[:64]}") as db:
        user = db.scalar(select(User).where(User.username == username.strip().lower()))
        lang = messages.page_language(OFFICE_LANGUAGES)  # the sign-in page's
        generic = messages.message("auth.wrong_password", lang)
        if user is None or not user.active or user.source != "local":  # directory accounts: their own form
            spend_verification(password)
            return None, generic
        if not verify_password(password, user.password_hash):
            return None, generic
        if user.role not in STAFF:
            return None, messages.message("auth.not_staff", lang)
        uats = db.execute(text("SELECT uat_siruta FROM auth.user_uat WHERE user_id = :i ORDER BY 1"),
                          {"i": user.id}).scalars().all()
        return {"id": user.id, "username": user.username, "role": user.role, "uats": list(uats) or None}, ""


def start_session(user: dict, opened_with: str = "password") -> None:
    """Open a session (auth.session) for the account that signed in; the cookie carries only
    its token. The audit trail records how it was opened (gis.sessions.OPENED_WITH)."""
    import json

    settings = current_app.extensions["teritoriu.settings"]
    with session_scope(settings, actor=f"login:{user['username']}") as db:
        token = open_session(db, user["id"], opened_with)
        audit.record(db, user["username"], "login", "auth.user", str(user["id"]),
                     after=json.dumps({"opened_with": opened_with}))
    session.clear()
    session["sid"] = token
    session.permanent = True
    g.pop("teritoriu_signed_in", None)


def end_session(reason: str = "logout") -> None:
    """Log out: the session is revoked in the database (a copy of the cookie opens nothing)."""
    token = session.get("sid")
    if token is not None:
        settings = current_app.extensions["teritoriu.settings"]
        with get_engine(settings, "app").begin() as conn:
            revoke(conn, token, reason)
    session.clear()
    g.pop("teritoriu_signed_in", None)


# -- UAT scope: an account with UATs (auth.user_uat) reads and edits only those; an account
# without any is not scoped (a county or regional administrator, or a one-commune deployment).

def user_uats() -> frozenset[int] | None:
    """The UATs the signed-in person works for; None: all of them."""
    signed_in = _signed_in()
    uats = signed_in.uats if signed_in is not None else None
    return None if uats is None else frozenset(uats)


def require_uat(uat: int | None) -> None:
    """403 unless the signed-in person works for this UAT (None: the record does not exist;
    the caller answers 404 itself)."""
    allowed = user_uats()
    if uat is not None and allowed is not None and uat not in allowed:
        fail(403, "auth.other_uat", allowed=", ".join(map(str, sorted(allowed))), uat=uat)


def uat_filter_sql(column: str = "uat_siruta") -> tuple[str, dict]:
    """A SQL condition (and its parameters) keeping the rows of the person's UATs."""
    allowed = user_uats()
    if allowed is None:
        return "TRUE", {}
    return f"{column} = ANY(:scope_uats)", {"scope_uats": sorted(allowed)}


# What each route parameter names, and where its UAT is written.
_OWNERS = {
    "parcel_id": "SELECT uat_siruta FROM cadastre.parcel WHERE id = :v "
                 "UNION ALL SELECT uat_siruta FROM cadastre.parcel_history WHERE id = :v LIMIT 1",
    "street_id": "SELECT uat_siruta FROM streets.street WHERE id = :v",
    "request_id": "SELECT uat_siruta FROM registry.request WHERE id = :v",
    "job": "SELECT uat_siruta FROM importing.job WHERE id = :v",
}


def _no_request(request_id: int) -> None:

    fail(404, "request.not_found", id=request_id)


# Records another UAT's staff must not even learn exist: a citizen's certificate request is
# answered with the 404 of an unknown id (not a 403 naming its UAT), like an anonymous guess.
_UNCONFIRMED = {"request_id": _no_request}


def scope_by_uat(bp) -> None:
    """Check, before any view of `bp`, that every UAT the request names or touches (a `uat`
    argument or field, the parcel, street, request or import in the path, the parcels of a
    merge) is one the signed-in person works for: one place, for every staff route."""
    @bp.before_request
    def _in_scope():
        if current_user() is None or user_uats() is None:
            return  # not signed in (the view answers 401) or not scoped
        named = []
        for raw in (request.args.get("uat", ""), request.form.get("uat", "") if request.form else ""):
            if is_uat_code(raw):
                named.append(int(raw))
        body = request.get_json(silent=True) if request.is_json else None
        if isinstance(body, dict):
            if isinstance(body.get("uat"), int):
                named.append(body["uat"])
            parcels = body.get("parcels")
            if isinstance(parcels, list):
                ids = [p["id"] for p in parcels if isinstance(p, dict) and isinstance(p.get("id"), int)]
                named += [_owner("parcel_id", i) for i in ids]
        for arg, value in (request.view_args or {}).items():
            if arg in _OWNERS and isinstance(value, int):
                owner = _owner(arg, value)
                if arg in _UNCONFIRMED and owner is not None and owner not in user_uats():
                    _UNCONFIRMED[arg](value)  # another UAT's request: as if it did not exist
                named.append(owner)
        for uat in named:
            require_uat(uat)


def _owner(arg: str, value: int) -> int | None:
    from gis.db import get_engine

    with get_engine(current_app.extensions["teritoriu.settings"], "app").connect() as conn:
        return conn.execute(text(_OWNERS[arg]), {"v": value}).scalar()
