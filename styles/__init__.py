"""Layer styles as data (styles.yaml) and their exports to OGC SLD 1.0 and QGIS QML.

One style per layer; a classified style colours features by one property. Whoever draws a
layer (web map, certificate map extract, an agency's QGIS) reads the same colours from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import yaml

STYLES_FILE = Path(__file__).with_name("styles.yaml")


@dataclass(frozen=True)
class StyleClass:
    value: str | None  # None: the default class
    fill: str | None
    stroke: str
    label: dict[str, str]


@dataclass(frozen=True)
class Style:
    name: str
    kind: str  # polygon | line | point
    stroke: str = "#333333"
    stroke_width: float = 1.0
    stroke_dash: tuple[float, ...] = ()
    fill: str | None = None
    fill_opacity: float = 1.0
    casing: str | None = None
    radius: float = 3.0
    label: str | None = None
    label_min_zoom: int | None = None
    classify_by: str | None = None
    classes: tuple[StyleClass, ...] = field(default_factory=tuple)
    default: StyleClass | None = None

    def class_for(self, value: str | None) -> StyleClass:
        for c in self.classes:
            if c.value == value:
                return c
        return self.default or StyleClass(None, self.fill, self.stroke, {"ro": self.name})


def _class(raw: dict) -> StyleClass:
    return StyleClass(raw.get("value"), raw.get("fill"), raw.get("stroke", "#333333"),
                      dict(raw.get("label") or {}))


@cache
def load_styles(path: Path = STYLES_FILE) -> dict[str, Style]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    styles = {}
    for name, raw in data.items():
        raw = dict(raw)
        classes = tuple(_class(c) for c in raw.pop("classes", []))
        default = _class(raw.pop("default")) if "default" in raw else None
        dash = tuple(raw.pop("stroke_dash", ()) or ())
        styles[name] = Style(name=name, classes=classes, default=default, stroke_dash=dash, **raw)
    return styles


def get_style(name: str) -> Style:
    try:
        return load_styles()[name]
    except KeyError:
        raise KeyError(f"no style named {name!r} in styles.yaml") from None


# -- SLD ---------------------------------------------------------------------------------------
def _sld_symbolizer(style: Style, fill: str | None, stroke: str) -> str:
    dash = (f'<se:SvgParameter name="stroke-dasharray">{" ".join(map(str, style.stroke_dash))}'
            "</se:SvgParameter>" if style.stroke_dash else "")
    stroke_xml = (f'<se:Stroke><se:SvgParameter name="stroke">{stroke}</se:SvgParameter>'
                  f'<se:SvgParameter name="stroke-width">{style.stroke_width}</se:SvgParameter>'
                  f"{dash}</se:Stroke>")
    if style.kind == "line":
        return f"<se:LineSymbolizer>{stroke_xml}</se:LineSymbolizer>"
    fill_xml = (f'<se:Fill><se:SvgParameter name="fill">{fill}</se:SvgParameter>'
                f'<se:SvgParameter name="fill-opacity">{style.fill_opacity}</se:SvgParameter></se:Fill>'
                if fill else "")
    if style.kind == "point":
        return (f"<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>"
                f"{fill_xml}{stroke_xml}</se:Mark><se:Size>{style.radius * 2}</se:Size></se:Graphic>"
                "</se:PointSymbolizer>")
    return f"<se:PolygonSymbolizer>{fill_xml}{stroke_xml}</se:PolygonSymbolizer>"


def _sld_label(style: Style) -> str:
    if not style.label:
        return ""
    return (f"<se:TextSymbolizer><se:Label><ogc:PropertyName>{style.label}</ogc:PropertyName>"
            '</se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter>'
            '<se:SvgParameter name="font-size">10</se:SvgParameter></se:Font></se:TextSymbolizer>')


def to_sld(style: Style, layer_name: str, lang: str = "ro") -> str:
    """OGC SLD 1.1 (Symbology Encoding), readable by QGIS, GeoServer and GDAL clients."""
    rules = []
    if style.classify_by:
        for c in style.classes:
            flt = (f"<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>{style.classify_by}"
                   f"</ogc:PropertyName><ogc:Literal>{escape(c.value or '')}</ogc:Literal>"
                   "</ogc:PropertyIsEqualTo></ogc:Filter>")
            title = escape(c.label.get(lang) or c.label.get("ro") or c.value or "")
            rules.append(f"<se:Rule><se:Name>{escape(c.value or '')}</se:Name><se:Description>"
                         f"<se:Title>{title}</se:Title></se:Description>{flt}"
                         f"{_sld_symbolizer(style, c.fill, c.stroke)}</se:Rule>")
        if style.default:
            d = style.default
            title = escape(d.label.get(lang) or d.label.get("ro") or "")
            rules.append(f"<se:Rule><se:Name>default</se:Name><se:Description><se:Title>{title}"
                         "</se:Title></se:Description><se:ElseFilter/>"
                         f"{_sld_symbolizer(style, d.fill, d.stroke)}</se:Rule>")
    else:
        rules.append(f"<se:Rule><se:Name>{style.name}</se:Name>"
                     f"{_sld_symbolizer(style, style.fill, style.stroke)}</se:Rule>")
    if style.label:
        rules.append(f"<se:Rule><se:Name>label</se:Name>{_sld_label(style)}</se:Rule>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" '
            'xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation='
            '"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">'
            f"<NamedLayer><se:Name>{escape(layer_name)}</se:Name><UserStyle><se:Name>{style.name}"
            f"</se:Name><se:FeatureTypeStyle>{''.join(rules)}</se:FeatureTypeStyle></UserStyle>"
            "</NamedLayer></StyledLayerDescriptor>\n")


# -- QML ---------------------------------------------------------------------------------------
def _rgba(color: str | None, opacity: float = 1.0) -> str:
    if not color:
        return "0,0,0,0"
    c = color.lstrip("#")
    r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    return f"{r},{g},{b},{round(opacity * 255)}"


def _qml_symbol(style: Style, name: str, fill: str | None, stroke: str) -> str:
    dash = " ".join(map(str, style.stroke_dash))
    if style.kind == "line":
        layer = ("<layer class=\"SimpleLine\">"
                 f"<prop k=\"line_color\" v=\"{_rgba(stroke)}\"/>"
                 f"<prop k=\"line_width\" v=\"{style.stroke_width * 0.26:.2f}\"/>"
                 f"<prop k=\"use_custom_dash\" v=\"{1 if dash else 0}\"/>"
                 f"<prop k=\"customdash\" v=\"{dash.replace(' ', ';')}\"/></layer>")
        kind = "line"
    elif style.kind == "point":
        layer = ("<layer class=\"SimpleMarker\"><prop k=\"name\" v=\"circle\"/>"
                 f"<prop k=\"color\" v=\"{_rgba(fill)}\"/>"
                 f"<prop k=\"outline_color\" v=\"{_rgba(stroke)}\"/>"
                 f"<prop k=\"size\" v=\"{style.radius * 0.7:.2f}\"/></layer>")
        kind = "marker"
    else:
        layer = ("<layer class=\"SimpleFill\">"
                 f"<prop k=\"color\" v=\"{_rgba(fill, style.fill_opacity)}\"/>"
                 f"<prop k=\"style\" v=\"{'solid' if fill else 'no'}\"/>"
                 f"<prop k=\"outline_color\" v=\"{_rgba(stroke)}\"/>"
                 f"<prop k=\"outline_width\" v=\"{style.stroke_width * 0.26:.2f}\"/>"
                 f"<prop k=\"outline_style\" v=\"{'dash' if dash else 'solid'}\"/></layer>")
        kind = "fill"
    return f'<symbol name={quoteattr(name)} type="{kind}" alpha="1">{layer}</symbol>'


def to_qml(style: Style, lang: str = "ro") -> str:
    """A QGIS layer style file (load it with Layer Properties › Style › Load Style)."""
    if style.classify_by:
        cats, symbols = [], []
        for i, c in enumerate([*style.classes, *([style.default] if style.default else [])]):
            label = c.label.get(lang) or c.label.get("ro") or (c.value or "")
            cats.append(f"<category value={quoteattr(c.value or '')} symbol=\"{i}\" "
                        f"label={quoteattr(label)} render=\"true\"/>")
            symbols.append(_qml_symbol(style, str(i), c.fill, c.stroke))
        renderer = (f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(style.classify_by)}>'
                    f"<categories>{''.join(cats)}</categories><symbols>{''.join(symbols)}</symbols>"
                    "</renderer-v2>")
    else:
        renderer = ('<renderer-v2 type="singleSymbol"><symbols>'
                    f"{_qml_symbol(style, '0', style.fill, style.stroke)}</symbols></renderer-v2>")
    labeling = ""
    if style.label:
        labeling = ('<labeling type="simple"><settings><text-style fieldName='
                    f'{quoteattr(style.label)} fontFamily="DejaVu Sans" fontSize="9"/></settings>'
                    "</labeling>")
    return ('<!DOCTYPE qgis PUBLIC \'http://mrcc.com/qgis.dtd\' \'SYSTEM\'>\n'
            f'<qgis version="3.22" styleCategories="Symbology|Labeling">{renderer}{labeling}</qgis>\n')


# -- MapLibre GL (style spec v8) ------------------------------------------------------------------
def to_maplibre_layers(style: Style, source: str, source_layer: str) -> list[dict]:
    """The style layers of one vector-tile layer (no labels: a label needs a glyph server, which a page
    without internet does not have)."""
    return [{"id": f"{source_layer}-{part}", "source": source, "source-layer": source_layer, **paint}
            for part, paint in _maplibre_paint(style)]


def _maplibre_colour(style: Style, attr: str):
    """A colour, or a `match` expression when the style is classified by a property."""
    plain = getattr(style, attr)
    if not style.classify_by or not style.classes:
        return plain
    default = getattr(style.default, attr, None) if style.default else plain
    expr: list = ["match", ["to-string", ["get", style.classify_by]]]
    for c in style.classes:
        expr += [str(c.value), getattr(c, attr) or default or "#000000"]
    return expr + [default or "#000000"]


def _maplibre_paint(style: Style) -> list[tuple[str, dict]]:
    line = {"line-color": _maplibre_colour(style, "stroke"), "line-width": style.stroke_width}
    if style.stroke_dash:
        line["line-dasharray"] = list(style.stroke_dash)
    if style.kind == "point":
        return [("circle", {"type": "circle", "paint": {
            "circle-color": _maplibre_colour(style, "fill"), "circle-radius": style.radius,
            "circle-stroke-color": style.stroke, "circle-stroke-width": 1}})]
    if style.kind == "line":
        parts = []
        if style.casing:
            parts.append(("casing", {"type": "line", "paint": {"line-color": style.casing,
                                                                "line-width": style.stroke_width + 2}}))
        return parts + [("line", {"type": "line", "paint": line})]
    parts = []
    if style.fill or style.classify_by:
        parts.append(("fill", {"type": "fill", "paint": {"fill-color": _maplibre_colour(style, "fill"),
                                                          "fill-opacity": style.fill_opacity}}))
    return parts + [("outline", {"type": "line", "paint": line})]
