/* Draw: a new parcel drawn on the map (or typed, coords.js), then its attributes in the form;
   the same form saves a parcel whose vertices were moved (vertices.js). */
import { esc, T } from "../shared/text.js";
import { linksHtml, saveWithPreview } from "./links.js";
import { load, showParcel } from "./select.js";
import { $, clearDrawn, config, failed, refresh, S, say, setMode, show, showProblems, startDrawing } from "./state.js";

export function startDraw() {
  S.targets.exclude = null;
  startDrawing("polygon", "draw");
}

export function openForm(title, values) {
  values = values || {};
  $("t-edit-title").textContent = title;
  const f = $("t-edit-form");
  f.cadastral_number.value = values.cadastral_number || "";
  f.legal_area.value = values.legal_area || "";
  f.use_category.value = values.use_category || config.default_category;
  f.accept_warnings.checked = false;
  $("f-number").disabled = S.mode === "vertices";
  show("t-sec-form");
  (S.mode === "vertices" ? $("f-save") : $("f-number")).focus();
}

function save(e) {
  e.preventDefault();
  const f = e.target, body = {
    legal_area: f.legal_area.value ? Number(f.legal_area.value) : null,
    use_category: f.use_category.value,
    accept_warnings: f.accept_warnings.checked, snap: $("t-snap").checked
  };
  let request;
  if (S.mode === "vertices") {
    const layer = S.layers.edited.getLayers()[0];
    body.version = S.selected.version;
    body.geometry = layer.toGeoJSON(false).geometry;
    body.crs = "EPSG:4326";
    request = saveWithPreview("PUT", "/api/office/parcels/" + S.selected.id, body);
  } else {
    if (!S.drawn) { return; }
    body.uat = config.uat;
    body.cadastral_number = f.cadastral_number.value.trim();
    if (S.drawn.exact) { body.geometry = S.drawn.exact; body.crs = "EPSG:" + config.srid; }
    else { body.geometry = S.drawn.layer.toGeoJSON(false).geometry; body.crs = "EPSG:4326"; }
    request = saveWithPreview("POST", "/api/office/parcels", body);  // intravilan: from the boundary
  }
  request.then((res) => {
    if (!res) { return; }  // the officer declined the moves
    if (res.status === 200 || res.status === 201) {
      const p = res.body.parcel;
      clearDrawn();
      setMode("select");
      refresh();
      load(p.id).then(() => {
        showProblems(res.body.problems || []);
        say('<span data-saved="' + esc(p.cadastral_number) + '">' +
            esc(T("Parcela {n} a fost salvată (versiunea {v}).", { n: p.cadastral_number, v: p.version })) + "</span>" +
            (res.body.links && res.body.links.length ? linksHtml(res.body.links) : ""));
      });
    } else if (res.status === 409) {
      showProblems([{ severity: "error", code: "conflict", location: null,
        message: T("Parcela a fost modificată între timp (acum versiunea {v}): {what}. Reîncărcați parcela.",
                   { v: res.body.current.version, what: res.body.changed.join(", ") || T("retrasă") }) }]);
    } else { failed(res); }
  });
}

export function cancelForm() {
  clearDrawn();
  setMode("select");
  showProblems([]);
  if (S.selected) { showParcel(S.selected); } else { show(null); }
}

export function setupForm() {
  $("t-edit-form").addEventListener("submit", save);
  $("f-cancel").addEventListener("click", cancelForm);
}
