/* The page's address says what is shown: ?parcel=<number>&lang=<language> and the view as
   #<zoom>/<lat>/<lon>. The language links carry both, so switching the language keeps the open
   parcel and the view; a reload or a shared link opens the same. */
import { config } from "../shared/config.js";

let parcel = new URLSearchParams(location.search).get("parcel");

// the view the address names, or null
export function viewInHash() {
  const m = location.hash.match(/^#(\d{1,2})\/(-?\d{1,3}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/);
  return m ? { zoom: Number(m[1]), center: [Number(m[2]), Number(m[3])] } : null;
}

function query(lang) {
  const q = new URLSearchParams();
  if (parcel) { q.set("parcel", parcel); }
  q.set("lang", lang);
  return "?" + q.toString();
}

function hash(map) {
  const c = map.getCenter();
  return "#" + map.getZoom() + "/" + c.lat.toFixed(6) + "/" + c.lng.toFixed(6);
}

export function syncAddress(map) {
  history.replaceState(null, "", query(config.lang) + hash(map));
  document.querySelectorAll(".t-header a[hreflang]").forEach((a) => {
    a.setAttribute("href", query(a.getAttribute("hreflang")) + hash(map));
  });
}

export function setParcel(number, map) {
  parcel = number;
  syncAddress(map);
}
