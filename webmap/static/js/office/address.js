/* Address: a new address point (a click where the entrance is, then street and number), and the
   number the rules propose for the selected parcel. */
import { esc, T, textElement } from "../shared/text.js";
import { $, api, clearDrawn, config, failed, S, say, setDrawn, setMode, show, showProblems, startDrawing } from "./state.js";

export function startAddress(values) {
  S.preset = values || null;
  startDrawing("marker", "address");
  say(T("Clic pe hartă unde este intrarea (punctul de adresă)."));
}

export function addressForm(marker) {
  setDrawn(marker, null);
  api("GET", "/api/office/streets?uat=" + config.uat).then((res) => {
    $("a-street").replaceChildren(...res.body.streets.map((s) => {
      const option = textElement(s.label, "option");
      option.value = String(s.id);
      return option;
    }));
    const preset = S.preset;
    if (preset) { $("a-street").value = String(preset.street_id); $("a-number").value = preset.number; $("a-suffix").value = preset.suffix || ""; }
    show("t-sec-address");
    $("a-number").focus();
  });
}

function saveAddress(e) {
  e.preventDefault();
  const ll = S.drawn.layer.getLatLng();
  api("POST", "/api/office/address-points", {
    uat: config.uat, street_id: Number($("a-street").value), number: Number($("a-number").value),
    suffix: $("a-suffix").value.trim(), postal_code: $("a-postal").value.trim() || null,
    geometry: { type: "Point", coordinates: [ll.lng, ll.lat] }, crs: "EPSG:4326"
  }).then((res) => {
    if (res.status !== 201) { failed(res); return; }
    clearDrawn();
    setMode("select");
    showProblems(res.body.problems);
    say('<span data-address="' + esc(res.body.address.label) + '">' + esc(T("Adresa {a} a fost adăugată.", { a: res.body.address.label })) + "</span>");
    show(S.selected ? "t-sec-parcel" : null);
  });
}

export function proposeNumber() {
  api("GET", "/api/office/parcels/" + S.selected.id + "/address-proposal").then((res) => {
    if (res.status !== 200) { failed(res); return; }
    const b = res.body;
    $("t-parcel-extra").innerHTML = "<h3>" + T("Adresă propusă") + "</h3><p data-proposal>" +
      esc(T("{label} (partea cu numere {side}, între {a} și {b})", { label: b.label, side: T(b.side === "odd" ? "impare" : "pare"),
                                                                    a: b.between[0] || "—", b: b.between[1] || "—" })) +
      '</p><p><button type="button" class="t-button" id="p-add">' + T("Adaugă punctul de adresă") + "</button></p>";
    $("p-add").addEventListener("click", () => {
      startAddress({ street_id: b.street_id, number: b.number, suffix: b.suffix.replace("/", "") === b.suffix ? b.suffix : "" });
    });
  });
}

export function setupAddress(cancel) {
  $("t-address-form").addEventListener("submit", saveAddress);
  $("a-cancel").addEventListener("click", cancel);
}
