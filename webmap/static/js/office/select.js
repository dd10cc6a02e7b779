/* Select: a click finds the current parcel there (/api/office/parcels/at) and shows its facts. */
import { esc, num, T } from "../shared/text.js";
import { addToMerge } from "./merge.js";
import { $, api, config, S, say, show } from "./state.js";

export function selectAt(latlng) {
  api("GET", "/api/office/parcels/at?uat=" + config.uat + "&lon=" + latlng.lng.toFixed(8) + "&lat=" + latlng.lat.toFixed(8))
    .then((res) => {
      if (res.status !== 200) { say(T("Nicio parcelă curentă aici."), "warning"); return; }
      if (S.mode === "merge") { addToMerge(res.body.parcel); } else { showParcel(res.body.parcel); }
    });
}

export function load(id) {
  return api("GET", "/api/office/parcels/" + id).then((res) => {
    if (res.status === 200) { showParcel(res.body.parcel); }
    return res;
  });
}

export function showParcel(p) {
  S.selected = p;
  S.layers.selection.clearLayers();
  S.layers.history.clearLayers();
  L.geoJSON(p.geometry_crs84, { style: { color: "#0055ff", weight: 3, fillOpacity: 0.1 } }).addTo(S.layers.selection);
  const retired = !!p.valid_to;
  $("t-parcel-title").textContent = T("Parcela") + " " + p.cadastral_number;
  $("t-parcel-facts").innerHTML =
    "<dt>" + T("Număr cadastral") + "</dt><dd>" + esc(p.cadastral_number) + "</dd>" +
    "<dt>" + T("Carte funciară") + "</dt><dd>" + esc(p.land_book_number || "—") + "</dd>" +
    "<dt>" + T("Categorie") + "</dt><dd>" + esc(p.use_category) + " (" + esc(config.categories[p.use_category] || "") + ")</dd>" +
    "<dt>" + T("Intravilan") + "</dt><dd>" + (p.intravilan ? T("da") : T("nu")) + "</dd>" +
    "<dt>" + T("Suprafață din acte") + "</dt><dd data-legal-area>" + num(p.legal_area) + " m²" +
      (p.legal_area_computed ? " (" + T("calculată proporțional") + ")" : "") + "</dd>" +
    "<dt>" + T("Suprafață măsurată") + "</dt><dd>" + num(p.measured_area) + " m²</dd>" +
    "<dt>" + T("Perimetru") + "</dt><dd>" + num(p.perimeter) + " m</dd>" +
    "<dt>" + T("Versiune") + "</dt><dd data-version>" + p.version + (retired ? " (" + T("retrasă") + ")" : "") + "</dd>";
  document.querySelectorAll("#t-parcel-actions button").forEach((b) => {
    b.disabled = retired && ["act-history", "act-fiscal"].indexOf(b.id) < 0;
  });
  $("t-parcel-extra").innerHTML = "";
  show("t-sec-parcel");
}
