"""A rule's refusal (gis.certificates.rules.CertificateError) as the routes answer it: the one
mapping from the refusal's type to the HTTP status (its `status`: 400 bad input, 409 a conflict
with the request's or certificate's state, 404 nothing under that name), and its text in the
reader's language (the Romanian template through the staff catalogue, webmap.i18n.tr; an English template
through its catalogue message code) with a code for the JSON errors (api.errors): the refusal's message code,
else certificate.refused / .conflict / .not_found by its kind."""

from __future__ import annotations

from typing import NoReturn

from werkzeug.exceptions import default_exceptions

from api.messages import message, request_language
from gis.certificates.rules import CertificateError
from gis.texts import has
from webmap.i18n import tr


def said(exc: CertificateError) -> str:
    if exc.message_code and has("message", exc.message_code):  # an English template: its catalogue message
        return message(exc.message_code, **exc.values)
    return tr(exc.template, request_language(), **exc.values)


def refuse(exc: CertificateError, status: int | None = None) -> NoReturn:
    """Abort with the refusal's own status (or `status`, for a route whose every refusal is one kind)."""
    status = status or exc.status
    error = default_exceptions[status](description=said(exc))
    error.message_code = exc.message_code or KIND_CODES.get(status, "certificate.refused")
    raise error


KIND_CODES = {400: "certificate.refused", 409: "certificate.conflict", 404: "certificate.not_found"}
