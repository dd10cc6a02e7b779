"""The one shape of the JSON errors of /api (and of JSON answers to errors elsewhere, except /ogc):

    {"status": 404, "code": "parcel.not_found_number", "message": "…", "error": "Not Found"}

`status` is the HTTP status, `code` the message's catalogue code (msgctxt "message", api.messages),
`message` its text in the request's language (lang=, the lang cookie, Accept-Language; ro otherwise) and
`error` the HTTP reason phrase. Until 2026-12 `code` was the HTTP status: clients read `status` now.
OGC API answers under /ogc keep OGC's {code, type, description} (`ogc_exception`, as pygeoapi's own)."""

from __future__ import annotations

from typing import NoReturn

from flask import jsonify
from werkzeug.exceptions import HTTPException, default_exceptions
from werkzeug.http import HTTP_STATUS_CODES

from api.messages import described, message
from gis.texts import has

OGC_CODES = {400: "InvalidParameterValue", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
             405: "MethodNotAllowed", 406: "NotAcceptable", 429: "TooManyRequests", 503: "ServiceUnavailable"}


def ogc_exception(status: int, description: str, code: str | None = None):
    """An OGC API exception under /ogc: {code, type, description}; `code` by the status unless given."""
    code = code or OGC_CODES.get(status, "NoApplicableCode")
    response = jsonify(code=code, type=code, description=description)
    response.status_code = status
    return response


def fail(status: int, code: str, /, **values) -> NoReturn:
    """Abort with `status` and the message `code` (with `values`) in the request's language."""
    exc = default_exceptions[status](description=message(code, **values))
    exc.message_code = code
    raise exc


def fail_with(status: int, exc: Exception) -> NoReturn:
    """Abort with `status` and a core exception that carries a catalogue code (api.messages.described)."""
    code = getattr(exc, "code", "")
    error = default_exceptions[status](description=described(exc))
    error.message_code = code if isinstance(code, str) and has("message", code) else f"http.{status}"
    raise error


def code_and_message(exc: HTTPException) -> tuple[str, str]:
    """The catalogue code of an abort and its text; werkzeug's own English texts (an unknown route,
    a wrong method) become the catalogue's http.<status> in the request's language."""
    code = getattr(exc, "message_code", None)
    if code:
        return code, exc.description
    generic = f"http.{exc.code}"
    if exc.description == type(exc).description and has("message", generic):
        return generic, message(generic)
    return generic, exc.description or ""


def answer(status: int, code: str, text: str, /, **extra):
    """The JSON error response."""
    response = jsonify(status=status, code=code, message=text, error=HTTP_STATUS_CODES.get(status, "Error"), **extra)
    response.status_code = status
    return response


SCHEMA = {
    "type": "object", "required": ["status", "code", "message", "error"],
    "properties": {
        "status": {"type": "integer", "description": "the HTTP status"},
        "code": {"type": "string", "description": "the message's code, stable (e.g. parcel.not_found_number)"},
        "message": {"type": "string", "description": "the message in the request's language (lang=, then "
                                                     "Accept-Language; ro, en or hu; Romanian otherwise)"},
        "error": {"type": "string", "description": "the HTTP reason phrase"},
    },
}
