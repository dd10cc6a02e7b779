/* The officer's map: draw a parcel, type its attributes, save; the server validates in PostGIS
   and answers with problems located on the map (red) or the saved parcel. */
"use strict";
window.TeritoriuOffice = (function () {
  var map, config, drawn, problemsLayer, parcels;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function parcelTiles() {
    return L.vectorGrid.protobuf("/ogc/collections/parcels/tiles/WebMercatorQuad/{z}/{y}/{x}?v=" + Date.now(), {
      vectorTileLayerStyles: { parcels: { color: "#d7301f", weight: 1, fill: false } },
      interactive: false, maxNativeZoom: 20, maxZoom: 22, rendererFactory: L.svg.tile
    });
  }

  function showProblems(list) {
    problemsLayer.clearLayers();
    var box = document.getElementById("t-problems");
    if (!list.length) { box.innerHTML = ""; return; }
    box.innerHTML = "<h3>Probleme</h3><ul>" + list.map(function (p) {
      return '<li data-code="' + esc(p.code) + '" class="t-' + esc(p.severity) + '"><strong>' +
             (p.severity === "error" ? "Eroare" : "Avertisment") + ":</strong> " + esc(p.message) + "</li>";
    }).join("") + "</ul>";
    list.forEach(function (p) {
      if (p.location) {
        L.geoJSON(p.location, { style: { color: "#ff0000", weight: 3, fillOpacity: 0.5 },
                                pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 8, color: "#f00" }); }
        }).addTo(problemsLayer);
      }
    });
  }

  function save(e) {
    e.preventDefault();
    if (!drawn) { return; }
    var f = e.target;
    var body = {
      uat: config.uat, crs: "EPSG:4326", geometry: drawn.toGeoJSON().geometry,
      cadastral_number: f.cadastral_number.value.trim(),
      legal_area: f.legal_area.value ? Number(f.legal_area.value) : null,
      use_category: f.use_category.value, intravilan: f.intravilan.checked,
      accept_warnings: f.accept_warnings.checked
    };
    fetch("/api/office/parcels", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (res) {
        if (res.status === 201) {
          showProblems(res.body.problems || []);
          document.getElementById("t-problems").insertAdjacentHTML("afterbegin",
            '<p class="t-note" data-saved="' + esc(res.body.parcel.cadastral_number) + '">Parcela ' +
            esc(res.body.parcel.cadastral_number) + " a fost salvată (versiunea " + res.body.parcel.version + ").</p>");
          map.removeLayer(drawn); drawn = null;
          map.removeLayer(parcels); parcels = parcelTiles().addTo(map);
        } else if (res.body.problems) {
          showProblems(res.body.problems);
        } else {
          showProblems([{ severity: "error", code: "request", message: res.body.message || "Eroare", location: null }]);
        }
      });
  }

  function init(leafletMap, cfg) {
    map = leafletMap;
    config = cfg;
    parcels = parcelTiles().addTo(map);
    problemsLayer = L.featureGroup().addTo(map);
    var edited = new L.FeatureGroup().addTo(map);
    map.addControl(new L.Control.Draw({
      draw: { polygon: { allowIntersection: false, showArea: true }, polyline: false, rectangle: false,
              circle: false, marker: false, circlemarker: false },
      edit: { featureGroup: edited, remove: false }
    }));
    map.on(L.Draw.Event.CREATED, function (e) {
      if (drawn) { edited.removeLayer(drawn); }
      drawn = e.layer;
      edited.addLayer(drawn);
      document.getElementById("t-panel").hidden = false;
      document.body.classList.add("t-panel-open");
      document.getElementById("f-number").focus();
    });
    document.getElementById("t-edit-form").addEventListener("submit", save);
    document.getElementById("f-cancel").addEventListener("click", function () {
      if (drawn) { edited.removeLayer(drawn); drawn = null; }
      showProblems([]);
      document.getElementById("t-panel").hidden = true;
      document.body.classList.remove("t-panel-open");
    });
    window.teritoriuMap = map;
  }

  return { init: init };
})();
