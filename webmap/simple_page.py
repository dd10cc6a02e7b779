"""The plain pages around the maps (request form, status, verification, the office desk):
one header, the project's stylesheet, no script."""

from __future__ import annotations

import html

from flask import Response


def simple_page(title: str, body: str, lang: str = "ro", status: int = 200, header_extra: str = "",
                private: bool = False) -> Response:
    e = html.escape
    page = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)}</title><link rel="stylesheet" href="/static/css/map.css">'
            '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg"></head>'
            f'<body style="overflow:auto"><header class="t-header"><h1>{e(title)}</h1>{header_extra}</header>'
            f'<main class="t-panel t-form t-page">{body}</main></body></html>')
    headers = {"Cache-Control": "private, no-store"} if private else {}
    return Response(page, status=status, mimetype="text/html", headers=headers)
