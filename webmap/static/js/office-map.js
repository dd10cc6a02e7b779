/* The officer's map. Tools: select a parcel (click), draw a new one, type its coordinates,
   edit its vertices, split it by a line, merge it with neighbours, retire it, see and restore
   its history, see its fiscal records, add an address point, measure, check the layer and the
   registers. Every save goes to /api/office, which validates in PostGIS and answers with the
   saved parcel or the problems, located on the map (red). While drawing, clicks snap to the
   neighbours' vertices and edges (config.snap_pixels); a save with "snap" also snaps on the
   server (config.snap_m metres). */
"use strict";
window.TeritoriuOffice = (function () {
  var map, config, parcels, edited, problemsLayer, selectionLayer, historyLayer, resultsLayer, measureLayer;
  var drawn = null;        // {layer, exact: GeoJSON in the storage CRS or null (a sketch)}
  var selected = null;     // the selected parcel, as /api/office/parcels/<id> returns it
  var mergeParts = [];     // parcels chosen for a merge
  var mode = "select";     // select | draw | split | merge | address | measure | vertices
  var handler = null;      // the active Leaflet.draw handler
  var vertexEditor = null;
  var targets = { vertices: [], segments: [], exclude: null };
  var CATEGORY = { A: "arabil", P: "pășune", F: "fâneață", V: "vie", L: "livadă", PD: "pădure",
                   CC: "curți-construcții", DR: "drum", CF: "cale ferată", HR: "ape curgătoare",
                   HB: "ape stătătoare", N: "neproductiv" };
  var KIND = { overlap: "suprapunere", gap: "gol (fâșie)", invalid: "geometrie invalidă",
               duplicate: "număr dublu", parcel_without_assessment: "fără impunere",
               area_mismatch: "suprafață diferită", category_mismatch: "categorie diferită",
               plot_outside_parcels: "teren în afara parcelelor" };

  function $(id) { return document.getElementById(id); }
  // the page's language: config.t maps the Romanian text (the key) to it; {name} placeholders
  function T(text, values) {
    var out = (config.t && config.t[text]) || text;
    Object.keys(values || {}).forEach(function (k) { out = out.split("{" + k + "}").join(values[k]); });
    return out;
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function num(x, d) { return x == null ? "—" : Number(x).toLocaleString("ro-RO", { maximumFractionDigits: d == null ? 2 : d }); }

  function api(method, url, body) {
    var opts = { method: method, headers: { "X-CSRF-Token": config.csrf }, credentials: "same-origin" };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(url, opts).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      return (type.indexOf("json") >= 0 ? r.json() : r.text()).then(function (b) { return { status: r.status, body: b }; });
    });
  }

  /* ---------- panel ---------- */
  function show(sectionId) {
    ["t-sec-parcel", "t-sec-form", "t-sec-coords", "t-sec-address", "t-sec-results"].forEach(function (id) {
      $(id).hidden = id !== sectionId && !(sectionId === "t-sec-form" && id === "t-sec-parcel" && mode === "vertices");
    });
  }
  function say(html, kind) {
    $("t-status").innerHTML = html ? '<p class="t-note t-' + (kind || "info") + '">' + html + "</p>" : "";
  }
  function showProblems(list) {
    problemsLayer.clearLayers();
    var box = $("t-problems");
    if (!list || !list.length) { box.innerHTML = ""; return; }
    var label = { error: T("Eroare"), warning: T("Avertisment"), info: T("Notă") };
    box.innerHTML = "<h3>" + T("Probleme") + "</h3><ul>" + list.map(function (p) {
      return '<li data-code="' + esc(p.code) + '" class="t-' + esc(p.severity) + '"><strong>' +
             (label[p.severity] || p.severity) + ":</strong> " + esc(p.message) + "</li>";
    }).join("") + "</ul>";
    list.forEach(function (p) {
      if (p.location) {
        L.geoJSON(p.location, { style: { color: "#ff0000", weight: 3, fillOpacity: 0.5 },
          pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 8, color: "#f00" }); } }).addTo(problemsLayer);
      }
    });
  }
  function failed(res) {
    if (res.body && res.body.problems) { showProblems(res.body.problems); }
    else { showProblems([{ severity: "error", code: "request", message: (res.body && res.body.message) || T("Eroare") + " " + res.status }]); }
  }

  /* ---------- tiles and snapping targets ---------- */
  function parcelTiles() {
    return L.vectorGrid.protobuf("/ogc/collections/parcels/tiles/WebMercatorQuad/{z}/{y}/{x}?v=" + Date.now(), {
      vectorTileLayerStyles: { parcels: { color: "#d7301f", weight: 1, fill: false } },
      interactive: false, maxNativeZoom: 20, maxZoom: 22, rendererFactory: L.svg.tile
    });
  }
  function refresh() {
    map.removeLayer(parcels);
    parcels = parcelTiles().addTo(map);
    loadTargets();
  }
  function loadTargets() {
    if (map.getZoom() < 17) { targets.vertices = []; targets.segments = []; return; }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(7); }).join(",");
    api("GET", "/api/office/parcels/near?uat=" + config.uat + "&bbox=" + bbox).then(function (res) {
      if (res.status !== 200) { return; }
      var vertices = [], segments = [];
      res.body.features.forEach(function (f) {
        var polys = f.geometry.type === "MultiPolygon" ? f.geometry.coordinates : [f.geometry.coordinates];
        polys.forEach(function (poly) {
          poly.forEach(function (ring) {
            for (var i = 0; i < ring.length; i++) {
              var ll = L.latLng(ring[i][1], ring[i][0]);
              vertices.push({ ll: ll, id: f.id });
              if (i > 0) { segments.push({ a: L.latLng(ring[i - 1][1], ring[i - 1][0]), b: ll, id: f.id }); }
            }
          });
        });
      });
      targets.vertices = vertices; targets.segments = segments;
    });
  }
  // the nearest neighbour vertex within snap_pixels, else the nearest point of an edge
  function snapLatLng(latlng) {
    if (!$("t-snap").checked) { return latlng; }
    // map.project keeps the fractions of a pixel (latLngToLayerPoint rounds them: 5 cm at zoom 20)
    var z = map.getZoom(), px = function (ll) { return map.project(ll, z); };
    var p = px(latlng), tol = config.snap_pixels, best = null, bestD = tol + 1;
    targets.vertices.forEach(function (v) {
      if (v.id === targets.exclude) { return; }
      var d = px(v.ll).distanceTo(p);
      if (d < bestD) { bestD = d; best = v.ll; }
    });
    if (best) { return L.latLng(best.lat, best.lng); }
    targets.segments.forEach(function (s) {
      if (s.id === targets.exclude) { return; }
      var q = L.LineUtil.closestPointOnSegment(p, px(s.a), px(s.b)), d = q.distanceTo(p);
      if (d < bestD) { bestD = d; best = map.unproject(q, z); }
    });
    return best || latlng;
  }

  /* ---------- modes ---------- */
  function stopHandler() {
    if (handler) { handler.disable(); handler = null; }
  }
  function setMode(m) {
    stopHandler();
    if (vertexEditor && m !== "vertices") { vertexEditor.disable(); vertexEditor = null; edited.clearLayers(); }
    mode = m;
    document.querySelectorAll(".t-tools button").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-mode") === m ? "true" : "false");
    });
    map.getContainer().style.cursor = m === "select" || m === "merge" ? "pointer" : "";
  }
  function startDrawing(kind, m) {
    setMode(m);
    var options = { allowIntersection: false, showArea: true, metric: true, showLength: true,
                    shapeOptions: { color: m === "split" ? "#7b2cbf" : "#0055ff", weight: 3 } };
    handler = kind === "polyline" ? new L.Draw.Polyline(map, options)
            : kind === "marker" ? new L.Draw.Marker(map, {})
            : new L.Draw.Polygon(map, options);
    handler.enable();
  }

  /* ---------- selecting ---------- */
  function selectAt(latlng) {
    api("GET", "/api/office/parcels/at?uat=" + config.uat + "&lon=" + latlng.lng.toFixed(8) + "&lat=" + latlng.lat.toFixed(8))
      .then(function (res) {
        if (res.status !== 200) { say(T("Nicio parcelă curentă aici."), "warning"); return; }
        if (mode === "merge") { addToMerge(res.body.parcel); } else { showParcel(res.body.parcel); }
      });
  }
  function load(id) {
    return api("GET", "/api/office/parcels/" + id).then(function (res) {
      if (res.status === 200) { showParcel(res.body.parcel); }
      return res;
    });
  }
  function showParcel(p) {
    selected = p;
    selectionLayer.clearLayers();
    historyLayer.clearLayers();
    L.geoJSON(p.geometry_crs84, { style: { color: "#0055ff", weight: 3, fillOpacity: 0.1 } }).addTo(selectionLayer);
    var retired = !!p.valid_to;
    $("t-parcel-title").textContent = T("Parcela") + " " + p.cadastral_number;
    $("t-parcel-facts").innerHTML =
      "<dt>" + T("Număr cadastral") + "</dt><dd>" + esc(p.cadastral_number) + "</dd>" +
      "<dt>" + T("Carte funciară") + "</dt><dd>" + esc(p.land_book_number || "—") + "</dd>" +
      "<dt>" + T("Categorie") + "</dt><dd>" + esc(p.use_category) + " (" + esc(CATEGORY[p.use_category] || "") + ")</dd>" +
      "<dt>" + T("Intravilan") + "</dt><dd>" + (p.intravilan ? T("da") : T("nu")) + "</dd>" +
      "<dt>" + T("Suprafață din acte") + "</dt><dd>" + num(p.legal_area) + " m²</dd>" +
      "<dt>" + T("Suprafață măsurată") + "</dt><dd>" + num(p.measured_area) + " m²</dd>" +
      "<dt>" + T("Perimetru") + "</dt><dd>" + num(p.perimeter) + " m</dd>" +
      "<dt>" + T("Versiune") + "</dt><dd data-version>" + p.version + (retired ? " (" + T("retrasă") + ")" : "") + "</dd>";
    document.querySelectorAll("#t-parcel-actions button").forEach(function (b) {
      b.disabled = retired && ["act-history", "act-fiscal"].indexOf(b.id) < 0;
    });
    $("t-parcel-extra").innerHTML = "";
    show("t-sec-parcel");
  }

  /* ---------- new parcel: drawn or typed ---------- */
  function openForm(title, values) {
    values = values || {};
    $("t-edit-title").textContent = title;
    var f = $("t-edit-form");
    f.cadastral_number.value = values.cadastral_number || "";
    f.legal_area.value = values.legal_area || "";
    f.use_category.value = values.use_category || "CC";
    f.intravilan.checked = values.intravilan == null ? true : !!values.intravilan;
    f.accept_warnings.checked = false;
    $("f-number").disabled = mode === "vertices";
    show("t-sec-form");
    (mode === "vertices" ? $("f-save") : $("f-number")).focus();
  }
  function setDrawn(layer, exact) {
    if (drawn) { edited.removeLayer(drawn.layer); }
    drawn = { layer: layer, exact: exact };
    edited.addLayer(layer);
  }
  function clearDrawn() {
    if (drawn) { edited.removeLayer(drawn.layer); drawn = null; }
  }
  function save(e) {
    e.preventDefault();
    var f = e.target, body = {
      legal_area: f.legal_area.value ? Number(f.legal_area.value) : null,
      use_category: f.use_category.value, intravilan: f.intravilan.checked,
      accept_warnings: f.accept_warnings.checked, snap: $("t-snap").checked
    };
    var request;
    if (mode === "vertices") {
      var layer = edited.getLayers()[0];
      body.version = selected.version;
      body.geometry = layer.toGeoJSON(false).geometry;
      body.crs = "EPSG:4326";
      request = api("PUT", "/api/office/parcels/" + selected.id, body);
    } else {
      if (!drawn) { return; }
      body.uat = config.uat;
      body.cadastral_number = f.cadastral_number.value.trim();
      if (drawn.exact) { body.geometry = drawn.exact; body.crs = "EPSG:" + config.srid; }
      else { body.geometry = drawn.layer.toGeoJSON(false).geometry; body.crs = "EPSG:4326"; }
      request = api("POST", "/api/office/parcels", body);
    }
    request.then(function (res) {
      if (res.status === 200 || res.status === 201) {
        var p = res.body.parcel;
        clearDrawn();
        setMode("select");
        refresh();
        load(p.id).then(function () {
          showProblems(res.body.problems || []);
          say('<span data-saved="' + esc(p.cadastral_number) + '">' +
              esc(T("Parcela {n} a fost salvată (versiunea {v}).", { n: p.cadastral_number, v: p.version })) + "</span>");
        });
      } else if (res.status === 409) {
        showProblems([{ severity: "error", code: "conflict", location: null,
          message: T("Parcela a fost modificată între timp (acum versiunea {v}): {what}. Reîncărcați parcela.",
                     { v: res.body.current.version, what: res.body.changed.join(", ") || T("retrasă") }) }]);
      } else { failed(res); }
    });
  }
  function cancelForm() {
    clearDrawn();
    setMode("select");
    showProblems([]);
    if (selected) { showParcel(selected); } else { show(null); }
  }
  function typedCoordinates(e) {
    e.preventDefault();
    api("POST", "/api/office/coordinates", { uat: config.uat, text: $("t-coords").value }).then(function (res) {
      if (res.status !== 200) { failed(res); return; }
      setMode("draw");
      var layer = L.geoJSON(res.body.geometry_crs84).getLayers()[0];
      setDrawn(layer, res.body.geometry);
      map.fitBounds(layer.getBounds(), { maxZoom: 19 });
      showProblems(res.body.notes.map(function (n) { return { severity: "warning", code: "axes", message: n }; }));
      openForm(T("Parcelă din coordonate"));
    });
  }

  /* ---------- the selected parcel's actions ---------- */
  function editVertices() {
    var g = selected.geometry_crs84;
    if (g.type === "MultiPolygon" && g.coordinates.length > 1) {
      say(T("Parcela are mai multe părți: modificați-o prin coordonate."), "warning"); return;
    }
    setMode("vertices");
    targets.exclude = selected.id;
    var rings = (g.type === "MultiPolygon" ? g.coordinates[0] : g.coordinates).map(function (r) {
      return r.slice(0, -1).map(function (c) { return [c[1], c[0]]; });
    });
    edited.clearLayers();
    var poly = L.polygon(rings, { color: "#0055ff", weight: 3 });
    edited.addLayer(poly);
    vertexEditor = new L.EditToolbar.Edit(map, { featureGroup: edited });
    vertexEditor.enable();
    openForm(T("Modifică parcela {n}", { n: selected.cadastral_number }), selected);
  }
  function startSplit() {
    targets.exclude = null;
    startDrawing("polyline", "split");
    say(T("Desenați linia de împărțire peste parcelă, de la o latură la alta (dublu clic termină)."));
  }
  function split(line) {
    api("POST", "/api/office/parcels/" + selected.id + "/split",
        { version: selected.version, line: line.toGeoJSON(false).geometry, crs: "EPSG:4326" }).then(function (res) {
      setMode("select");
      if (res.status !== 200) { failed(res); return; }
      refresh();
      var list = res.body.parcels.map(function (p) { return esc(p.cadastral_number) + " (" + num(p.measured_area) + " m²)"; });
      load(res.body.parcels[0].id).then(function () {
        say('<span data-split="' + res.body.parcels.length + '">' + T("Parcela a fost împărțită în: {list}.", { list: list.join(", ") }) + "</span>");
      });
    });
  }
  function startMerge() {
    setMode("merge");
    mergeParts = [selected];
    $("t-parcel-extra").innerHTML = "<h3>" + T("Unire") + "</h3><p>" + T("Clic pe parcelele vecine de unit.") + '</p><ul id="t-merge-list"><li>' +
      esc(selected.cadastral_number) + '</li></ul><form id="t-merge-form"><p><label for="m-number">' + T("Număr cadastral nou") + "</label>" +
      '<input id="m-number" required></p><p><button class="t-button" id="m-save">' + T("Unește") + "</button></p></form>";
    $("t-merge-form").addEventListener("submit", function (e) {
      e.preventDefault();
      api("POST", "/api/office/parcels/merge", {
        parcels: mergeParts.map(function (p) { return { id: p.id, version: p.version }; }),
        cadastral_number: $("m-number").value.trim(), use_category: selected.use_category,
        intravilan: selected.intravilan, accept_warnings: true
      }).then(function (res) {
        if (res.status !== 200) { failed(res); return; }
        setMode("select");
        refresh();
        load(res.body.parcel.id).then(function () {
          say('<span data-merged="' + esc(res.body.parcel.cadastral_number) + '">' +
              esc(T("Parcelele au fost unite în {n}.", { n: res.body.parcel.cadastral_number })) + "</span>");
        });
      });
    });
  }
  function addToMerge(p) {
    if (mergeParts.some(function (q) { return q.id === p.id; })) { return; }
    mergeParts.push(p);
    L.geoJSON(p.geometry_crs84, { style: { color: "#ff8800", weight: 3, fillOpacity: 0.15 } }).addTo(selectionLayer);
    $("t-merge-list").insertAdjacentHTML("beforeend", "<li>" + esc(p.cadastral_number) + "</li>");
  }
  function retire() {
    if (!window.confirm(T("Retrageți parcela {n}? Rămâne în istoric.", { n: selected.cadastral_number }))) { return; }
    api("DELETE", "/api/office/parcels/" + selected.id + "?version=" + selected.version).then(function (res) {
      if (res.status !== 200) { failed(res); return; }
      refresh();
      load(selected.id).then(function () { say(T("Parcela a fost retrasă.")); });
    });
  }
  function history() {
    api("GET", "/api/office/parcels/" + selected.id + "/history").then(function (res) {
      if (res.status !== 200) { failed(res); return; }
      var versions = res.body.versions, lin = res.body.lineage;
      var rows = versions.map(function (v, i) {
        var current = i === versions.length - 1 && !v.valid_to;
        return '<tr data-version="' + v.version + '"><td>' + v.version + "</td><td>" + esc(v.valid_from.slice(0, 16).replace("T", " ")) +
          "</td><td>" + esc(v.cadastral_number) + "</td><td>" + num(v.measured_area) + "</td><td>" +
          '<button type="button" class="t-link" data-show="' + i + '">' + T("Arată") + "</button>" +
          (current || selected.valid_to ? "" : ' <button type="button" class="t-link" data-restore="' + v.version + '">' + T("Restaurează") + "</button>") +
          "</td></tr>";
      }).join("");
      var links = function (list, label) {
        return list.length ? "<p>" + label + " " + list.map(function (x) {
          return '<button type="button" class="t-link" data-parcel="' + x.id + '">' + esc(x.cadastral_number) + "</button>";
        }).join(", ") + "</p>" : "";
      };
      $("t-parcel-extra").innerHTML = "<h3>" + T("Istoric") + '</h3><table class="t-table"><tr><th>V.</th><th>' + T("De la") + "</th><th>" + T("Număr") + "</th>" +
        "<th>m²</th><th></th></tr>" + rows + "</table>" + links(lin.from, T("Provine din:")) + links(lin.into, T("A devenit:"));
      $("t-parcel-extra").querySelectorAll("[data-show]").forEach(function (b) {
        b.addEventListener("click", function () {
          historyLayer.clearLayers();
          L.geoJSON(versions[Number(b.getAttribute("data-show"))].geometry,
                    { style: { color: "#6a0dad", weight: 3, dashArray: "6 4", fillOpacity: 0.05 } }).addTo(historyLayer);
        });
      });
      $("t-parcel-extra").querySelectorAll("[data-restore]").forEach(function (b) {
        b.addEventListener("click", function () {
          api("POST", "/api/office/parcels/" + selected.id + "/restore", { version: Number(b.getAttribute("data-restore")) })
            .then(function (r) {
              if (r.status !== 200) { failed(r); return; }
              refresh();
              load(selected.id).then(function () { say(T("Versiunea {v} a fost restaurată.", { v: b.getAttribute("data-restore") })); });
            });
        });
      });
      $("t-parcel-extra").querySelectorAll("[data-parcel]").forEach(function (b) {
        b.addEventListener("click", function () { load(Number(b.getAttribute("data-parcel"))); });
      });
    });
  }
  function fiscal() {
    api("GET", "/api/office/parcels/" + selected.id + "/fiscal").then(function (res) {
      if (res.status !== 200) { failed(res); return; }
      var v = res.body, table = function (title, rows, cols) {
        if (!rows || !rows.length) { return "<h4>" + T(title) + "</h4><p>—</p>"; }
        return "<h4>" + T(title) + '</h4><table class="t-table"><tr>' + cols.map(function (c) { return "<th>" + T(c[1]) + "</th>"; }).join("") +
          "</tr>" + rows.map(function (r) {
            return "<tr>" + cols.map(function (c) { return "<td>" + esc(r[c[0]]) + "</td>"; }).join("") + "</tr>";
          }).join("") + "</table>";
      };
      $("t-parcel-extra").innerHTML = "<h3>" + T("Date fiscale") + '</h3><p class="t-note">' + T("Date personale: consultarea este înregistrată.") + "</p>" +
        table("Registrul agricol", v.plots, [["year", "An"], ["register_position", "Poziție"], ["tarla", "Tarla"],
              ["parcel_no", "Parcela"], ["use_category", "Cat."], ["declared_area", "m²"], ["holder", "Deținător"]]) +
        table("Impozit pe teren", v.assessments, [["year", "An"], ["taxpayer", "Contribuabil"], ["id_code", "CNP/CUI"],
              ["tax_account", "Rol"], ["area", "m²"], ["amount", "Lei"], ["due", "Rest"]]);
    });
  }
  function proposeNumber() {
    api("GET", "/api/office/parcels/" + selected.id + "/address-proposal").then(function (res) {
      if (res.status !== 200) { failed(res); return; }
      var b = res.body;
      $("t-parcel-extra").innerHTML = "<h3>" + T("Adresă propusă") + "</h3><p data-proposal>" +
        esc(T("{label} (partea cu numere {side}, între {a} și {b})", { label: b.label, side: T(b.side === "odd" ? "impare" : "pare"),
                                                                      a: b.between[0] || "—", b: b.between[1] || "—" })) +
        '</p><p><button type="button" class="t-button" id="p-add">' + T("Adaugă punctul de adresă") + "</button></p>";
      $("p-add").addEventListener("click", function () {
        startAddress({ street_id: b.street_id, number: b.number, suffix: b.suffix.replace("/", "") === b.suffix ? b.suffix : "" });
      });
    });
  }

  /* ---------- address points ---------- */
  var preset = null;
  function startAddress(values) {
    preset = values || null;
    startDrawing("marker", "address");
    say(T("Clic pe hartă unde este intrarea (punctul de adresă)."));
  }
  function addressForm(marker) {
    setDrawn(marker, null);
    api("GET", "/api/office/streets?uat=" + config.uat).then(function (res) {
      $("a-street").innerHTML = res.body.streets.map(function (s) {
        return '<option value="' + s.id + '">' + esc(s.label) + "</option>";
      }).join("");
      if (preset) { $("a-street").value = String(preset.street_id); $("a-number").value = preset.number; $("a-suffix").value = preset.suffix || ""; }
      show("t-sec-address");
      $("a-number").focus();
    });
  }
  function saveAddress(e) {
    e.preventDefault();
    var ll = drawn.layer.getLatLng();
    api("POST", "/api/office/address-points", {
      uat: config.uat, street_id: Number($("a-street").value), number: Number($("a-number").value),
      suffix: $("a-suffix").value.trim(), postal_code: $("a-postal").value.trim() || null,
      geometry: { type: "Point", coordinates: [ll.lng, ll.lat] }, crs: "EPSG:4326"
    }).then(function (res) {
      if (res.status !== 201) { failed(res); return; }
      clearDrawn();
      setMode("select");
      showProblems(res.body.problems);
      say('<span data-address="' + esc(res.body.address.label) + '">' + esc(T("Adresa {a} a fost adăugată.", { a: res.body.address.label })) + "</span>");
      show(selected ? "t-sec-parcel" : null);
    });
  }

  /* ---------- measuring (in the storage CRS, on the server: the plan's own distances) ---------- */
  function measure(layer) {
    api("POST", "/api/office/measure", { geometry: layer.toGeoJSON(false).geometry, crs: "EPSG:4326" }).then(function (res) {
      if (res.status !== 200) { failed(res); return; }
      var polygon = layer instanceof L.Polygon;
      say("<span data-measure>" + (polygon ? T("Suprafață {a} m², perimetru {p} m", { a: num(res.body.area_m2), p: num(res.body.length_m) })
                                           : T("Lungime {l} m", { l: num(res.body.length_m) })) + " (Stereo 70)</span>");
    });
  }

  /* ---------- checking the layer and the registers ---------- */
  function resultsTable(title, rows, cols, kindOf, download) {
    resultsLayer.clearLayers();
    var kinds = {};
    rows.forEach(function (r) { kinds[kindOf(r)] = (kinds[kindOf(r)] || 0) + 1; });
    var filter = '<p><label for="r-kind">' + T("Tip") + '</label> <select id="r-kind"><option value="">' + T("toate") + " (" + rows.length + ")</option>" +
      Object.keys(kinds).map(function (k) { return '<option value="' + esc(k) + '">' + esc(T(KIND[k] || k)) + " (" + kinds[k] + ")</option>"; }).join("") +
      "</select> " + download + "</p>";
    $("t-results").innerHTML = "<h3>" + T(title) + "</h3>" + filter + '<table class="t-table" id="r-table"><tr>' +
      cols.map(function (c) { return "<th>" + T(c[1]) + "</th>"; }).join("") + "</tr>" +
      rows.map(function (r, i) {
        return '<tr data-kind="' + esc(kindOf(r)) + '" data-row="' + i + '" tabindex="0">' + cols.map(function (c) {
          var v = typeof c[0] === "function" ? c[0](r) : r[c[0]];
          return "<td>" + esc(v) + "</td>";
        }).join("") + "</tr>";
      }).join("") + "</table>";
    var layers = rows.map(function (r) {
      var l = r.location ? L.geoJSON(r.location, { style: { color: "#e00000", weight: 3, fillOpacity: 0.4 },
                                                  pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 7, color: "#e00000" }); } })
                         : L.circleMarker([r.lat, r.lon], { radius: 7, color: "#e07000", fillOpacity: 0.6 });
      l.addTo(resultsLayer);
      return l;
    });
    $("r-kind").addEventListener("change", function () {
      var k = this.value;
      rows.forEach(function (r, i) {
        var visible = !k || kindOf(r) === k;
        $("r-table").querySelector('[data-row="' + i + '"]').hidden = !visible;
        if (visible) { resultsLayer.addLayer(layers[i]); } else { resultsLayer.removeLayer(layers[i]); }
      });
    });
    $("r-table").querySelectorAll("[data-row]").forEach(function (tr) {
      var go = function () {
        var l = layers[Number(tr.getAttribute("data-row"))];
        if (l.getBounds) { map.fitBounds(l.getBounds(), { maxZoom: 19 }); } else { map.setView(l.getLatLng(), 19); }
      };
      tr.addEventListener("click", go);
      tr.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
    });
    show("t-sec-results");
  }
  function checkLayer() {
    setMode("select");
    var body = { uat: config.uat };
    if (drawn && drawn.layer.toGeoJSON(false).geometry.type === "Polygon") { body.area = drawn.layer.toGeoJSON(false).geometry; }
    say(T("Se verifică stratul…"));
    api("POST", "/api/office/topology", body).then(function (res) {
      if (res.status !== 200) { failed(res); return; }
      say('<span data-checked="' + res.body.count + '">' + T(body.area ? "{n} probleme găsite în zona desenată." : "{n} probleme găsite în UAT.", { n: res.body.count }) + "</span>");
      resultsTable("Verificarea stratului", res.body.problems,
        [[function (r) { return T(KIND[r.kind] || r.kind); }, "Tip"], [function (r) { return r.cadastral_numbers.join(", "); }, "Parcele"],
         [function (r) { return num(r.area_m2); }, "m²"]],
        function (r) { return r.kind; },
        '<button type="button" class="t-link" id="r-csv">CSV</button> <button type="button" class="t-link" id="r-gpkg">GeoPackage</button>');
      var download = function (format, name) {
        fetch("/api/office/topology?format=" + format, { method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrf }, body: JSON.stringify(body) })
          .then(function (r) { return r.blob(); }).then(function (blob) {
            var a = document.createElement("a");
            a.href = URL.createObjectURL(blob); a.download = name; a.click();
          });
      };
      $("r-csv").addEventListener("click", function () { download("csv", "verificare-strat.csv"); });
      $("r-gpkg").addEventListener("click", function () { download("gpkg", "verificare-strat.gpkg"); });
    });
  }
  function discrepancies() {
    setMode("select");
    var url = "/api/office/discrepancies?uat=" + config.uat + "&year=" + config.year;
    api("GET", url).then(function (res) {
      if (res.status !== 200) { failed(res); return; }
      say('<span data-discrepancies="' + res.body.count + '">' + T("{n} discrepanțe între registre ({y}).", { n: res.body.count, y: config.year }) + "</span>");
      resultsTable("Discrepanțe cadastru – registru agricol – impozit", res.body.discrepancies,
        [[function (r) { return T(KIND[r.kind] || r.kind); }, "Tip"], ["cadastral_number", "Nr. cadastral"], ["plot_id", "Poziție RA"], ["detail", "Detaliu"]],
        function (r) { return r.kind; }, '<a class="t-link" href="' + url + '&format=csv">CSV</a>');
    });
  }

  /* ---------- wiring ---------- */
  function init(leafletMap, cfg) {
    map = leafletMap;
    config = cfg;
    document.body.classList.add("t-office-map");
    map.invalidateSize();
    parcels = parcelTiles().addTo(map);
    measureLayer = L.featureGroup().addTo(map);
    resultsLayer = L.featureGroup().addTo(map);
    historyLayer = L.featureGroup().addTo(map);
    selectionLayer = L.featureGroup().addTo(map);
    problemsLayer = L.featureGroup().addTo(map);
    edited = new L.FeatureGroup().addTo(map);
    $("t-snap-label").textContent = T("lipește de vecini ({px} px pe hartă, {m} m la salvare)", { px: cfg.snap_pixels, m: cfg.snap_m });

    var addVertex = L.Draw.Polyline.prototype.addVertex;
    L.Draw.Polyline.prototype.addVertex = function (latlng) { return addVertex.call(this, snapLatLng(latlng)); };
    map.on(L.Draw.Event.EDITVERTEX, function (e) {
      e.layers.eachLayer(function (marker) {
        if (!marker._origLatLng) { return; }
        var s = snapLatLng(marker.getLatLng());
        if (!s.equals(marker.getLatLng())) { marker.setLatLng(s); L.extend(marker._origLatLng, s); }
      });
      e.poly.redraw();
    });
    map.on("moveend", loadTargets);
    loadTargets();

    map.on(L.Draw.Event.CREATED, function (e) {
      handler = null;
      if (mode === "split") { split(e.layer); return; }
      if (mode === "address") { addressForm(e.layer); return; }
      if (mode === "measure") {
        measureLayer.clearLayers();
        measureLayer.addLayer(e.layer);
        measure(e.layer);
        setMode("select");
        return;
      }
      setDrawn(e.layer, null);
      openForm(T("Parcelă nouă"));
    });
    map.on("click", function (e) {
      if (handler) { return; }
      if (mode === "select" || mode === "merge") { selectAt(e.latlng); }
    });

    var tools = {
      select: function () { setMode("select"); say(T("Clic pe o parcelă pentru a o selecta.")); },
      draw: function () { targets.exclude = null; startDrawing("polygon", "draw"); },
      coords: function () { setMode("select"); show("t-sec-coords"); $("t-coords").focus(); },
      length: function () { startDrawing("polyline", "measure"); },
      area: function () { startDrawing("polygon", "measure"); },
      address: function () { startAddress(null); },
      check: checkLayer,
      discrepancies: discrepancies
    };
    document.querySelectorAll(".t-tools button").forEach(function (b) {
      b.addEventListener("click", function () { tools[b.getAttribute("data-tool")](); });
    });
    var actions = { "act-vertices": editVertices, "act-split": startSplit, "act-merge": startMerge, "act-retire": retire,
                    "act-history": history, "act-fiscal": fiscal, "act-propose": proposeNumber };
    Object.keys(actions).forEach(function (id) { $(id).addEventListener("click", actions[id]); });
    $("t-edit-form").addEventListener("submit", save);
    $("f-cancel").addEventListener("click", cancelForm);
    $("t-coords-form").addEventListener("submit", typedCoordinates);
    $("t-address-form").addEventListener("submit", saveAddress);
    $("a-cancel").addEventListener("click", cancelForm);
    setMode("select");
    window.teritoriuMap = map;
  }

  return { init: init, snap: snapLatLng };
})();
