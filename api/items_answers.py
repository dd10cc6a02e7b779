"""What an items page says about itself: its media type and its links.

- GeoJSON is `application/geo+json` (RFC 7946), the type the links to items already announce;
  pygeoapi 0.24 sends every JSON answer as `application/json`. Its errors stay OGC exception JSON.
- pygeoapi builds `self` and the alternates without `offset` (the page 3 of a listing says it is
  page 1), gives `next` and `prev` the GeoJSON type whatever the page's format, and adds a `next`
  when `numberMatched` says there is nothing after. The links are rebuilt here from the query the
  client sent, before pygeoapi serialises the page (JSON) or renders it (HTML): `install()` wraps
  the two functions of `pygeoapi.api.itemtypes` that do that, for the items view only
  (`flask.g.items_page`, set once the parameters were checked by api/items_params.py).
- The HTML page's `<title>` reads `data.title`, which pygeoapi leaves out of an items page: the
  collection's title is given to it.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Response, g, has_request_context

GEOJSON = "application/geo+json"
LINK_TYPES = {"json": GEOJSON, "jsonld": "application/ld+json", "html": "text/html", "csv": "text/csv; charset=utf-8"}
ITEMS_TEMPLATE = "collections/items/index.html"


def as_geojson(response: Response) -> Response:
    """A successful JSON answer of items or of one item is GeoJSON: say so."""
    if response.status_code == 200 and response.mimetype == "application/json":
        response.headers["Content-Type"] = GEOJSON
    return response


def install() -> None:
    import pygeoapi.api.itemtypes as itemtypes

    if getattr(itemtypes.to_json, "rebuilds_items_links", False):
        return  # one more app in the same process (tests): already wrapped
    serialize, render = itemtypes.to_json, itemtypes.render_j2_template

    def to_json(content, pretty=False):
        _rebuild_links(content)
        return serialize(content, pretty)

    def render_j2_template(config, tpl_config, template, data, locale_=None):
        if template == ITEMS_TEMPLATE:
            _rebuild_links(data)
            data.setdefault("title", next((link.get("title", "") for link in data.get("links", [])
                                           if link.get("rel") == "collection"), ""))
        return render(config, tpl_config, template, data, locale_)

    to_json.rebuilds_items_links = True
    itemtypes.to_json, itemtypes.render_j2_template = to_json, render_j2_template


def _rebuild_links(content) -> None:
    page = g.get("items_page") if has_request_context() else None
    if page is None or not isinstance(content, dict) or content.get("type") != "FeatureCollection":
        return
    links = content.get("links", [])
    self_link = next((link for link in links if link.get("rel") == "self"), None)
    if self_link is None:
        return
    uri = self_link["href"].split("?", 1)[0]
    sent = [(k, v) for k, v in page.query if k != "f"]
    page_format = dict(parse_qsl(urlsplit(self_link["href"]).query)).get("f", "json")

    def href(fmt: str, offset: int | None = None) -> str:
        pairs = sent if offset is None else [(k, v) for k, v in sent if k != "offset"] + [("offset", str(offset))]
        return f"{uri}?{urlencode([('f', fmt), *pairs], safe=',')}"

    rebuilt = []
    for link in links:
        if link.get("rel") in ("prev", "next"):
            continue
        if link.get("rel") in ("self", "alternate") and link["href"].startswith(f"{uri}?f="):
            fmt = dict(parse_qsl(urlsplit(link["href"]).query)).get("f", "json")
            link = {**link, "href": href(fmt)}
        rebuilt.append(link)
    returned = len(content.get("features", []))
    matched = content.get("numberMatched")
    more = page.offset + returned < matched if isinstance(matched, int) else returned == page.limit
    link_type = LINK_TYPES.get(page_format, GEOJSON)
    if page.offset > 0:
        rebuilt.append({"rel": "prev", "type": link_type, "title": "Items (prev)",
                        "href": href(page_format, max(0, page.offset - page.limit))})
    if more and returned:
        rebuilt.append({"rel": "next", "type": link_type, "title": "Items (next)",
                        "href": href(page_format, page.offset + page.limit)})
    content["links"] = rebuilt
