/* The search box: suggestions from /api/search as a combobox (arrows, Enter, Escape); a choice
   of a parcel or an address goes to the page's `openParcel(hit)` (the public sheet, the officer's
   selection; `chosen(hit)`: told of every choice), a street or locality moves the map to it. */
import { config } from "./config.js";
import { textElement } from "./text.js";

export function setupSearch(map, noResults, openParcel, chosen) {
  const input = document.getElementById("t-search");
  const list = document.getElementById("t-suggestions");
  let items = [], active = -1, timer = null, lastQuery = "";

  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
  function render() {
    list.replaceChildren();
    if (!items.length) {
      const empty = textElement(noResults, "li");
      empty.className = "t-empty";
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      list.appendChild(empty);
    }
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
  function suggest() {
    const q = input.value.trim();
    if (q.length < 2 || q === lastQuery) { if (q.length < 2) { close(); } return; }
    lastQuery = q;
    fetch("/api/search?q=" + encodeURIComponent(q) + (config.uat ? "&uat=" + config.uat : ""))
      .then((r) => (r.ok ? r.json() : { results: [] }))
      .then((data) => { if (input.value.trim() === q) { items = data.results; active = -1; render(); } });
  }
  function choose(i) {
    const hit = items[i];
    if (!hit) { return; }
    input.value = hit.label;
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
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 200); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && items.length) { active = (active + 1) % items.length; render(); e.preventDefault(); }
    else if (e.key === "ArrowUp" && items.length) { active = (active - 1 + items.length) % items.length; render(); e.preventDefault(); }
    else if (e.key === "Enter") { e.preventDefault(); if (items.length) { choose(active >= 0 ? active : 0); } else { lastQuery = ""; suggest(); } }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => { setTimeout(close, 150); });
  document.getElementById("t-search-form").addEventListener("submit", (e) => { e.preventDefault(); });
}
