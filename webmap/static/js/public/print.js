/* Printing the public map (map.css @media print): the map first, centred on the selected parcel,
   with its scale bar, a north arrow, the legend unfolded and the date; the sheet after it. Before
   printing the map takes the page's size (body.t-printing), so Leaflet fetches what the paper shows. */
import { config } from "../shared/config.js";
import { state, T } from "./state.js";

function northArrow(map) {
  const north = L.control({ position: "topright" });
  north.onAdd = () => {
    const div = L.DomUtil.create("div", "t-north");
    div.setAttribute("role", "img");
    div.setAttribute("aria-label", T.north);
    div.textContent = "N";  // the arrow is the CSS border above the letter
    return div;
  };
  north.addTo(map);
}

export function setupPrint(map) {
  northArrow(map);
  let legendWasOpen = false;
  window.addEventListener("beforeprint", () => {
    document.getElementById("t-print-date").textContent = T.printed_on + " " +
      new Date().toLocaleDateString(config.locale || "ro-RO", { day: "2-digit", month: "2-digit", year: "numeric" });
    const legend = document.querySelector(".t-legend details");
    if (legend) { legendWasOpen = legend.open; legend.open = true; }
    document.body.classList.add("t-printing");
    map.invalidateSize({ animate: false });
    if (state.highlight && state.highlight.getBounds().isValid()) {
      map.fitBounds(state.highlight.getBounds(), { animate: false, maxZoom: 18, padding: [40, 40] });
    }
  });
  window.addEventListener("afterprint", () => {
    document.body.classList.remove("t-printing");
    const legend = document.querySelector(".t-legend details");
    if (legend) { legend.open = legendWasOpen; }
    map.invalidateSize({ animate: false });
  });
}
