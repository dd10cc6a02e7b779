/* The parcel sheet on a phone: a bottom sheet at one of three heights (peek, half, full), dragged by
   its bar (pointer events: it follows the finger, then settles on the nearest height; a tap on the bar
   goes to the next height) or set by the bar's three buttons (keyboard). On a wider screen it is a
   sidebar and none of this applies. `onSettle(state)` runs after every change (the map keeps the
   parcel in view above the sheet). */
const PHONE = window.matchMedia("(max-width: 700px)");
const ORDER = ["peek", "half", "full"];
const TAP = 6;  // px: a pointer that moved less is a tap on the bar

let onSettle = () => {};

function panel() { return document.getElementById("t-panel"); }

export function isPhone() { return PHONE.matches; }

// the header's height as a CSS variable (the zoom hint sits under it; a full sheet stops at it)
function measureHeader() {
  const h = Math.round(document.querySelector(".t-header").getBoundingClientRect().height);
  document.documentElement.style.setProperty("--t-header-h", h + "px");
  return h;
}

// each state's height in px, for this window
function heights() {
  const h = window.innerHeight, header = measureHeader();
  return { peek: Math.min(150, Math.round(h * 0.3)), half: Math.round(h * 0.5), full: h - header };
}

export function sheetState() { return panel().dataset.sheet; }

export function setSheet(state) {
  const p = panel();
  p.dataset.sheet = state;
  p.style.height = isPhone() ? heights()[state] + "px" : "";
  p.querySelectorAll(".t-sheet-size").forEach((b) => {
    b.setAttribute("aria-pressed", b.dataset.size === state ? "true" : "false");
  });
  onSettle(state);
}

// the map's padding so that what it fits stays in the part the sheet leaves visible
export function visiblePadding(map) {
  const p = panel(), margin = 20;
  if (!isPhone() || p.hidden) { return { paddingTopLeft: [margin, margin], paddingBottomRight: [margin, margin] }; }
  const covered = Math.max(0, map.getContainer().getBoundingClientRect().bottom - p.getBoundingClientRect().top);
  return { paddingTopLeft: [margin, margin], paddingBottomRight: [margin, covered + margin] };
}

// how much of the map the sheet leaves visible above it, in px
export function visibleHeight(map) {
  const rect = map.getContainer().getBoundingClientRect(), p = panel();
  return isPhone() && !p.hidden ? Math.max(0, p.getBoundingClientRect().top - rect.top) : rect.height;
}

function drag(bar) {
  let start = null;
  bar.addEventListener("pointerdown", (e) => {
    if (!isPhone() || e.target.closest("button")) { return; }
    start = { y: e.clientY, height: panel().getBoundingClientRect().height, moved: 0 };
    bar.setPointerCapture(e.pointerId);
  });
  bar.addEventListener("pointermove", (e) => {
    if (!start) { return; }
    start.moved = Math.max(start.moved, Math.abs(e.clientY - start.y));
    const h = heights();
    panel().style.height = Math.min(h.full, Math.max(h.peek / 2, start.height + start.y - e.clientY)) + "px";
  });
  const end = () => {
    if (!start) { return; }
    const moved = start.moved;
    start = null;
    if (moved < TAP) { setSheet(ORDER[(ORDER.indexOf(sheetState()) + 1) % ORDER.length]); return; }
    const now = panel().getBoundingClientRect().height, h = heights();
    setSheet(ORDER.reduce((best, s) => (Math.abs(h[s] - now) < Math.abs(h[best] - now) ? s : best), "half"));
  };
  bar.addEventListener("pointerup", end);
  bar.addEventListener("pointercancel", end);
}

export function setupSheet(settled) {
  onSettle = settled;
  drag(document.getElementById("t-sheet-bar"));
  panel().querySelectorAll(".t-sheet-size").forEach((b) => {
    b.addEventListener("click", () => { setSheet(b.dataset.size); });
  });
  window.addEventListener("resize", () => { if (!panel().hidden) { setSheet(sheetState()); } else { measureHeader(); } });
  measureHeader();
}
