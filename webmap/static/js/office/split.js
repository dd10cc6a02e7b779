/* Split: a line drawn across the selected parcel divides it. The preview lists the pieces (largest
   first) for their documented numbers, legal areas and land books, and what moves to them. */
import { esc, num, T } from "../shared/text.js";
import { linksHtml, send } from "./links.js";
import { load } from "./select.js";
import { $, failed, refresh, S, say, setMode, startDrawing } from "./state.js";

export function startSplit() {
  S.targets.exclude = null;
  startDrawing("polyline", "split");
  say(T("Desenați linia de împărțire peste parcelă, de la o latură la alta (dublu clic termină)."));
}

function piecesForm(pieces, links) {
  const rows = pieces.map((p, i) => (
    '<tr data-piece="' + i + '"><td><input id="s-number-' + i + '" value="' + esc(p.cadastral_number) + '" required></td>' +
    "<td>" + num(p.measured_area) + " m²</td>" +
    '<td><input id="s-area-' + i + '" type="number" step="0.01" min="0.01" placeholder="' +
    esc(p.legal_area == null ? "" : num(p.legal_area)) + '" title="' + esc(T("calculată")) + '"></td>' +
    '<td><input id="s-book-' + i + '" placeholder="' + esc(T("de atribuit")) + '"></td></tr>')).join("");
  return "<h3>" + T("Împărțire") + '</h3><form id="t-split-form"><p>' +
    T("Din documentația cadastrală: numerele, suprafețele din acte și cărțile funciare ale părților. Suprafața lăsată goală se calculează proporțional cu suprafața măsurată; cartea funciară lăsată goală rămâne „de atribuit”.") +
    '</p><table class="t-table"><tr><th>' + T("Număr cadastral") + "</th><th>" + T("Suprafață măsurată") + "</th><th>" +
    T("Suprafață din acte") + "</th><th>" + T("Carte funciară") + "</th></tr>" + rows + "</table>" + linksHtml(links) +
    '<p><button class="t-button" id="s-save">' + T("Împarte") + '</button> <button class="t-link" type="button" id="s-cancel">' +
    T("Renunță") + "</button></p></form>";
}

export function split(line) {
  const url = "/api/office/parcels/" + S.selected.id + "/split";
  const base = { version: S.selected.version, line: line.toGeoJSON(false).geometry, crs: "EPSG:4326" };
  setMode("select");
  send("POST", url, Object.assign({ preview: true }, base)).then((previewed) => {
    const res = previewed.res;
    if (res.status !== 200) { failed(res); return; }
    const pieces = res.body.parcels;
    say("");
    $("t-parcel-extra").innerHTML = piecesForm(pieces, res.body.links);
    $("s-cancel").addEventListener("click", () => { $("t-parcel-extra").innerHTML = ""; say(""); });
    $("t-split-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const body = Object.assign({}, base, { reuse_retired_number: !!previewed.body.reuse_retired_number,
        pieces: pieces.map((p, i) => ({
          cadastral_number: $("s-number-" + i).value.trim(),
          legal_area: $("s-area-" + i).value ? Number($("s-area-" + i).value) : null,
          land_book_number: $("s-book-" + i).value.trim() || null })) });
      send("POST", url, body).then((sent) => { done(sent.res); });
    });
  });
}

function done(res) {
  if (res.status !== 200) { failed(res); return; }
  refresh();
  const list = res.body.parcels.map((p) => esc(p.cadastral_number) + " (" + num(p.legal_area) + " m², CF " + esc(p.land_book_number) + ")");
  load(res.body.parcels[0].id).then(() => {
    say('<span data-split="' + res.body.parcels.length + '">' + T("Parcela a fost împărțită în: {list}.", { list: list.join(", ") }) +
        "</span>" + linksHtml(res.body.links));
  });
}
