"""An editing problem (gis.editing.Problem) in the reader's language, for the editing API's answers.

Its sentence is the catalogue's "editing.<code>.<variant>" or "editing.<code>" entry (api.messages) with the
problem's values; numbers and shares are written in the reader's locale (gis.texts). A problem with no
entry keeps its English `message`. The values stay in the JSON as they were (numbers stay numbers)."""

from __future__ import annotations

from dataclasses import asdict

from api.messages import message, request_language
from gis.texts import has, number, percent

SHARES = frozenset({"share", "rule"})  # values that are fractions of 1, written as percentages


def problem_text(problem, lang: str) -> str:
    values = dict(problem.values or {})
    variant = values.pop("variant", None)
    key = next((k for k in (f"editing.{problem.code}.{variant}" if variant else None, f"editing.{problem.code}")
                if k and has("message", k)), None)
    if key is None:
        return problem.message
    shown = {name: percent(v, lang) if name in SHARES else number(round(v, 2), lang) if isinstance(v, float) else v
             for name, v in values.items()}
    return message(key, lang, **shown)


def problems_json(problems, lang: str | None = None) -> list[dict]:
    lang = lang or request_language()
    return [{**asdict(p), "message": problem_text(p, lang)} for p in problems]
