"""The plain pages around the maps (request form, status, verification, the office desk):
one header, the project's stylesheet, no script."""

from __future__ import annotations

import html

from flask import Response


def page_html(title: str, body: str, lang: str = "ro", header_extra: str = "", css: str | None = None) -> str:
    """The page itself; `css` inlines a stylesheet (for a page saved as a file)."""
    e = html.escape
    style = f"<style>{css}</style>" if css is not None else '<link rel="stylesheet" href="/static/css/map.css">'
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)}</title>{style}'
            '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg"></head>'
            f'<body style="overflow:auto"><header class="t-header"><h1>{e(title)}</h1>{header_extra}</header>'
            f'<main class="t-panel t-form t-page">{body}</main></body></html>')


def simple_page(title: str, body: str, lang: str = "ro", status: int = 200, header_extra: str = "",
                private: bool = False) -> Response:
    page = page_html(title, body, lang, header_extra)
    headers = {"Cache-Control": "private, no-store"} if private else {}
    return Response(page, status=status, mimetype="text/html", headers=headers)
