"""The map legend beyond the zones: parcels, buildings, the restrictions present, the UAT and the
intravilan limits, each drawn as the map draws it (styles/styles.yaml) and named in the page's language."""

from __future__ import annotations

from styles import Style, load_styles
from webmap.i18n import t


def _swatch(style: Style, fill: str | None, stroke: str) -> str:
    """The CSS of a legend swatch: the fill at the map's opacity, the outline dashed when the map's is."""
    border = f"{'dashed' if style.stroke_dash else 'solid'} {stroke}"
    background = "transparent" if not fill or not style.fill_opacity else fill
    opacity = f";opacity:{max(style.fill_opacity, 0.6):.2f}" if background != "transparent" else ""
    return f"background:{background};border:2px {border}{opacity}"


def layer_legend(lang: str, restriction_kinds: set[str]) -> list[dict]:
    """[{label, css}] for the layers below and around the zones; restrictions only of the kinds present."""
    styles = load_styles()
    items = [{"label": t(f"legend_{name}", lang), "css": _swatch(styles[name], styles[name].fill, styles[name].stroke)}
             for name in ("parcels", "buildings")]
    restrictions = styles["restrictions"]
    for c in restrictions.classes:
        if c.value in restriction_kinds:
            items.append({"label": c.label.get(lang) or c.label["ro"], "css": _swatch(restrictions, c.fill, c.stroke)})
    for name, key in (("localities", "legend_intravilan"), ("uat", "legend_uat")):
        items.append({"label": t(key, lang), "css": _swatch(styles[name], None, styles[name].stroke)})
    return items
