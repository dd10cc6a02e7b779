/* Retire: the selected parcel stops being current (it stays in the history). */
import { T } from "../shared/text.js";
import { load } from "./select.js";
import { api, failed, refresh, S, say } from "./state.js";

export function retire() {
  const selected = S.selected;
  if (!window.confirm(T("Retrageți parcela {n}? Rămâne în istoric.", { n: selected.cadastral_number }))) { return; }
  api("DELETE", "/api/office/parcels/" + selected.id + "?version=" + selected.version).then((res) => {
    if (res.status !== 200) { failed(res); return; }
    refresh();
    load(selected.id).then(() => { say(T("Parcela a fost retrasă.")); });
  });
}
