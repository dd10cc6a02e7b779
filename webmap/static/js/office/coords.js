/* Coordinates: a parcel typed as Stereo 70 points (number, X north, Y east), drawn by the server. */
import { T } from "../shared/text.js";
import { openForm } from "./draw.js";
import { $, api, config, failed, S, setDrawn, setMode, show, showProblems } from "./state.js";

export function startCoords() {
  setMode("select");
  show("t-sec-coords");
  $("t-coords").focus();
}

function typedCoordinates(e) {
  e.preventDefault();
  api("POST", "/api/office/coordinates", { uat: config.uat, text: $("t-coords").value }).then((res) => {
    if (res.status !== 200) { failed(res); return; }
    setMode("draw");
    const layer = L.geoJSON(res.body.geometry_crs84).getLayers()[0];
    setDrawn(layer, res.body.geometry);
    S.map.fitBounds(layer.getBounds(), { maxZoom: 19 });
    showProblems(res.body.notes.map((n) => ({ severity: "warning", code: "axes", message: n })));
    openForm(T("Parcelă din coordonate"));
  });
}

export function setupCoords() {
  $("t-coords-form").addEventListener("submit", typedCoordinates);
}
