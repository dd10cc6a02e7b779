"""The pages' texts in the reader's language: the map pages (t, texts) and the staff workspace (tr, office_texts).

The texts live in the gettext catalogues (gis/texts.py, gis/locales/*/LC_MESSAGES/messages.po), which hold
every language of every national profile; a deployment offers its profile's (gis.profiles: Romania
ro/en/hu, Moldova ro/ru/en). A text missing in a language falls back to Romanian."""

from __future__ import annotations

from gis.land_use import CATEGORIES
from gis.profiles import LOCALES  # noqa: F401 - the locale of each language (one table, gis.profiles)
from gis.texts import entries, text

LANGUAGES = ("ro", "en", "hu", "ru")   # the catalogue's; a page offers its profile's
LANGUAGE_NAMES = {"ro": "Română", "en": "English", "hu": "Magyar", "ru": "Русский"}
OFFICE_LANGUAGES = ("ro", "en", "hu", "ru")  # the staff workspace's (a profile offers its own: MD ro/ru/en)

USE_CATEGORIES = CATEGORIES  # the land-use categories and their names: gis/land_use.py


def pick_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else "ro"


def t(key: str, lang: str) -> str:
    """A map-page text (msgctxt "map") in `lang`."""
    return text("map", key, lang)


def texts(lang: str, profile: str = "") -> dict[str, str]:
    """Every public-map text in `lang`, with the national profile's own wording where it differs."""
    out = {key: langs.get(lang) or langs["ro"] for key, langs in entries("map").items()}
    for key, langs in entries(f"map:{profile.upper()}").items() if profile else ():
        out[key] = langs.get(lang) or langs["ro"]
    return out


def office_texts(lang: str) -> dict[str, str]:
    """The staff workspace's texts in `lang`, Romanian text → translation (msgctxt "office": the Romanian
    text is the msgid; empty for Romanian)."""
    if lang == "ro":
        return {}
    return {ro: langs[lang] for ro, langs in entries("office").items() if lang in langs}


def tr(ro_text: str, lang: str, **values) -> str:
    """A staff-workspace text given in Romanian, in `lang` (the Romanian itself when it has no entry)."""
    langs = entries("office").get(ro_text, {})
    out = langs.get(lang) or ro_text
    return out.format(**values) if values else out
