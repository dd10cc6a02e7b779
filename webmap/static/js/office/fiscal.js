/* Fiscal: the selected parcel's agricultural-register plots and land-tax assessments (personal
   data: the server records the look-up). */
import { esc, T } from "../shared/text.js";
import { $, api, failed, S } from "./state.js";

function table(title, rows, cols) {
  if (!rows || !rows.length) { return "<h4>" + T(title) + "</h4><p>—</p>"; }
  return "<h4>" + T(title) + '</h4><table class="t-table"><tr>' + cols.map((c) => "<th>" + T(c[1]) + "</th>").join("") +
    "</tr>" + rows.map((r) => "<tr>" + cols.map((c) => "<td>" + esc(r[c[0]]) + "</td>").join("") + "</tr>").join("") + "</table>";
}

export function fiscal() {
  api("GET", "/api/office/parcels/" + S.selected.id + "/fiscal").then((res) => {
    if (res.status !== 200) { failed(res); return; }
    const v = res.body;
    $("t-parcel-extra").innerHTML = "<h3>" + T("Date fiscale") + '</h3><p class="t-note">' + T("Date personale: consultarea este înregistrată.") + "</p>" +
      table("Registrul agricol", v.plots, [["year", "An"], ["register_position", "Poziție"], ["tarla", "Tarla"],
            ["parcel_no", "Parcela"], ["use_category", "Cat."], ["declared_area", "m²"], ["holder", "Deținător"]]) +
      table("Impozit pe teren", v.assessments, [["year", "An"], ["taxpayer", "Contribuabil"], ["id_code", "CNP/CUI"],
            ["tax_account", "Rol"], ["area", "m²"], ["amount", "Lei"], ["due", "Rest"]]);
  });
}
