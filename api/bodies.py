"""Request bodies: each route's largest body and content types, checked before anything reads it.

A view declares them with @body_limit(size, *content_types); every other route gets DEFAULT.
The check runs first of all (before the session's UAT scope, CSRF or the view): a declared
Content-Length over the limit is a 413 and nothing is read; a body streamed without a length is
cut at the limit (Flask's per-request max_content_length); a body of another type than the
route's is a 415, unread. A limit marked `staff` (the imports' 200 MB) applies to signed-in staff
only; anyone else gets DEFAULT there.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from api.errors import answer, code_and_message, fail
from api.messages import message

KB, MB = 1024, 1024 * 1024
DEFAULT = 2 * MB          # staff JSON (an edited outline, a drawn area), OGC queries and processes
FORM = 16 * KB            # the public JSON and HTML forms (a filing, the sign-in)
JSON = ("application/json",)
HTML_FORM = ("application/x-www-form-urlencoded", "multipart/form-data")
UPLOAD = ("multipart/form-data",)
BODY_METHODS = ("POST", "PUT", "PATCH")


def body_limit(size: int, *content_types: str, staff: bool = False):
    """Declare a view's largest body (bytes) and the content types it reads."""
    def decorate(view):
        view.body_limit = (size, tuple(content_types), staff)
        return view
    return decorate


def _declared() -> tuple[int, tuple[str, ...]]:
    view = current_app.view_functions.get(request.endpoint or "")
    size, types, staff = getattr(view, "body_limit", (DEFAULT, (), False))
    if staff:
        from api.staff import current_user

        if current_user() is None:
            size = DEFAULT
    return size, types


def install(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = DEFAULT  # for any body read outside a request's view

    @app.before_request
    def check_body():
        size, types = _declared()
        request.max_form_memory_size = min(size, 500 * KB)
        if request.content_length is not None:
            request.max_content_length = size
            if request.content_length > size:
                fail(413, "limits.body_too_large", size=size_label(size))
        else:  # streamed (chunked): werkzeug would cut it silently at the limit; say so instead
            request.max_content_length = size + 1
            request.environ["wsgi.input"] = _Capped(request.environ["wsgi.input"], size)
        if types and request.method in BODY_METHODS and request.mimetype not in types:
            fail(415, "limits.content_type", types=" / ".join(types))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge):
        """Also when a streamed body crosses the limit while it is read."""
        size = request.max_content_length or DEFAULT
        return _answer(413, "limits.body_too_large", message("limits.body_too_large", size=size_label(size)))

    @app.errorhandler(UnsupportedMediaType)
    def wrong_type(exc: UnsupportedMediaType):
        return _answer(415, *code_and_message(exc))


class _Capped:
    """A streamed body that raises 413 once more than `size` bytes have been read from it."""

    def __init__(self, stream, size: int):
        self._stream, self._size, self._read = stream, size, 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._size:
            raise RequestEntityTooLarge()
        return data

    def read(self, *args) -> bytes:
        return self._count(self._stream.read(*args))

    def readline(self, *args) -> bytes:
        return self._count(self._stream.readline(*args))


def size_label(size: int) -> str:
    return f"{size // MB} MB" if size >= MB else f"{max(1, size // KB)} KB"


def _answer(status: int, code: str, text: str):
    from api import _wants_json

    if _wants_json():
        response = answer(status, code, text)
    else:
        response = current_app.response_class(text + "\n", mimetype="text/plain")
    response.status_code = status
    response.headers["Connection"] = "close"  # what the client still sends is not read
    return response
