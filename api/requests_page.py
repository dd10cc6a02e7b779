"""/cereri/noua: where the map's "request a certificate" buttons lead. Until online requests
exist (the certificates issue), it tells the citizen how to file at the registry, with the
parcel and the certificate kind filled in."""

from __future__ import annotations

import html

from flask import Blueprint, Response, request

from webmap.i18n import pick_language, t

bp = Blueprint("requests_page", __name__)
KINDS = {"urbanism": "request_cu", "nomenclatura": "request_cns"}


@bp.get("/cereri/noua")
def new_request():
    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    kind = KINDS.get(request.args.get("tip", ""), "request_cu")
    parcel = html.escape(request.args.get("parcela", "")[:40])
    e = html.escape
    body = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(t(kind, lang))}</title><link rel="stylesheet" href="/static/css/map.css">'
            '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg"></head>'
            f'<body style="overflow:auto"><header class="t-header"><h1>{e(t(kind, lang))}</h1></header>'
            f'<main class="t-panel" style="position:static;width:auto;box-shadow:none">'
            f'<p>{e(t("request_counter", lang))}</p><p><strong>{e(t("cadastral_number", lang))}: '
            f'{parcel or "—"}</strong></p><p><a class="t-link" href="/?parcel={parcel}&amp;lang={lang}">'
            f'{e(t("back_to_map", lang))}</a></p></main></body></html>')
    return Response(body, mimetype="text/html")
