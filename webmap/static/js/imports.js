/* Imports: the upload form (drag and drop, progress, then the report page) and the review map
   of a staged import (what would change, coloured by change). */
"use strict";
window.TeritoriuImports = (function () {
  var COLORS = { "new": "#1a9641", changed: "#f07c00", retired: "#d7191c" };

  function upload(form) {
    var drop = document.getElementById("u-drop"), input = document.getElementById("u-file");
    ["dragenter", "dragover"].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("t-over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      drop.addEventListener(t, function () { drop.classList.remove("t-over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(input.files[0].name); }
    });
    input.addEventListener("change", function () { if (input.files.length) { show(input.files[0].name); } });
    function show(name) { document.getElementById("u-status").textContent = "Fișier: " + name; }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var data = new FormData(form), xhr = new XMLHttpRequest(), bar = document.getElementById("u-progress");
      var status = document.getElementById("u-status");
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) { bar.value = Math.round(100 * ev.loaded / ev.total); }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = { message: xhr.statusText }; }
        if (xhr.status === 202) {
          status.textContent = "Încărcat; se verifică…";
          window.location.href = "/office/imports/" + body.id;
        } else {
          status.textContent = "Eroare: " + (body.message || xhr.status);
        }
      });
      xhr.addEventListener("error", function () { status.textContent = "Încărcarea a eșuat (rețea)."; });
      xhr.open("POST", "/api/imports");
      xhr.setRequestHeader("X-CSRF-Token", data.get("csrf"));
      xhr.send(data);
    });
  }

  function review(map, config) {
    window.teritoriuMap = map;
    if (config.status === "running") {  // the check is still running: look again shortly
      setTimeout(function () {
        fetch("/api/imports/" + config.job, { credentials: "same-origin" }).then(function (r) { return r.json(); })
          .then(function (job) { if (job.status !== "running") { window.location.reload(); } else { review(map, config); } });
      }, 1000);
      return;
    }
    fetch("/api/imports/" + config.job + "/features", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        if (!fc.features || !fc.features.length) { return; }
        var layer = L.geoJSON(fc, {
          style: function (f) { return { color: COLORS[f.properties.change] || "#555", weight: 2, fillOpacity: 0.25 }; },
          pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 6, color: COLORS[f.properties.change] }); },
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.key + " (" + f.properties.change + ")"); }
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { maxZoom: 19 });
        document.body.setAttribute("data-staged", fc.features.length);
      });
  }

  var form = document.getElementById("t-upload");
  if (form) { upload(form); }
  return { review: review };
})();
