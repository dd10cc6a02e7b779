/* History: the selected parcel's versions (show one on the map, restore one) and its lineage. */
import { esc, num, T, when } from "../shared/text.js";
import { saveWithPreview } from "./links.js";
import { load } from "./select.js";
import { $, api, failed, refresh, S, say, showProblems } from "./state.js";

export function history() {
  const selected = S.selected;
  api("GET", "/api/office/parcels/" + selected.id + "/history").then((res) => {
    if (res.status !== 200) { failed(res); return; }
    const versions = res.body.versions, lin = res.body.lineage;
    const rows = versions.map((v, i) => {
      const current = i === versions.length - 1 && !v.valid_to;
      return '<tr data-version="' + v.version + '"><td>' + v.version + "</td><td>" + esc(when(v.valid_from)) +
        "</td><td>" + esc(v.cadastral_number) + "</td><td>" + num(v.measured_area) + "</td><td>" +
        '<button type="button" class="t-link" data-show="' + i + '">' + T("Arată") + "</button>" +
        (current || selected.valid_to ? "" : ' <button type="button" class="t-link" data-restore="' + v.version + '">' + T("Restaurează") + "</button>") +
        "</td></tr>";
    }).join("");
    const links = (list, label) => (list.length ? "<p>" + label + " " + list.map((x) => (
      '<button type="button" class="t-link" data-parcel="' + x.id + '">' + esc(x.cadastral_number) + "</button>")).join(", ") + "</p>" : "");
    const extra = $("t-parcel-extra");
    extra.innerHTML = "<h3>" + T("Istoric") + '</h3><table class="t-table"><tr><th>V.</th><th>' + T("De la") + "</th><th>" + T("Număr") + "</th>" +
      "<th>m²</th><th></th></tr>" + rows + "</table>" + links(lin.from, T("Provine din:")) + links(lin.into, T("A devenit:"));
    extra.querySelectorAll("[data-show]").forEach((b) => {
      b.addEventListener("click", () => {
        S.layers.history.clearLayers();
        L.geoJSON(versions[Number(b.getAttribute("data-show"))].geometry,
                  { style: { color: "#6a0dad", weight: 3, dashArray: "6 4", fillOpacity: 0.05 } }).addTo(S.layers.history);
      });
    });
    extra.querySelectorAll("[data-restore]").forEach((b) => {
      b.addEventListener("click", () => {
        saveWithPreview("POST", "/api/office/parcels/" + S.selected.id + "/restore", { version: Number(b.getAttribute("data-restore")) })
          .then((r) => {
            if (!r) { return; }
            if (r.status !== 200) { failed(r); return; }
            refresh();
            load(S.selected.id).then(() => {
              showProblems(r.body.problems || []);
              say(T("Versiunea {v} a fost restaurată.", { v: b.getAttribute("data-restore") }));
            });
          });
      });
    });
    extra.querySelectorAll("[data-parcel]").forEach((b) => {
      b.addEventListener("click", () => { load(Number(b.getAttribute("data-parcel"))); });
    });
  });
}
