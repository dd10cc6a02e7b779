"""Who is asking: API keys of agencies (and, with /office, staff sessions).

Restricted OGC collections answer 401 without valid credentials and 403 when the key has no
grant for the collection; every granted read is logged.
"""

from __future__ import annotations

from flask import Response, make_response, request, session

from gis.apikeys import check_key, record_use
from gis.db import session_scope
from gis.roles import STAFF
from gis.settings import Settings

STAFF_ROLES = frozenset(STAFF)


def presented_key() -> str | None:
    key = request.headers.get("X-API-Key")
    if key:
        return key
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return None


def staff_role() -> str | None:
    """The role of the signed-in staff member not scoped to some UATs (set by the /office
    login). pygeoapi cannot filter by UAT, so staff scoped to UATs read the restricted
    collections through the office map (and its fiscal view) instead."""
    role = session.get("role")
    return role if role in STAFF_ROLES and session.get("uats") is None else None


def _problem(status: int, message: str) -> Response:
    code = {401: "Unauthorized", 403: "Forbidden"}[status]
    response = make_response({"code": code, "type": code, "description": message}, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="teritoriu"'
    return response


def presented_key_is_valid(settings: Settings) -> bool:
    if staff_role():
        return True
    key = presented_key()
    if not key:
        return False
    with session_scope(settings, actor="apikey") as db:
        return check_key(db, key).key is not None


def authorize_collection(settings: Settings, collection_id: str) -> Response | None:
    """None when the request may read the restricted collection, else the error response."""
    if staff_role():
        return None
    with session_scope(settings, actor="apikey") as db:
        outcome = check_key(db, presented_key())
        if outcome.key is None:
            return _problem(401, outcome.reason)
        if not outcome.grants(collection_id):
            return _problem(403, f"this API key has no grant for {collection_id!r}")
        record_use(db, outcome.key, f"ogc:{collection_id}")
    return None
