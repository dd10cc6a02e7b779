/* Leaflet styles from styles/styles.yaml (config.styles): classified (zones) or plain. */
import { config } from "./config.js";

function classStyle(style, props) {
  const v = props[style.classify_by];
  const c = (style.classes || []).find((k) => k.value === v) || style.default || {};
  return { color: c.stroke || style.stroke, weight: style.stroke_width || 1,
           fillColor: c.fill || style.fill, fillOpacity: style.fill_opacity || 0.4, fill: true };
}

function plainStyle(style) {
  return { color: style.stroke, weight: style.stroke_width || 1,
           dashArray: (style.stroke_dash || []).join(" ") || null, fill: !!style.fill,
           fillColor: style.fill, fillOpacity: style.fill ? (style.fill_opacity || 0) : 0 };
}

export function styleFor(name) {
  const style = config.styles[name] || {};
  return (props) => (style.classify_by ? classStyle(style, props) : plainStyle(style));
}
