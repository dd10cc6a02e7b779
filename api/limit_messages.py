"""What a refused request is told (too large, wrong type, too many): Romanian first, English and
Hungarian, in the caller's language (?lang=, the `lang` cookie, Accept-Language; Romanian
otherwise)."""

from __future__ import annotations

from flask import request

LANGUAGES = ("ro", "en", "hu")

MESSAGES: dict[str, dict[str, str]] = {
    "body_too_large": {
        "ro": "Cererea este prea mare: aici se primesc cel mult {size}.",
        "en": "The request is too large: this address accepts at most {size}.",
        "hu": "A kérés túl nagy: ez a cím legfeljebb {size} adatot fogad.",
    },
    "wrong_content_type": {
        "ro": "Tipul conținutului trebuie să fie {types}.",
        "en": "The content type must be {types}.",
        "hu": "A tartalom típusa csak {types} lehet.",
    },
    "too_many_sign_ins": {
        "ro": "Prea multe încercări eșuate de conectare; reîncercați peste {minutes} min.",
        "en": "Too many failed sign-ins; retry in {minutes} min.",
        "hu": "Túl sok sikertelen bejelentkezés; próbálja újra {minutes} perc múlva.",
    },
    "too_many_filings": {
        "ro": "Prea multe cereri depuse de la această adresă sau cu această adresă de e-mail; "
              "puteți depune o cerere nouă peste {minutes} min.",
        "en": "Too many requests filed from this address or with this e-mail address; "
              "you can file a new one in {minutes} min.",
        "hu": "Túl sok kérelmet nyújtottak be erről a címről vagy ezzel az e-mail-címmel; "
              "{minutes} perc múlva nyújthat be újat.",
    },
    "too_many_checks": {
        "ro": "Prea multe verificări de la această adresă; reîncercați peste {minutes} min.",
        "en": "Too many certificate checks from this address; retry in {minutes} min.",
        "hu": "Túl sok ellenőrzés erről a címről; próbálja újra {minutes} perc múlva.",
    },
}


def request_language() -> str:
    for asked in (request.args.get("lang"), request.cookies.get("lang")):
        if asked in LANGUAGES:
            return asked
    return request.accept_languages.best_match(LANGUAGES) or "ro"


def message(key: str, lang: str | None = None, **values) -> str:
    entry = MESSAGES[key]
    return entry.get(lang or request_language(), entry["ro"]).format(**values)


def minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))


def size_label(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"
