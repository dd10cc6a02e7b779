/* Merge: the selected parcel and the neighbours clicked next become one new parcel. */
import { esc, T, textElement } from "../shared/text.js";
import { load } from "./select.js";
import { $, api, failed, refresh, S, say, setMode } from "./state.js";

export function startMerge() {
  const selected = S.selected;
  setMode("merge");
  S.mergeParts = [selected];
  $("t-parcel-extra").innerHTML = "<h3>" + T("Unire") + "</h3><p>" + T("Clic pe parcelele vecine de unit.") + '</p><ul id="t-merge-list"><li>' +
    esc(selected.cadastral_number) + '</li></ul><form id="t-merge-form"><p><label for="m-number">' + T("Număr cadastral nou") + "</label>" +
    '<input id="m-number" required></p><p><button class="t-button" id="m-save">' + T("Unește") + "</button></p></form>";
  $("t-merge-form").addEventListener("submit", (e) => {
    e.preventDefault();
    api("POST", "/api/office/parcels/merge", {
      parcels: S.mergeParts.map((p) => ({ id: p.id, version: p.version })),
      cadastral_number: $("m-number").value.trim(), use_category: selected.use_category,
      intravilan: selected.intravilan, accept_warnings: true
    }).then((res) => {
      if (res.status !== 200) { failed(res); return; }
      setMode("select");
      refresh();
      load(res.body.parcel.id).then(() => {
        say('<span data-merged="' + esc(res.body.parcel.cadastral_number) + '">' +
            esc(T("Parcelele au fost unite în {n}.", { n: res.body.parcel.cadastral_number })) + "</span>");
      });
    });
  });
}

export function addToMerge(p) {
  if (S.mergeParts.some((q) => q.id === p.id)) { return; }
  S.mergeParts.push(p);
  L.geoJSON(p.geometry_crs84, { style: { color: "#ff8800", weight: 3, fillOpacity: 0.15 } }).addTo(S.layers.selection);
  $("t-merge-list").appendChild(textElement(p.cadastral_number, "li"));
}
