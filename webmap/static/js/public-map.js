/* The public map: overlays from Teritoriu's own OGC API (vector tiles for parcels and buildings,
   GeoJSON for the rest), styled with the colours of styles/styles.yaml (config.styles); one search
   box; a tap resolves the parcel server-side (/api/parcels/at) and opens its sheet. */
"use strict";
window.TeritoriuMap = (function () {
  var T = {};          // texts of the page language
  var config, map, highlight, statusEl;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmt(n, digits) {
    return n == null ? "—" : Number(n).toLocaleString(config.locale, { maximumFractionDigits: digits || 2 });
  }

  // -- styles ---------------------------------------------------------------------------------
  function classStyle(style, props) {
    var v = props[style.classify_by];
    var c = (style.classes || []).find(function (k) { return k.value === v; }) || style.default || {};
    return { color: c.stroke || style.stroke, weight: style.stroke_width || 1,
             fillColor: c.fill || style.fill, fillOpacity: style.fill_opacity || 0.4, fill: true };
  }
  function plainStyle(style) {
    return { color: style.stroke, weight: style.stroke_width || 1,
             dashArray: (style.stroke_dash || []).join(" ") || null, fill: !!style.fill,
             fillColor: style.fill, fillOpacity: style.fill ? (style.fill_opacity || 0) : 0 };
  }
  function styleFor(name) {
    var style = config.styles[name] || {};
    return function (props) { return style.classify_by ? classStyle(style, props) : plainStyle(style); };
  }

  // -- overlays -------------------------------------------------------------------------------
  function status(text) { statusEl.textContent = text || ""; }

  function geojsonLayer(def) {
    var styler = styleFor(def.style);
    var group = L.geoJSON(null, {
      style: function (f) { return styler(f.properties); },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 3 }); },
      onEachFeature: function (f, lyr) {
        if (def.tooltip && f.properties[def.tooltip] != null) {
          lyr.bindTooltip(esc(f.properties[def.tooltip]), { sticky: true });
        }
      },
      interactive: !!def.tooltip
    });
    var url = config.ogc + "/collections/" + def.id + "/items?f=json&limit=" + config.limit +
              "&bbox=" + config.bbox.join(",");
    var loaded = false;
    function load() {
      if (loaded) { return; }
      loaded = true;
      fetch(url, { headers: { "Accept": "application/geo+json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          group.addData(data);
          group.eachLayer(function (l) {
            if (l.getElement && l.getElement()) { l.getElement().setAttribute("data-layer", def.id); }
          });
        })
        .catch(function () { status(T.load_error + ": " + def.title); });
    }
    group.on("add", load);
    return group;
  }

  function tileLayer(def) {
    var styler = styleFor(def.style);
    var styles = {};
    styles[def.id] = function (props) { return styler(props); };
    return L.vectorGrid.protobuf(
      config.ogc + "/collections/" + def.id + "/tiles/WebMercatorQuad/{z}/{y}/{x}",
      { vectorTileLayerStyles: styles, interactive: false, maxNativeZoom: 20, maxZoom: 21,
        minZoom: def.min_zoom || 0, rendererFactory: L.svg.tile, attribution: "" });
  }

  // cadastral numbers (or house numbers) as labels, fetched for the view at high zoom only
  function labelLayer(def) {
    var group = L.layerGroup();
    var pending = null;
    function refresh() {
      group.clearLayers();
      if (!map.hasLayer(group) || map.getZoom() < def.min_zoom) { return; }
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(config.ogc + "/collections/" + def.id + "/items?f=json&limit=500&properties=" + def.label +
            "&bbox=" + bbox.join(","), { signal: pending.signal })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          L.geoJSON(data, {
            style: function () { return { stroke: false, fill: false, interactive: false }; },
            pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 0, stroke: false }); },
            onEachFeature: function (f, lyr) {
              lyr.bindTooltip(esc(f.properties[def.label]), {
                permanent: true, direction: "center", className: "t-label t-label-" + def.id });
            }
          }).addTo(group);
        })
        .catch(function () { /* a newer view replaced this one */ });
    }
    map.on("moveend", refresh);
    group.on("add", refresh);
    return group;
  }

  // -- search ---------------------------------------------------------------------------------
  function setupSearch() {
    var input = document.getElementById("t-search");
    var list = document.getElementById("t-suggestions");
    var items = [], active = -1, timer = null, lastQuery = "";

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function render() {
      list.innerHTML = "";
      if (!items.length) {
        list.innerHTML = '<li class="t-empty" role="option" aria-disabled="true">' + esc(T.no_results) + "</li>";
      }
      items.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.id = "t-suggestion-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = hit.label;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      input.setAttribute("aria-activedescendant", active >= 0 ? "t-suggestion-" + active : "");
    }
    function suggest() {
      var q = input.value.trim();
      if (q.length < 2 || q === lastQuery) { if (q.length < 2) { close(); } return; }
      lastQuery = q;
      fetch("/api/search?q=" + encodeURIComponent(q) + (config.uat ? "&uat=" + config.uat : ""))
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === q) { items = data.results; active = -1; render(); } });
    }
    function choose(i) {
      var hit = items[i];
      if (!hit) { return; }
      input.value = hit.label;
      close();
      if (hit.cadastral_number) {
        openParcel("/api/parcels/" + encodeURIComponent(hit.cadastral_number) + (hit.uat ? "?uat=" + hit.uat : ""));
      } else if (hit.bbox) {
        map.fitBounds([[hit.bbox[1], hit.bbox[0]], [hit.bbox[3], hit.bbox[2]]], { maxZoom: 18 });
      } else {
        map.setView([hit.lat, hit.lon], 18);
      }
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(suggest, 200); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && items.length) { active = (active + 1) % items.length; render(); e.preventDefault(); }
      else if (e.key === "ArrowUp" && items.length) { active = (active - 1 + items.length) % items.length; render(); e.preventDefault(); }
      else if (e.key === "Enter") { e.preventDefault(); if (items.length) { choose(active >= 0 ? active : 0); } else { lastQuery = ""; suggest(); } }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    document.getElementById("t-search-form").addEventListener("submit", function (e) { e.preventDefault(); });
  }

  // -- the parcel sheet -----------------------------------------------------------------------
  function row(label, value) {
    return "<dt>" + esc(label) + "</dt><dd>" + value + "</dd>";
  }
  function uses(label, list) {
    if (!list || !list.length) { return ""; }
    return "<p><strong>" + esc(label) + ":</strong> " + list.map(esc).join("; ") + "</p>";
  }
  function sheet(p) {
    var h = [];
    h.push('<h2 id="t-panel-title" tabindex="-1">' + esc(T.panel_title) + " " + esc(p.cadastral_number) + "</h2>");
    h.push("<dl>");
    h.push(row(T.cadastral_number, esc(p.cadastral_number)));
    if (p.land_book_number) { h.push(row(T.land_book, esc(p.land_book_number))); }
    if (p.addresses.length) { h.push(row(T.addresses, p.addresses.map(function (a) { return esc(a.label); }).join("<br>"))); }
    h.push(row(T.legal_area, p.legal_area != null ? fmt(p.legal_area) + " m²" : "—"));
    h.push(row(T.measured_area, fmt(p.measured_area) + " m²"));
    h.push(row(T.location, esc(p.intravilan ? T.intravilan : T.extravilan) + (p.locality ? ", " + esc(p.locality) : "")));
    h.push(row(T.use_category, esc((config.categories[p.use_category] || p.use_category))));
    h.push("</dl>");
    h.push('<h3>' + esc(T.zoning) + "</h3>");
    if (p.plan_coverage_percent < 99.9) { h.push('<p class="t-note">' + esc(T.not_covered) + "</p>"); }
    p.zones.forEach(function (z) {
      h.push('<section class="t-zone" data-zone="' + esc(z.code) + '"><h4>' + esc(z.code) + " — " +
             esc(z.name || z.functional_zone) + ' <span class="t-share">' + fmt(z.share_percent) + " % " +
             esc(T.share) + "</span></h4>");
      h.push("<p>" + esc(z.document_kind) + " „" + esc(z.document_name) + "”, " + esc(T.approved_by) + " " +
             esc(z.hcl_number) + " " + esc(T.of_date) + " " + esc(z.hcl_date) + "</p>");
      if (z.overrides && z.overrides.length) { h.push('<p class="t-note">' + esc(T.overrides) + " " + z.overrides.map(esc).join(", ") + "</p>"); }
      h.push("<dl>" + row(T.pot, fmt(z.pot_max) + " %") + row(T.cut, fmt(z.cut_max)) +
             row(T.height, (z.max_height_m != null ? fmt(z.max_height_m) + " m" : "—") +
                 (z.height_regime ? " (" + esc(z.height_regime) + ")" : "")) + "</dl>");
      h.push(uses(T.allowed, z.allowed_uses) + uses(T.conditional, z.conditional_uses) + uses(T.forbidden, z.forbidden_uses));
      h.push("</section>");
    });
    h.push("<h3>" + esc(T.capacity) + "</h3><dl>");
    h.push(row(T.max_footprint, p.max_footprint_m2 != null ? fmt(p.max_footprint_m2) + " m²" : "—"));
    h.push(row(T.max_floor, p.max_floor_area_m2 != null ? fmt(p.max_floor_area_m2) + " m²" : "—"));
    h.push(row(T.built, fmt(p.built_footprint_m2) + " m² (POT " + fmt(p.current_pot_percent) + " %)"));
    h.push("</dl>");
    h.push("<h3>" + esc(T.restrictions) + "</h3>");
    if (!p.restrictions.length) { h.push("<p>" + esc(T.no_restrictions) + "</p>"); }
    h.push("<ul>" + p.restrictions.map(function (r) {
      return '<li data-restriction="' + esc(r.kind) + '"><strong>' + esc(r.name) + "</strong> (" + fmt(r.share_percent) +
             " % " + esc(T.share) + ")<br><small>" + esc(r.legal_basis) + "</small></li>";
    }).join("") + "</ul>");
    var q = "?parcela=" + encodeURIComponent(p.cadastral_number) + "&lang=" + config.lang;
    h.push('<div class="t-actions">' +
           '<a class="t-button" href="/cereri/noua' + q + '&tip=urbanism">' + esc(T.request_cu) + "</a>" +
           '<a class="t-button" href="/cereri/noua' + q + '&tip=nomenclatura">' + esc(T.request_cns) + "</a>" +
           '<a class="t-link" href="/?parcel=' + encodeURIComponent(p.cadastral_number) + '">' + esc(T.permalink) + "</a>" +
           '<button type="button" class="t-link" id="t-print">' + esc(T.print) + "</button></div>");
    h.push('<p class="t-note">' + esc(T.disclaimer) + "</p>");
    return h.join("");
  }

  function showPanel(html) {
    var panel = document.getElementById("t-panel");
    document.getElementById("t-panel-body").innerHTML = html;
    panel.hidden = false;
    document.body.classList.add("t-panel-open");
    var print = document.getElementById("t-print");
    if (print) { print.addEventListener("click", function () { window.print(); }); }
    var title = document.getElementById("t-panel-title");
    if (title) { title.focus(); }
    setTimeout(function () { map.invalidateSize(); }, 50);
  }

  function highlightParcel(number, uat) {
    if (highlight) { map.removeLayer(highlight); }
    return fetch(config.ogc + "/collections/parcels/items?f=json&cadastral_number=" + encodeURIComponent(number) +
                 (uat ? "&uat_siruta=" + uat : ""))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        highlight = L.geoJSON(data, { style: { color: "#00e5ff", weight: 4, fill: false }, interactive: false }).addTo(map);
        return highlight.getBounds();
      });
  }

  function openParcel(url, keepView) {
    status(T.loading);
    return fetch(url).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      status("");
      if (!res.ok) {
        if (highlight) { map.removeLayer(highlight); highlight = null; }
        showPanel('<h2 id="t-panel-title" tabindex="-1">' + esc(T.panel_title) + "</h2><p>" + esc(T.no_parcel) + "</p>");
        return;
      }
      var p = res.body;
      showPanel(sheet(p));
      history.replaceState(null, "", "?parcel=" + encodeURIComponent(p.cadastral_number) + "&lang=" + config.lang);
      highlightParcel(p.cadastral_number, p.uat_siruta).then(function (bounds) {
        if (!keepView && bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 18, padding: [20, 20] }); }
      });
    }).catch(function () { status(T.load_error); });
  }

  // -- start ----------------------------------------------------------------------------------
  function init(leafletMap, cfg) {
    map = leafletMap;
    config = cfg;
    T = cfg.texts;
    statusEl = document.getElementById("t-status");
    var control = L.control.layers({}, {}, { collapsed: true }).addTo(map);
    control.addOverlay(cfg.basemapLayer, T.orthophoto);
    cfg.overlays.forEach(function (def) {
      var layer = def.kind === "tiles" ? tileLayer(def) : def.kind === "labels" ? labelLayer(def) : geojsonLayer(def);
      control.addOverlay(layer, def.title);
      if (def.visible) { layer.addTo(map); }
    });
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
    map.on("click", function (e) {
      openParcel("/api/parcels/at?lon=" + e.latlng.lng.toFixed(7) + "&lat=" + e.latlng.lat.toFixed(7), true);
    });
    document.getElementById("t-panel-close").addEventListener("click", function () {
      document.getElementById("t-panel").hidden = true;
      document.body.classList.remove("t-panel-open");
      if (highlight) { map.removeLayer(highlight); highlight = null; }
      document.getElementById("t-search").focus();
      setTimeout(function () { map.invalidateSize(); }, 50);
    });
    setupSearch();
    var wanted = new URLSearchParams(location.search).get("parcel");
    if (wanted) { openParcel("/api/parcels/" + encodeURIComponent(wanted) + (config.uat ? "?uat=" + config.uat : "")); }
    window.teritoriuMap = map;
  }

  return { init: init };
})();
