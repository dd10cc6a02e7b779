"""A page of the staff workspace (templates/office_*.html) in the officer's language: `lang=`, then the
`lang` cookie (api.messages.page_language), among the staff languages of the national profile."""

from __future__ import annotations

from flask import Response, current_app

from api import messages
from api.staff import csrf_token, current_user
from gis.profiles import get_profile
from webmap.i18n import LANGUAGE_NAMES, OFFICE_LANGUAGES, tr
from webmap.simple_page import render_page


def staff_languages() -> tuple[str, ...]:
    profile = get_profile(current_app.extensions["teritoriu.settings"].profile)
    return tuple(code for code in profile.languages if code in OFFICE_LANGUAGES)


def staff_page(template: str, title: str, status: int = 200, title_values: dict | None = None,
               **context) -> Response:
    """The page, its `title` (Romanian, the catalogue's key) translated, the signed-in user in the header
    and the language switch; `lang=` is remembered in the cookie."""
    languages = staff_languages()
    lang = messages.page_language(languages)
    page = render_page(template, status, private=True, title=tr(title, lang, **(title_values or {})),
                       user=current_user(), csrf=csrf_token(), lang=lang,
                       languages=[(c, LANGUAGE_NAMES[c]) for c in languages],
                       language_label=tr("Limba", lang), **context)
    return messages.remember_language(page, lang)
