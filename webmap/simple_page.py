"""The plain pages around the maps (request form, status, verification, the office desk):
templates/page.html on the one layout, the project's stylesheet, no script."""

from __future__ import annotations

from flask import Response
from markupsafe import Markup

from gis import import_states
from gis.settings import PROJECT_ROOT
from gis.texts import date, moment, number
from webmap.i18n import t, tr
from webmap.templating import render

REPORT_SEVERITY = {"error": "Eroare", "warning": "Avertisment", "info": "Notă"}


def page_html(title: str, body: str | Markup, lang: str = "ro", css: str | None = None) -> str:
    """A page whose content is already HTML (`body`: an import report); `css` inlines a stylesheet
    (for a page saved as a file)."""
    return render("page.html", title=title, body=Markup(body), lang=lang, css=Markup(css) if css is not None else None,
                  official_note=official_note(lang))


def official_note(lang: str) -> str | None:
    """Zone names, uses, legal bases and plan titles stay as approved, in Romanian: a page in another
    language says so once."""
    return t("official_data_note", lang) if lang != "ro" else None


def page_response(page: str, status: int = 200, private: bool = False) -> Response:
    headers = {"Cache-Control": "private, no-store"} if private else {}
    return Response(page, status=status, mimetype="text/html", headers=headers)


def render_page(template: str, status: int = 200, private: bool = False, **context) -> Response:
    """A page from its own template (which extends page.html)."""
    lang = context.setdefault("lang", "ro")
    context.setdefault("official_note", official_note(lang))
    # the page's texts (gettext-style: the Romanian text is the key), numbers and dates in its language
    context.setdefault("t", lambda text, **values: tr(text, lang, **values))
    context.setdefault("num", lambda value, digits=None: number(value, lang, digits))
    context.setdefault("day", lambda value: date(value, lang))
    context.setdefault("when", lambda value: moment(value, lang))
    return page_response(render(template, **context), status, private)


def report_document(report, texts: list[str] | None = None, lang: str = "ro") -> str:
    """An import report as a self-contained page to keep as a file (`teritoriu import --report
    x.html`): the one layout with the stylesheet inlined."""
    css = (PROJECT_ROOT / "webmap" / "static" / "css" / "map.css").read_text(encoding="utf-8")
    return page_html(f"{tr('Raport import', lang)}: {report.source}", report_html(report, texts, lang), lang=lang,
                     css=css)


def report_html(report, texts: list[str] | None = None, lang: str = "ro", interactive: bool = False) -> Markup:
    """An import report (importers.report.Report) as a page fragment: templates/_import_report.html.
    `texts`: the problems' sentences in `lang` (api/import_texts.py; the report's own otherwise)."""
    codes: dict[str, int] = {}
    severities: dict[str, int] = {}
    for p in report.problems:
        codes[p.code] = codes.get(p.code, 0) + 1
        severities[p.severity] = severities.get(p.severity, 0) + 1
    return Markup(render("_import_report.html", report=report, summary=report.to_json()["summary"],
                         status_label=tr(import_states.LABELS.get(report.status, report.status), lang),
                         severity_labels={k: tr(v, lang) for k, v in REPORT_SEVERITY.items()},
                         texts=texts or [p.message for p in report.problems], t=lambda text: tr(text, lang),
                         interactive=interactive, codes=sorted(codes.items()), severities=severities))
