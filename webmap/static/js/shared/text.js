/* Text helpers shared by the map scripts: escaping, number formatting, the page's translations. */
import { config } from "./config.js";

export function esc(s) {
  return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// a text as a DOM element, for Leaflet's tooltips, popups and labels (a string there is HTML)
export function textElement(s, tag) {
  const el = document.createElement(tag || "span");
  el.textContent = s == null ? "" : String(s);
  return el;
}

// a number in the page's locale, "—" when unknown
export function num(x, digits) {
  return x == null ? "—" : Number(x).toLocaleString(config.locale || "ro-RO", { maximumFractionDigits: digits == null ? 2 : digits });
}

// a calendar date ("2019-04-25") in the page's locale: 25.04.2019, 25/04/2019, 2019. 04. 25.
export function day(x) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(x || "");
  if (!m) { return x ? String(x) : "—"; }
  return new Date(+m[1], +m[2] - 1, +m[3]).toLocaleDateString(config.locale || "ro-RO",
                                                              { day: "2-digit", month: "2-digit", year: "numeric" });
}

// a date and time in the page's locale (an ISO or an HTTP date from the API), "—" when unknown
export function when(x) {
  const d = x ? new Date(x) : null;
  if (!d || isNaN(d.getTime())) { return x ? String(x) : "—"; }
  return d.toLocaleString(config.locale || "ro-RO", { day: "2-digit", month: "2-digit", year: "numeric",
                                                     hour: "2-digit", minute: "2-digit" });
}

// the staff pages' catalogue: config.t maps the Romanian text (the key) to the page's language;
// {name} placeholders are filled from `values`
export function T(text, values) {
  let out = (config.t && config.t[text]) || text;
  Object.keys(values || {}).forEach((k) => { out = out.split("{" + k + "}").join(values[k]); });
  return out;
}
