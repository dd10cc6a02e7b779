"""Jinja2 rendering of every page (templates in webmap/templates, all sharing layout.html),
and the one place where a folium map is taken apart for them (`folium_parts`).

Autoescaped: a value is text unless it is `Markup`. Outside a request (the import report saved
as a file by the CLI) the pages render the same, without a CSP nonce."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import folium
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def csp_nonce() -> str | None:
    """One nonce per request, on every script of the page (None outside a request)."""
    from flask import g, has_request_context

    if not has_request_context():
        return None
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


# What a page kept in a cache carries instead of a nonce (random per process, so no text of the page
# can spell it); `with_nonce` puts the request's own nonce there when the page is served.
NONCE_SLOT = "nonce-slot-" + secrets.token_hex(12)


def with_nonce(page: str) -> str:
    """A cached page (rendered with nonce=NONCE_SLOT) with the request's nonce on its scripts."""
    return page.replace(NONCE_SLOT, csp_nonce() or "")


def render(template: str, **context) -> str:
    nonce = context.setdefault("nonce", csp_nonce())
    context["nonce_attr"] = Markup(f' nonce="{nonce}"') if nonce else ""  # <script{{ nonce_attr }}>
    return ENV.get_template(template).render(**context)


def page_config(config: dict) -> Markup:
    """A page's configuration as JSON for a `<script type="application/json">` block: safe there
    whatever the strings hold (no `</script>`, no `<!--`)."""
    text = json.dumps(config, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


ENV.filters["page_config"] = page_config


_SCRIPT_TAG = re.compile(r"<script(?=[\s>])")
# folium's own viewport forbids pinch-zoom (maximum-scale=1, user-scalable=no): the layout's is used instead
_VIEWPORT = re.compile(r"<meta name=\"viewport\"[^>]*>\s*")


def folium_parts(m: folium.Map, nonce: str | None = None) -> dict[str, Markup]:
    """The folium map as the three pieces the layout places: `head` (its stylesheets, Leaflet
    scripts and the map's CSS; not its viewport), `body` (the map's div) and `script` (the inline code that builds
    the map as the global `window[<map name>]`). Every `<script>` gets the page's nonce."""
    root = m.get_root()
    for child in root._children.values():  # what Figure.render does first: fills header and script
        child.render()

    def part(element) -> Markup:
        html = _VIEWPORT.sub("", element.render())
        if nonce:
            html = _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', html)
        return Markup(html)

    return {"head": part(root.header), "body": part(root.html), "script": Markup(root.script.render())}
