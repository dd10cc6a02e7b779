"""The Flask application factory: the one place where the web surfaces are put together."""

from __future__ import annotations

import logging
import os
import re
import secrets

from flask import Flask, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from gis.settings import Settings, get_settings

LOGGER = logging.getLogger("teritoriu")


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or get_settings()
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key or _local_secret(settings),
        JSON_AS_ASCII=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=8 * 3600,
    )
    app.json.ensure_ascii = False
    app.extensions["teritoriu.settings"] = settings
    from api import bodies, ratelimit

    bodies.install(app)  # first: every body is measured before anything reads it (api/bodies.py)
    ratelimit.install(app, settings)
    from api import compression

    compression.install(app)
    from api import cors
    from layers.ogc_config import restricted_grants

    cors.install(app, settings.cors_origins, set(restricted_grants()))

    from api.certificates import bp as certificates_bp
    from api.checks import bp as checks_bp
    from api.desk import bp as desk_bp
    from api.editing import bp as editing_bp
    from api.export import bp as export_bp
    from api.health import bp as health_bp
    from api.imports import bp as imports_bp
    from api.indicators import bp as indicators_bp
    from api.office import bp as office_bp
    from api.ogc import create_ogc_blueprint
    from api.ogc_tiles import create_ogc_tiles_blueprint
    from api.openapi import bp as openapi_bp
    from api.orthophoto import bp as orthophoto_bp
    from api.parcels import bp as parcels_bp
    from api.public import create_public_blueprint
    from api.requests_page import bp as requests_page_bp
    from api.search import bp as search_bp
    from api.sso import bp as sso_bp
    from api.styles import bp as styles_bp
    from api.vector_tiles import create_vector_tiles_blueprint
    from api.verify import bp as verify_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(styles_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(parcels_bp)
    app.register_blueprint(orthophoto_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(requests_page_bp)
    app.register_blueprint(verify_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(editing_bp)
    app.register_blueprint(checks_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(indicators_bp)
    app.register_blueprint(create_ogc_blueprint(settings))
    app.register_blueprint(create_vector_tiles_blueprint(settings))
    app.register_blueprint(create_ogc_tiles_blueprint(settings))
    app.register_blueprint(create_public_blueprint(settings))
    _error_handlers(app)
    _security_headers(app)
    from api import request_ids

    request_ids.install(app)  # X-Request-Id on every answer, a log line for every 5xx
    return app


# Our pages run only our own scripts, each carrying the request's nonce (webmap.templating.csp_nonce:
# folium's inline scripts, the ES modules); no inline script or handler without it runs, whatever text
# a page shows. Styles keep 'unsafe-inline': Leaflet positions tiles, markers and tooltips with style
# attributes. Nothing is loaded from elsewhere.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
       "base-uri 'self'; form-action 'self'")
# pygeoapi's own HTML pages (/ogc?f=html) run under the same policy: they load only the vendored assets
# (api/ogc_pages.py), and their inline scripts get the request's nonce here (pygeoapi escapes every value
# it writes into a page, and its JSON turns < and > into entities, so no stored text can open a tag).
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])")


def _security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        from webmap.templating import csp_nonce

        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.mimetype != "text/html":
            return response
        nonce = csp_nonce()
        if request.path.startswith("/ogc"):
            if not response.is_streamed and not response.headers.get("Content-Encoding"):
                response.set_data(_SCRIPT_TAG.sub(f'<script nonce="{nonce}"'.encode(), response.get_data()))
        response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=nonce))
        return response


def _wants_json() -> bool:
    return request.path.startswith(("/api", "/ogc")) or request.accept_mimetypes.best == "application/json"


def _local_secret(settings: Settings) -> str:
    """Without TERITORIU_SECRET_KEY: one random key kept in var/ (mode 600), shared by every
    worker and kept across restarts, so a staff session works whichever worker answers."""
    from pathlib import Path

    path = Path(settings.var_dir) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        import time

        for _ in range(50):  # another worker may be writing it this very moment
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it and start again") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _error_handlers(app: Flask) -> None:
    """Every error is a short message a person understands: never a stack trace."""

    @app.before_request
    def refuse_nul():
        """PostgreSQL text cannot hold NUL: a path or parameter with one is a 400 here, not a
        driver error deep in a query."""
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            from api.errors import fail

            fail(400, "request.nul")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _wants_json() and not request.path.startswith("/ogc"):
            from api.errors import answer, code_and_message

            return answer(exc.code, *code_and_message(exc))
        if _wants_json():
            from api.errors import code_and_message, ogc_exception

            return ogc_exception(exc.code, code_and_message(exc)[1])
        return exc

    @app.errorhandler(OperationalError)
    def database_unreachable(exc: OperationalError):
        """PostgreSQL restarting or down: say so, and when to retry (the pool reconnects itself)."""
        from flask import g

        from api.errors import answer
        from api.request_ids import request_id

        LOGGER.warning("database unreachable on %s %s [request %s]: %s", request.method, request.path,
                       request_id(), str(exc).splitlines()[0])
        g.error_logged = True
        from api.messages import message as catalogue_message

        message = catalogue_message("database.unreachable")
        from api.errors import ogc_exception

        response = (ogc_exception(503, message) if request.path.startswith("/ogc")  # OGC API exceptions
                    else answer(503, "database.unreachable", message) if _wants_json()
                    else app.response_class(message, 503, mimetype="text/plain"))
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(RecursionError)
    def nested_too_deeply(exc: RecursionError):
        """A small body nested thousands of levels deep (JSON arrays in arrays) exhausts the parser's
        stack: the body is wrong, not the server."""
        from werkzeug.exceptions import BadRequest

        from api.messages import message

        exc = BadRequest(description=message("request.too_deep"))
        exc.message_code = "request.too_deep"
        return http_error(exc)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        from api.request_ids import internal_error, request_id

        LOGGER.exception("unhandled error on %s %s [request %s]", request.method, request.path, request_id())
        return internal_error(_wants_json())
