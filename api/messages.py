"""Messages of the web surfaces' errors, by code, in the request's language (ro first, en, hu).

The texts are the catalogues' msgctxt "message" entries (gis/texts.py). The language is the one the pages
use: `lang=` in the query, then the `lang` cookie, then the browser's Accept-Language among ro/en/hu;
Romanian otherwise."""

from __future__ import annotations

from flask import has_request_context, request

from gis.texts import entries, has, text

LANGUAGES = ("ro", "en", "hu")


def request_language() -> str:
    """ro, en or hu: `lang=`, the `lang` cookie, Accept-Language; Romanian otherwise."""
    if not has_request_context():
        return "ro"
    for asked in (request.args.get("lang"), request.cookies.get("lang")):
        if asked:
            code = asked.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    for value, _quality in request.accept_languages:  # best first
        code = value.strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "ro"


def page_language(languages: tuple[str, ...] = LANGUAGES) -> str:
    """A page's language: `lang=`, then the `lang` cookie, among `languages`; Romanian otherwise. Unlike
    messages, pages ignore Accept-Language: the reader chooses with the language switch."""
    for asked in (request.args.get("lang"), request.cookies.get("lang")) if has_request_context() else ():
        if asked and asked.strip().lower() in languages:
            return asked.strip().lower()
    return "ro"


def remember_language(response, lang: str):
    """The `lang` cookie when the page was asked for with `lang=` (the next pages keep the language)."""
    if has_request_context() and request.args.get("lang") == lang:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
    return response


def message(code: str, lang: str | None = None, **values) -> str:
    """The message `code` in `lang` (else the request's language), formatted with `values`."""
    return text("message", code, lang or request_language()).format(**values)


def described(exc: Exception, lang: str | None = None) -> str:
    """The message of an exception that carries a catalogue `code` and its `values` (the core raises
    them with an English text for the logs); the exception's own text otherwise."""
    code = getattr(exc, "code", "")
    if isinstance(code, str) and code and has("message", code):
        return message(code, lang, **getattr(exc, "values", {}))
    return str(exc)


def catalogue() -> dict[str, dict[str, str]]:
    """code → {lang: text} of every message."""
    return entries("message")


def verify_texts(lang: str | None = None) -> dict[str, str]:
    """The /verify page's texts in `lang` (else the request's language)."""
    lang = lang or request_language()
    return {key: langs.get(lang) or langs["ro"] for key, langs in entries("verify").items()}
