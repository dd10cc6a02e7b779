"""An import report in the reader's language, for the web pages and the CLI.

Each problem says its `code` (and, where one code says several things, a `variant`) and its
values; its sentence comes from the one catalogue, `api/messages.py` ("import.<code>[.<variant>]"),
ro/en/hu. The fix it suggests depends on where the reader is: the web page offers forms (a
field-mapping form, the upload options, the officer's acceptance) where the command line has
options (`--mapping`, `--make-valid`…), so a page never tells anyone to pass a flag."""

from __future__ import annotations

import os

from api.messages import LANGUAGES, message
from gis.texts import has

HINTS = ("map", "repair", "crs", "encoding", "accept")
SURFACES = ("web", "cli")


def _entry(code: str, variant: str | None) -> str | None:
    for key in (f"import.{code}.{variant}" if variant else None, f"import.{code}"):
        if key and has("message", key):
            return key
    return None


def problem_text(problem, lang: str, surface: str = "web") -> str:
    """The problem's sentence in `lang` (ro, en, hu) for `surface` (web or cli)."""
    params = dict(problem.params or {})
    if problem.params is None and " — " in problem.message:
        # a refusal written in Romanian and English (importers.model.two_languages): the reader's half
        ro, en = problem.message.split(" — ", 1)
        if lang in ("ro", "en"):
            return ro if lang == "ro" else en
    key = _entry(problem.code, params.pop("variant", None))
    if key is None:
        return problem.message
    hints = {f"{h}_hint": message(f"import.hint.{h}.{surface}", lang) for h in HINTS}
    try:
        return message(key, lang, **{**hints, **{k: v for k, v in params.items() if v is not None}})
    except (KeyError, IndexError, ValueError):  # a report saved before its message had these values
        return problem.message


def problem_texts(report, lang: str, surface: str = "web") -> list[str]:
    return [problem_text(p, lang, surface) for p in report.problems]


def summary_text(report, lang: str) -> str:
    s = report.to_json()["summary"]
    return message("import.summary", lang, source=report.source, kind=report.kind, **s)


def report_text(report, lang: str, limit: int = 50) -> str:
    """The report for the terminal, in `lang`."""
    lines = [summary_text(report, lang)]
    for p in report.problems[:limit]:
        where = "".join([f" {p.layer}" if p.layer else "", f" #{p.feature}" if p.feature is not None else "",
                         f" ({p.fid})" if p.fid else ""])
        lines.append(f"  {p.severity.upper()}{where}: {problem_text(p, lang, 'cli')}")
    if len(report.problems) > limit:
        lines.append("  " + message("import.more", lang, n=len(report.problems) - limit))
    return "\n".join(lines)


def cli_language(asked: str | None = None) -> str:
    """`--lang`, else the locale (LC_ALL, LC_MESSAGES, LANG: ro_RO.UTF-8 → ro); English when the
    locale is none of ro/en/hu (C, POSIX: a server's shell)."""
    for value in (asked, os.environ.get("LC_ALL"), os.environ.get("LC_MESSAGES"), os.environ.get("LANG")):
        if value:
            code = value.strip().lower()[:2]
            if code in LANGUAGES:
                return code
            if asked is None:
                break
    return "en"
