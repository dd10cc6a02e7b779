"""CORS for /ogc: web maps on other sites (MapLibre, OpenLayers, Leaflet) read the public OGC APIs.

- Public surfaces (landing page, conformance, the public collections, their items, tiles, tilesets,
  TileJSON and styles, the tile matrix sets) answer `Access-Control-Allow-Origin: *`: anonymous public
  data, no credentials, the same answer for every origin.
- What an API key or a staff session may open (restricted collections, processes, and the collections
  list, which then shows more) answers CORS only to the origins configured in `settings.cors_origins`
  (TERITORIU_CORS_ORIGINS, comma-separated), with that exact origin, credentials allowed and
  `Vary: Origin`; any other origin gets no CORS header, so its page cannot read the answer.
- Nothing outside /ogc answers CORS (the staff workspace, /api).

Preflights (OPTIONS with Access-Control-Request-Method) answer 204 here, before any view runs.
"""

from __future__ import annotations

from flask import Flask, Response, request

PREFIX = "/ogc"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PUBLIC_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match"
KEY_HEADERS = f"{PUBLIC_HEADERS}, X-API-Key, Authorization"
EXPOSED = "Content-Crs, Content-Language, ETag, Link, Location"
MAX_AGE = "3600"


def install(app: Flask, cors_origins: tuple[str, ...], restricted: set[str]) -> None:
    """`restricted`: the collection and process ids behind an API key."""
    allowed = {o.rstrip("/") for o in cors_origins}

    def surface() -> str | None:
        """'public', 'restricted' (depends on who asks), or None (no CORS)."""
        path = request.path
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            return None
        parts = path[len(PREFIX):].strip("/").split("/")
        if parts[0] == "processes":
            return "restricted"
        if parts[0] == "collections":
            if len(parts) == 1:
                return "restricted"  # the list shows restricted collections to a key
            return "restricted" if parts[1] in restricted else "public"
        return "public"

    def methods() -> str:
        """POST only where a POST is a query (CQL2 JSON on items) or a process execution."""
        path = request.path.rstrip("/")
        posts = path.endswith("/items") or path.endswith("/execution")
        return ", ".join(("GET", "HEAD", "POST", "OPTIONS") if posts else SAFE_METHODS)

    def decorate(response: Response, kind: str, preflight: bool) -> Response:
        origin = request.headers.get("Origin", "").rstrip("/")
        if kind == "restricted":
            response.vary.add("Origin")  # the answer (and its CORS headers) depends on who asks
            if not origin or origin not in allowed:
                return response
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            headers = KEY_HEADERS
        else:
            response.headers["Access-Control-Allow-Origin"] = "*"
            headers = PUBLIC_HEADERS
        if preflight:
            response.headers["Access-Control-Allow-Methods"] = methods()
            response.headers["Access-Control-Allow-Headers"] = headers
            response.headers["Access-Control-Max-Age"] = MAX_AGE
        else:
            response.headers["Access-Control-Expose-Headers"] = EXPOSED
        return response

    @app.before_request
    def preflight():
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
            return None
        kind = surface()
        if kind is None:
            return None
        response = Response(status=204)
        response.headers["Allow"] = methods()
        return decorate(response, kind, preflight=True)

    @app.after_request
    def cors(response: Response) -> Response:
        kind = surface()
        if kind is None or "Access-Control-Allow-Methods" in response.headers:  # a preflight: done
            return response
        return decorate(response, kind, preflight=False)
