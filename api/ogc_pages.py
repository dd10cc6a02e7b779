"""pygeoapi's own HTML pages (/ogc?f=html) as Teritoriu serves them.

pygeoapi 0.24's templates load Bootstrap, Leaflet, its plugins and Swagger UI from CDNs (unpinned,
on the origin of /office) and print `dir="text_direction"` and an empty `<title>`. Its
`server.templates` setting puts webmap/templates/pygeoapi first: copies of the pages that need it,
loading the assets the app vendors from npm (/static/vendor, webmap/package.json), so the pages work
offline and run under the app's one CSP (api/__init__.py). The images and stylesheet its pages still
name under /ogc/static are pygeoapi's own files, served from the installed package, and the pages
say their charset in the header.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

from webmap.templating import TEMPLATES

OWN_TEMPLATES = TEMPLATES / "pygeoapi"


def _pygeoapi_static() -> Path:
    import pygeoapi

    return Path(pygeoapi.__file__).parent / "static"


def use_own_templates(*configs: dict) -> None:
    """Before pygeoapi's API objects are built from these configurations (they copy it)."""
    for config in configs:
        config["server"]["templates"] = {"path": str(OWN_TEMPLATES), "static": str(_pygeoapi_static())}
        # pygeoapi 0.24's TileMatrixSets pages pass the whole configuration where the templates' settings
        # belong (pygeoapi.api.tiles: render_j2_template(api.tpl_config, api.tpl_config, ...)); they read `path`
        config["path"] = str(OWN_TEMPLATES)


def install(bp: Blueprint) -> None:
    """pygeoapi's static files under /ogc/static, and the charset its HTML answers leave out."""
    static = _pygeoapi_static()
    bp.add_url_rule("/static/<path:filename>", "pygeoapi_static",
                    lambda filename: send_from_directory(static, filename, max_age=3600))

    @bp.after_request
    def charset(response):
        # pygeoapi sends its pages as bare `text/html`: a client without an HTML parser (requests,
        # curl | iconv) then reads the UTF-8 as Latin-1 (ș as È)
        if response.headers.get("Content-Type") == "text/html":
            response.headers["Content-Type"] = "text/html; charset=utf-8"
        return response
