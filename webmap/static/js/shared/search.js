/* The search box: suggestions from /api/search as a combobox (arrows, Enter, Escape); a choice
   of a parcel or an address goes to the page's `openParcel(hit)` (the public sheet, the officer's
   selection; `chosen(hit)`: told of every choice), a street or locality moves the map to it.
   Suggestions are asked 200 ms after the last keystroke, and a newer text aborts the request in
   flight: a list always belongs to the text it was asked for. Enter takes the text as typed: the
   highlighted suggestion if the list is the current text's, else the first answer for that text
   (asked there and then: a pasted query works the first time). `texts`: {no_results, min_chars}. */
import { config } from "./config.js";
import { textElement } from "./text.js";

const MIN_CHARS = 2;  // gis/search.py answers nothing shorter (a cadastral number aside)

export function setupSearch(map, texts, openParcel, chosen) {
  const input = document.getElementById("t-search");
  const list = document.getElementById("t-suggestions");
  // items: the suggestions for `itemsFor` (the text they answer)
  let items = [], itemsFor = null, active = -1, timer = null, inFlight = null;

  function close() {
    list.hidden = true; input.setAttribute("aria-expanded", "false"); input.setAttribute("aria-activedescendant", "");
    active = -1;
  }
  function note(text) {  // one line in the list that is not a choice (no results, the hint)
    const li = textElement(text, "li");
    li.className = "t-empty";
    li.setAttribute("role", "option");
    li.setAttribute("aria-disabled", "true");
    list.replaceChildren(li);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function render() {
    if (!items.length) { note(texts.no_results); return; }
    list.replaceChildren();
    items.forEach((hit, i) => {
      const li = document.createElement("li");
      li.id = "t-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.textContent = hit.label;
      li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.setAttribute("aria-activedescendant", active >= 0 ? "t-suggestion-" + active : "");
  }
  // the suggestions for `q` (the request in flight for an older text aborted); resolves to them
  function ask(q) {
    if (inFlight) { inFlight.abort(); }
    const controller = new AbortController();
    inFlight = controller;
    return fetch("/api/search?q=" + encodeURIComponent(q) + (config.uat ? "&uat=" + config.uat : ""),
                 { signal: controller.signal })
      .then((r) => (r.ok ? r.json() : { results: [] }))
      .then((data) => {
        if (inFlight === controller) { inFlight = null; }
        items = data.results; itemsFor = q; active = -1;
        return items;
      });
  }
  function current() { return input.value.trim(); }
  function suggest() {
    const q = current();
    if (q.length < MIN_CHARS) { items = []; itemsFor = null; if (q.length) { note(texts.min_chars); } else { close(); } return; }
    if (q === itemsFor) { render(); return; }
    ask(q).then(() => { if (current() === q) { render(); } }).catch(() => { /* a newer text replaced it */ });
  }
  function choose(i) {
    const hit = items[i];
    if (!hit) { return; }
    input.value = hit.label;
    itemsFor = hit.label;
    close();
    if (chosen) { chosen(hit); }
    if (hit.cadastral_number) {
      openParcel(hit);
    } else if (hit.bbox) {
      map.fitBounds([[hit.bbox[1], hit.bbox[0]], [hit.bbox[3], hit.bbox[2]]], { maxZoom: 18 });
    } else {
      map.setView([hit.lat, hit.lon], 18);
    }
  }
  function enter() {
    clearTimeout(timer);
    const q = current();
    if (q.length < MIN_CHARS) { if (q.length) { note(texts.min_chars); } return; }
    if (q === itemsFor && !list.hidden && items.length) { choose(active >= 0 ? active : 0); return; }
    ask(q).then(() => { if (current() === q) { if (items.length) { choose(0); } else { render(); } } })
      .catch(() => { /* a newer text replaced it */ });
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    if (current() !== itemsFor) { active = -1; }
    timer = setTimeout(suggest, 200);
  });
  input.addEventListener("keydown", (e) => {
    const fresh = items.length && current() === itemsFor;
    if (e.key === "ArrowDown" && fresh) { active = (active + 1) % items.length; render(); e.preventDefault(); }
    else if (e.key === "ArrowUp" && fresh) { active = (active - 1 + items.length) % items.length; render(); e.preventDefault(); }
    else if (e.key === "Enter") { e.preventDefault(); enter(); }
    else if (e.key === "Escape" && !list.hidden) { close(); e.stopPropagation(); }
  });
  input.addEventListener("blur", () => { setTimeout(close, 150); });
  document.getElementById("t-search-form").addEventListener("submit", (e) => { e.preventDefault(); });
}
