/* The public map's overlays: read from Teritoriu's own OGC API (/ogc) as GeoJSON and styled with
   the colours of styles/styles.yaml, which the page passes in `config.styles`. */
"use strict";
window.TeritoriuMap = (function () {
  function zoneStyle(style, feature) {
    var v = feature.properties[style.classify_by];
    var c = (style.classes || []).find(function (k) { return k.value === v; }) || style.default || {};
    return { color: c.stroke || style.stroke, weight: style.stroke_width || 1,
             fillColor: c.fill || style.fill, fillOpacity: style.fill_opacity || 0.4 };
  }

  function plainStyle(style) {
    return { color: style.stroke, weight: style.stroke_width || 1,
             dashArray: (style.stroke_dash || []).join(" ") || null,
             fill: !!style.fill, fillColor: style.fill, fillOpacity: style.fill ? (style.fill_opacity || 0) : 0 };
  }

  function load(map, layerDef, config, control, status) {
    var style = config.styles[layerDef.style] || {};
    var group = L.geoJSON(null, {
      style: function (f) { return style.classify_by ? zoneStyle(style, f) : plainStyle(style); },
      onEachFeature: function (f, lyr) {
        if (layerDef.tooltip && f.properties[layerDef.tooltip]) {
          lyr.bindTooltip(String(f.properties[layerDef.tooltip]), { sticky: true });
        }
      }
    });
    control.addOverlay(group, layerDef.title);
    if (layerDef.visible) { group.addTo(map); }
    status.pending += 1;
    status.show();
    var url = config.ogc + "/collections/" + layerDef.id + "/items?f=json&limit=" + config.limit +
              "&bbox=" + config.bbox.join(",");
    fetch(url, { headers: { "Accept": "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        group.addData(data);
        group.eachLayer(function (l) { if (l.getElement && l.getElement()) { l.getElement().setAttribute("data-layer", layerDef.id); } });
      })
      .catch(function () { status.error(layerDef.title); })
      .finally(function () { status.pending -= 1; status.show(); });
  }

  function init(map, config) {
    var statusEl = document.getElementById("t-status");
    var status = {
      pending: 0,
      show: function () { statusEl.textContent = this.pending ? config.texts.loading : ""; },
      error: function (title) { statusEl.textContent = config.texts.load_error + ": " + title; }
    };
    var control = L.control.layers({}, {}, { collapsed: window.innerWidth < 700 }).addTo(map);
    control.addOverlay(config.basemapLayer, config.texts.orthophoto);
    config.overlays.forEach(function (def) { load(map, def, config, control, status); });
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "t-legend");
      div.innerHTML = document.getElementById("t-legend-template").innerHTML;
      var details = div.querySelector("details");
      if (details && window.innerWidth >= 700) { details.open = true; }  // folded on phones
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);
    window.teritoriuMap = map;
  }

  return { init: init };
})();
