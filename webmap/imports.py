"""The surveyors' upload page and the officer's review of a staged import: the report, and a
map of what would change (new green, changed orange, retired red)."""

from __future__ import annotations

import folium
from markupsafe import Markup

from gis.settings import Settings
from layers.orthophoto import leaflet_bounds
from webmap.i18n import tr
from webmap.pages import LOCAL_CSS, LOCAL_JS, LocalMap, render_map, territory

LAYERS = (("parcels", "parcele"), ("buildings", "construcții"), ("addresses", "adrese"),
          ("agri", "registrul agricol"), ("streets", "străzi"), ("zones", "zone UTR"))
# the review map's colours, by change (the legend and webmap/static/js/imports/review.js)
COLORS = {"new": "#1a9641", "changed": "#f07c00", "retired": "#d7191c"}
LEGEND = (("new", "noi"), ("changed", "modificate"), ("retired", "retrase"))
DECISIONS = (("accept", "Acceptă și importă", "t-button"), ("reject", "Respinge", "t-link"))


class ReviewMap(LocalMap):
    default_js = LOCAL_JS[:1]
    default_css = LOCAL_CSS


def review_html(settings: Settings, job: dict, report_html: str, csrf: str, can_decide: bool, lang: str = "ro",
                mapping: list[dict] | None = None, dxf_layers: dict | None = None, dxf_chosen: str | None = None,
                show_upload: bool = False, offer_outlines: bool = False, accept_says: str = "") -> str:
    """`accept_says`: the accept button's confirmation (what the import writes); `mapping`: per
    layer its columns, their current fields and the fields it may carry (the form
    that checks the same file again); `show_upload`: the file was refused, the upload form stays."""
    where = territory(settings)
    m = ReviewMap(location=None, tiles=None, control_scale=False, max_zoom=22, min_zoom=8)  # metric: review.js
    folium.TileLayer(tiles="/api/tiles/orthophoto/{z}/{x}/{y}.png", attr="Ortofotoplan", name="Ortofotoplan",
                     max_zoom=22, max_native_zoom=19, control=False,
                     bounds=leaflet_bounds(settings.orthophoto)).add_to(m)
    b = where["bbox"]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    modules = ["/static/js/imports/review.js"] + (["/static/js/imports/upload.js"] if show_upload else [])
    return render_map("import_review.html", m, {"job": job["id"], "status": job["status"], "colors": COLORS},
                      modules, title=f"Import {job['id']}: {job['source_name']}", lang=lang,
                      report=Markup(report_html), colors=COLORS, legend=LEGEND, decisions=DECISIONS, job=job["id"],
                      csrf=csrf, can_decide=can_decide and job["status"] == "staged", t=lambda text: tr(text, lang),
                      mapping=mapping, dxf_layers=dxf_layers, dxf_chosen=dxf_chosen, show_upload=show_upload,
                      upload_layers=LAYERS, offer_outlines=offer_outlines, accept_says=accept_says)
