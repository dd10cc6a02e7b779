"""Texts of the map pages in Romanian (first), English and Hungarian."""

from __future__ import annotations

LANGUAGES = ("ro", "en", "hu")
LANGUAGE_NAMES = {"ro": "Română", "en": "English", "hu": "Magyar"}

TEXTS: dict[str, dict[str, str]] = {
    "public_map_title": {"ro": "Harta publică", "en": "Public map", "hu": "Nyilvános térkép"},
    "orthophoto": {"ro": "Ortofotoplan", "en": "Orthophoto", "hu": "Ortofotó"},
    "zone_legend": {"ro": "Zone de reglementare (UTR)", "en": "Zoning (UTR)",
                    "hu": "Szabályozási övezetek (UTR)"},
    "language": {"ro": "Limba", "en": "Language", "hu": "Nyelv"},
    "loading": {"ro": "Se încarcă…", "en": "Loading…", "hu": "Betöltés…"},
    "fictional": {"ro": "Date demonstrative, fictive", "en": "Demonstration data (fictional)",
                  "hu": "Bemutató adatok (kitalált)"},
    "load_error": {"ro": "Stratul nu a putut fi încărcat", "en": "The layer could not be loaded",
                   "hu": "A réteg nem tölthető be"},
}


def pick_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else "ro"


def t(key: str, lang: str) -> str:
    entry = TEXTS[key]
    return entry.get(lang) or entry["ro"]
