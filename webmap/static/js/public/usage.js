/* The public map's use, counted without cookies or identifiers (gis/map_use.py): one beacon per page
   load ("session") and per search carried to the end ("search"), naming only the UAT. */
import { config } from "../shared/config.js";

export function countUse(kind, uat) {
  const where = uat || config.uat;
  if (navigator.sendBeacon) { navigator.sendBeacon("/api/usage/" + kind + (where ? "?uat=" + where : "")); }
}
