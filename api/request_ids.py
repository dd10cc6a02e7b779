"""A request id on every answer, and a log line for every 5xx that carries it.

Each request gets a short random id (`X-Request-Id` on the response). An unexpected error is
logged with its traceback and the id; the person sees the id in the message (JSON or page) and can
quote it, and the log line is found by it. A 5xx answered by pygeoapi itself (it catches its
providers' errors) is logged here too. pygeoapi's own logging setting applies to its own logger
only: it used to raise the root logger to CRITICAL and silence every error of the application.
"""

from __future__ import annotations

import logging
import secrets
import sys

from flask import Flask, g, has_request_context, request
from markupsafe import escape

from api.errors import answer
from api.messages import message

LOGGER = logging.getLogger("teritoriu")
HEADER = "X-Request-Id"


def request_id() -> str:
    """This request's id (made on first use)."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        g.request_id = secrets.token_hex(8)
    return g.request_id


def pygeoapi_logging(logging_config: dict) -> None:
    """Replaces pygeoapi.log.setup_logger: the level applies to the `pygeoapi` logger, never to the
    root logger (pygeoapi's basicConfig set the root logger to CRITICAL)."""
    level = logging.getLevelName(str(logging_config.get("level", "WARNING")).upper())
    logging.getLogger("pygeoapi").setLevel(level if isinstance(level, int) else logging.WARNING)


def configure_logging() -> None:
    """Errors go to stderr (gunicorn's error log) unless the host configured logging already."""
    if LOGGER.level == logging.NOTSET:
        LOGGER.setLevel(logging.INFO)
    if not logging.getLogger().handlers and not LOGGER.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(name)s: %(message)s"))
        LOGGER.addHandler(handler)


def internal_error(wants_json: bool):
    """The answer to an unexpected error, already logged by the caller with the id."""
    rid = request_id()
    text = message("internal_error", request_id=rid)
    if wants_json:
        response = answer(500, "internal_error", text, request_id=rid)
    else:
        response = Flask.response_class(
            f'<!doctype html><meta charset="utf-8"><title>500</title><p>{escape(text)}</p>', 500,
            mimetype="text/html")
    response.status_code = 500
    response.headers[HEADER] = rid
    g.error_logged = True
    return response


def install(app: Flask) -> None:
    configure_logging()

    @app.after_request
    def tag(response):
        rid = request_id()
        response.headers[HEADER] = rid
        if response.status_code >= 500 and not g.get("error_logged"):
            # answered by someone else (pygeoapi catches its providers' errors): still logged
            level = logging.ERROR if response.status_code == 500 else logging.WARNING  # 503: down, said so
            LOGGER.log(level, "%s answered on %s %s [request %s]", response.status_code, request.method,
                       request.path, rid)
            if response.is_json and not response.direct_passthrough:
                body = response.get_json(silent=True)
                if isinstance(body, dict) and "request_id" not in body:
                    body["request_id"] = rid
                    response.set_data(app.json.dumps(body))
        return response
