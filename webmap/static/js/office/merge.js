/* Merge: the selected parcel and the neighbours clicked next become one new parcel. The preview
   shows its legal area (the sum of the parts'), land book and what moves to it before saving. */
import { esc, num, T, textElement } from "../shared/text.js";
import { linksHtml, send } from "./links.js";
import { load } from "./select.js";
import { $, failed, refresh, S, say, setMode } from "./state.js";

export function startMerge() {
  const selected = S.selected;
  setMode("merge");
  S.mergeParts = [selected];
  $("t-parcel-extra").innerHTML = "<h3>" + T("Unire") + "</h3><p>" + T("Clic pe parcelele vecine de unit.") + '</p><ul id="t-merge-list"><li>' +
    esc(selected.cadastral_number) + '</li></ul><form id="t-merge-form"><p><label for="m-number">' + T("Număr cadastral nou") + "</label>" +
    '<input id="m-number" required></p><p><label for="m-book">' + T("Carte funciară") + '</label><input id="m-book" placeholder="' +
    esc(T("de atribuit")) + '"></p><p><button class="t-button" id="m-save">' + T("Unește") + '</button></p></form><div id="t-merge-preview"></div>';
  $("t-merge-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const body = {
      parcels: S.mergeParts.map((p) => ({ id: p.id, version: p.version })),
      cadastral_number: $("m-number").value.trim(), land_book_number: $("m-book").value.trim() || null,
      use_category: selected.use_category, accept_warnings: true
    };
    send("POST", "/api/office/parcels/merge", Object.assign({}, body, { preview: true })).then((previewed) => {
      const res = previewed.res;
      if (res.status !== 200) { failed(res); return; }
      const p = res.body.parcel;
      $("t-merge-preview").innerHTML = '<p data-legal-area="' + esc(p.legal_area) + '">' +
        esc(T("{n}: suprafață din acte {a} m² (suma părților), CF {cf}, {where}.", {
          n: p.cadastral_number, a: num(p.legal_area), cf: p.land_book_number, where: p.intravilan ? T("intravilan") : T("extravilan") })) +
        "</p>" + linksHtml(res.body.links) + '<p><button class="t-button" type="button" id="m-confirm">' + T("Confirmă unirea") + "</button></p>";
      $("m-confirm").addEventListener("click", () => {
        send("POST", "/api/office/parcels/merge", Object.assign({}, previewed.body, { preview: false })).then((sent) => {
          const r = sent.res;
          if (r.status !== 200) { failed(r); return; }
          setMode("select");
          refresh();
          load(r.body.parcel.id).then(() => {
            say('<span data-merged="' + esc(r.body.parcel.cadastral_number) + '">' +
                esc(T("Parcelele au fost unite în {n}.", { n: r.body.parcel.cadastral_number })) + "</span>" + linksHtml(r.body.links));
          });
        });
      });
    });
  });
}

export function addToMerge(p) {
  if (S.mergeParts.some((q) => q.id === p.id)) { return; }
  S.mergeParts.push(p);
  L.geoJSON(p.geometry_crs84, { style: { color: "#ff8800", weight: 3, fillOpacity: 0.15 } }).addTo(S.layers.selection);
  $("t-merge-list").appendChild(textElement(p.cadastral_number, "li"));
  $("t-merge-preview").innerHTML = "";
}
