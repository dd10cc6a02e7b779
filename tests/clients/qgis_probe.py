"""Run by Debian's python3 (python3-qgis 3.22 is built for it, not for the project's 3.12):
QGIS itself opens what the test names and prints what QGIS saw as one JSON line.

    python3 qgis_probe.py '{"action": "features", "url": "http://…/ogc", "layer": "parcels"}'
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import urllib.request

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp())

from qgis.core import (  # noqa: E402
    Qgis,
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def features(args: dict) -> dict:
    """An OAPIF layer as QGIS's Data Source Manager adds it: the count QGIS shows before it has
    downloaded anything, then the features it iterates."""
    uri = f"url='{args['url']}' typename='{args['layer']}' restrictToRequestBBOX='0'"
    layer = QgsVectorLayer(uri, args["layer"], "OAPIF")
    out = {"valid": layer.isValid(), "count_before": layer.featureCount(), "crs": layer.crs().authid(),
           "fields": [f.name() for f in layer.fields()]}
    if args.get("where"):
        out["subset_ok"] = layer.setSubsetString(args["where"])
    ids = [f.id() for f in layer.getFeatures()]
    out.update(iterated=len(ids), count_after=layer.featureCount())
    return out


def style(args: dict) -> dict:
    """The city hall's QML or SLD loaded onto the OAPIF layer, as an analyst would."""
    uri = f"url='{args['url']}' typename='{args['layer']}' restrictToRequestBBOX='0'"
    layer = QgsVectorLayer(uri, args["layer"], "OAPIF")
    path = os.path.join(tempfile.mkdtemp(), "style." + args["format"])
    urllib.request.urlretrieve(args["style_url"], path)  # noqa: S310 (a test URL)
    if args["format"] == "qml":
        message, ok = layer.loadNamedStyle(path)
    else:
        message, ok = layer.loadSldStyle(path)
    renderer = layer.renderer()
    out = {"ok": bool(ok), "message": message, "renderer": renderer.type() if renderer else None,
           "symbols": [_colours(symbol) for symbol in (renderer.symbols(_context()) if renderer else [])],
           "label_field": layer.labeling().settings().fieldName if layer.labelsEnabled() else None}
    return out


def _context():
    from qgis.core import QgsRenderContext

    return QgsRenderContext()


def _colours(symbol) -> dict:
    """Fill and stroke of a symbol's first layer as #rrggbb; fill None when nothing is painted
    (no brush, or a transparent one)."""
    from qgis.PyQt.QtCore import Qt

    first = symbol.symbolLayer(0)
    if first.layerType() in ("SimpleLine", "MarkerLine"):  # an outline only: its colour is the stroke
        return {"fill": None, "stroke": first.color().name()}
    hollow = (hasattr(first, "brushStyle") and first.brushStyle() == Qt.NoBrush) or first.color().alpha() == 0
    return {"fill": None if hollow else first.color().name(), "stroke": first.strokeColor().name()}


def vector_tiles(args: dict) -> dict:
    """A vector tile layer as QGIS 3.22 adds one from a TileJSON's {z}/{x}/{y} template, with the
    MapLibre style loaded from its URL, rendered over each extent asked (EPSG:3857): the style's
    layers and colours, and the pixels painted in the style's outline colour."""
    from qgis.core import QgsDataSourceUri

    uri = QgsDataSourceUri()
    for key in ("type", "url", "zmin", "zmax", "styleUrl"):
        if key in args:
            uri.setParam(key, str(args[key]))
    layer = QgsVectorTileLayer(bytes(uri.encodedUri()).decode(), "tiles")
    out = {"valid": layer.isValid(), "zmin": layer.sourceMinZoom(), "zmax": layer.sourceMaxZoom()}
    if not layer.isValid():
        return out
    message, loaded = layer.loadDefaultStyle()
    styles = layer.renderer().styles() if layer.renderer() else []
    out.update(style_loaded=bool(loaded), style_message=message,
               styles=[[s.styleName(), s.symbol().color().name() if s.symbol() else None] for s in styles])
    target = args.get("colour", "#000000").lstrip("#")
    rgb = tuple(int(target[i:i + 2], 16) for i in (0, 2, 4))
    out["painted"] = [_painted(layer, extent, rgb) for extent in args["extents"]]
    return out


def _painted(layer, extent, rgb) -> int:
    """Pixels of a 256 × 256 rendering within 40 of `rgb` in every channel."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(QgsRectangle(*extent))
    settings.setOutputSize(QSize(256, 256))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    near = 0
    for y in range(256):
        for x in range(256):
            c = QColor(image.pixel(x, y))
            near += all(abs(a - b) <= 40 for a, b in zip((c.red(), c.green(), c.blue()), rgb, strict=True))
    return near


if __name__ == "__main__":
    request = json.loads(sys.argv[1])
    app = QgsApplication([], False)
    app.initQgis()
    result = {"qgis": Qgis.version(), **{"features": features, "style": style,
                                        "vector_tiles": vector_tiles}[request["action"]](request)}
    print(json.dumps(result))
    app.exitQgis()
