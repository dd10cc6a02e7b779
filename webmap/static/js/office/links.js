/* What a save re-links (address points, buildings, agricultural plots, tax assessments, requests:
   gis/relinking.py): the API's preview answer, shown before saving; and the officer's explicit
   confirmation before a retired parcel's number is reused. */
import { esc, T } from "../shared/text.js";
import { api } from "./state.js";

function move(m) {
  return m.label + ": " + (m.from_number || T("fără parcelă")) + " → " + (m.to_number || T("fără parcelă"));
}

// the moves as a list for the panel (data-links: how many)
export function linksHtml(links) {
  if (!links.length) { return '<p data-links="0">' + T("Nicio înregistrare legată nu se mută.") + "</p>"; }
  return "<p>" + T("Se mută legăturile:") + '</p><ul class="t-links" data-links="' + links.length + '">' +
    links.map((m) => '<li data-kind="' + esc(m.kind) + '">' + esc(move(m)) + "</li>").join("") + "</ul>";
}

function onlyRetired(res) {
  const errors = ((res.body && res.body.problems) || []).filter((p) => p.severity === "error");
  return res.status === 422 && errors.length > 0 && errors.every((p) => p.code === "retired_number");
}

// a call that asks before reusing a retired number: {res, body} (body: what was sent last)
export function send(method, url, body) {
  return api(method, url, body).then((res) => {
    if (!onlyRetired(res) || body.reuse_retired_number) { return { res: res, body: body }; }
    if (!window.confirm(T("Numărul cadastral a aparținut unei parcele retrase. Îl refolosiți, cum cere documentația?"))) {
      return { res: res, body: body };
    }
    return send(method, url, Object.assign({}, body, { reuse_retired_number: true }));
  });
}

// a save previewed first: when it moves links, the officer confirms the list; null if they decline
export function saveWithPreview(method, url, body) {
  return send(method, url, Object.assign({}, body, { preview: true })).then((sent) => {
    const res = sent.res;
    if (res.status !== 200 && res.status !== 201) { return res; }  // the save would be refused the same way
    const links = res.body.links || [];
    if (links.length && !window.confirm(T("Se mută legăturile:") + "\n" + links.map(move).join("\n"))) { return null; }
    return api(method, url, Object.assign({}, sent.body, { preview: false }));
  });
}
