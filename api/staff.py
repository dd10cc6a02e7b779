"""Staff sign-in (sessions), roles and CSRF: the pieces every /office page and every mutating
staff call uses.

- passwords: scrypt (gis.passwords); 5 failed attempts lock an account for 15 minutes;
- the session cookie is HttpOnly, SameSite=Lax (Secure behind https);
- every mutating call carries the session's CSRF token (form field `csrf` or header
  `X-CSRF-Token`), compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import abort, current_app, request, session
from sqlalchemy import select, text

from gis.db import session_scope
from gis.models import User
from gis.passwords import verify_password

MAX_FAILURES = 5
LOCK_MINUTES = 15
STAFF = ("surveyor", "officer", "admin")


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf() -> None:
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
    if not hmac.compare_digest(sent, session.get("csrf", "-")):
        abort(403, description="the form expired or did not come from this site (CSRF); reload and retry")


def current_user() -> dict | None:
    if "user_id" not in session:
        return None
    return {"id": session["user_id"], "username": session["username"], "role": session["role"]}


def requires(*roles: str, csrf: bool = True):
    """A view for signed-in staff with one of `roles`; mutating methods also check CSRF."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                abort(401, description="sign in first (/office/login)")
            if user["role"] not in roles:
                abort(403, description=f"this needs the role {' or '.join(roles)}")
            if csrf and request.method not in ("GET", "HEAD", "OPTIONS"):
                check_csrf()
            return view(*args, **kwargs)
        return wrapper
    return decorator


def sign_in(username: str, password: str) -> tuple[dict | None, str]:
    """(user, "") on success, (None, message) otherwise; failures count towards a lockout."""
    settings = current_app.extensions["teritoriu.settings"]
    now = datetime.now(timezone.utc)
    with session_scope(settings, actor=f"login:{username[:64]}") as db:
        user = db.scalar(select(User).where(User.username == username.strip().lower()).with_for_update())
        generic = "wrong user name or password"
        if user is None or not user.active:
            verify_password(password, "scrypt$16384$8$1$AAAA$AAAA")  # same time either way
            return None, generic
        if user.locked_until and user.locked_until > now:
            return None, "this account is locked after repeated failed sign-ins; retry later"
        if not verify_password(password, user.password_hash):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
            return None, generic
        user.failed_logins = 0
        user.locked_until = None
        db.execute(text("INSERT INTO audit.log (actor, action, table_name, object_id) "
                        "VALUES (:a, 'login', 'auth.user', :id)"), {"a": user.username, "id": str(user.id)})
        if user.role not in STAFF:
            return None, "this account is not a staff account"
        return {"id": user.id, "username": user.username, "role": user.role}, ""


def start_session(user: dict) -> None:
    session.clear()
    session.update(user_id=user["id"], username=user["username"], role=user["role"],
                   csrf=secrets.token_urlsafe(24))
    session.permanent = True
