"""Who is asking: API keys of agencies (and, with /office, staff sessions).

Restricted OGC collections answer 401 without valid credentials, 403 when the key has no grant
for the collection or the staff member's role does not read it (gis.roles.RESTRICTED_READERS);
every read, an agency's or a staff member's, is logged (gis.audit.record).
"""

from __future__ import annotations

import json

from flask import Response, request

from api.errors import ogc_exception
from gis import audit
from gis.apikeys import check_key, record_use
from gis.db import session_scope
from gis.roles import STAFF, may_read
from gis.settings import Settings

STAFF_ROLES = frozenset(STAFF)
FEATURE_READS = ("ogc.items", "ogc.item")  # the /ogc routes that answer with a collection's records

# Shown to a staff member whose role does not read personal data (Romanian first, then en, hu).
PERSONAL_DATA_REFUSED = (
    "Rolul dumneavoastră nu dă acces la date cu caracter personal (contribuabili, deținători, CNP, "
    "impozite): le consultă ofițerii și administratorii. "
    "(Your role gives no access to personal data (taxpayers, holders, CNP, taxes): officers and admins read them. "
    "A szerepköre nem ad hozzáférést a személyes adatokhoz (adózók, tulajdonosok, CNP, adók): "
    "ezeket az ügyintézők és az adminisztrátorok olvassák.)")


def presented_key() -> str | None:
    key = request.headers.get("X-API-Key")
    if key:
        return key
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return None


def staff_member() -> dict | None:
    """The signed-in staff member (id, username, role) not scoped to some UATs (the /office
    sign-in). pygeoapi cannot filter by UAT, so staff scoped to UATs read the restricted
    collections through the office map (and its fiscal view) instead."""
    from api.staff import current_user, user_uats

    user = current_user()
    if user is None or user["role"] not in STAFF_ROLES or user_uats() is not None:
        return None
    return user


def record_staff_read(settings: Settings, user: dict, what: str, object_id: str | None = None,
                      uat: int | None = None) -> None:
    """A staff member's read of personal data, logged like an agency's: who, what, which object,
    and the request's path and query (what was asked for)."""
    actor = f"{user['role']}:{user['username']}"
    with session_scope(settings, actor=actor) as db:
        path = audit.redacted_path(request.path, list(request.args.items(multi=True)))
        audit.record(db, actor, "view", what, object_id, uat, json.dumps({"path": path[:1000]}))


def _problem(status: int, message: str) -> Response:
    response = ogc_exception(status, message)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="teritoriu"'
    return response


def presented_key_is_valid(settings: Settings) -> bool:
    if staff_member():
        return True
    key = presented_key()
    if not key:
        return False
    with session_scope(settings, actor="apikey") as db:
        return check_key(db, key).key is not None


def authorize_collection(settings: Settings, collection_id: str, *, process: bool = False) -> Response | None:
    """None when the request may read the restricted collection (or run the `process`), else
    the error response. A staff member reads what the role reads (gis.roles), and the read is
    logged; an API key, what it grants."""
    user = staff_member()
    if user is not None and process:
        return None
    if user is not None and may_read(user["role"], collection_id):
        if request.endpoint in FEATURE_READS:  # the collection's description holds no personal data
            item = (request.view_args or {}).get("item_id")
            record_staff_read(settings, user, f"ogc:{collection_id}", str(item) if item is not None else None)
        return None
    if user is not None and presented_key() is None:
        return _problem(403, PERSONAL_DATA_REFUSED)
    with session_scope(settings, actor="apikey") as db:
        outcome = check_key(db, presented_key())
        if outcome.key is None:
            return _problem(401, outcome.reason)
        if not outcome.grants(collection_id):
            return _problem(403, f"this API key has no grant for {collection_id!r}")
        record_use(db, outcome.key, f"ogc:{collection_id}")
    return None
