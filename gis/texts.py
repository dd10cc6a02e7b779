"""Every text shown to people, from the gettext catalogues, and numbers and dates in the reader's locale.

The catalogues are gis/locales/<lang>/LC_MESSAGES/messages.po (ro, en, hu, ru), read once with Babel's
`read_po` (no compiled .mo to build or commit). An entry is (msgctxt, msgid):

    "map"           the public map pages (webmap.i18n.t/texts)           msgid = a key, "public_map_title"
    "map:<PROFILE>" a national profile's own wording of a "map" key      msgid = the same key
    "office"        the staff workspace (webmap.i18n.tr/office_texts)    msgid = the Romanian text
    "message"       server messages and API errors (api.messages)        msgid = a code, "coverage.extent"
    "verify"        the /verify page (api.messages.verify_texts)         msgid = a key

A text missing in a language falls back to Romanian. Texts are str.format templates ({name}).
tools/dicts_to_po.py ports texts written as Python dicts (other branches' blocks) into the catalogues.

Numbers and dates follow the language's locale (Babel's CLDR data): ro "7,59" and 01.12.2026, en "7.59"
and 01/12/2026, hu "7,59" and 2026. 12. 01. Only for what people read: the certificates' PDFs keep their
Romanian legal formatting and the JSON APIs keep numbers as numbers."""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from gis.profiles import LOCALES

CATALOGUES = Path(__file__).parent / "locales"
LANGUAGES = ("ro", "en", "hu", "ru")  # the catalogues'; a surface offers its profile's
FALLBACK = "ro"


@lru_cache(maxsize=1)
def catalogue() -> dict[tuple[str, str], dict[str, str]]:
    """(msgctxt, msgid) → {lang: text}, in the Romanian catalogue's order."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for lang in LANGUAGES:
        path = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            for entry in read_po(f, locale=lang):
                if entry.id and entry.string:
                    out.setdefault((entry.context or "", entry.id), {})[lang] = entry.string
    return out


@cache
def entries(context: str) -> dict[str, dict[str, str]]:
    """msgid → {lang: text} of one msgctxt (shared: do not change it)."""
    return {msgid: langs for (ctx, msgid), langs in catalogue().items() if ctx == context}


def has(context: str, msgid: str) -> bool:
    return (context, msgid) in catalogue()


def text(context: str, msgid: str, lang: str | None, **values) -> str:
    """The entry in `lang` (Romanian when it has none), formatted with `values`. KeyError: no such entry."""
    langs = catalogue()[(context, msgid)]
    out = langs.get(lang or FALLBACK) or langs[FALLBACK]
    return out.format(**values) if values else out


def _locale(lang: str | None) -> str:
    return LOCALES.get(lang or FALLBACK, LOCALES[FALLBACK]).replace("-", "_")


def number(value: float | int | None, lang: str | None, digits: int | None = None) -> str:
    """`value` as people of `lang` write it ("7,59" / "7.59"); `digits` fixes the decimals; "—" for None."""
    if value is None:
        return "—"
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def percent(share: float | None, lang: str | None) -> str:
    """A share (0.02) as a percentage the way `lang` writes it ("2 %", "2%")."""
    return "—" if share is None else format_percent(share, locale=_locale(lang))


def date(value: dt.date | dt.datetime | str | None, lang: str | None) -> str:
    """A date the way `lang` writes it short (ro 01.12.2026, en 01/12/2026, hu 2026. 12. 01.); "—" for None.
    An ISO string is read first; other text is returned as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, "short", locale=_locale(lang))


def moment(value: dt.datetime | None, lang: str | None) -> str:
    """A date and time the way `lang` writes them short (ro 01.12.2026, 20:13); "—" for None."""
    if value is None:
        return "—"
    return format_datetime(value, "short", locale=_locale(lang))
