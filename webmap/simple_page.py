"""The plain pages around the maps (request form, status, verification, the office desk):
templates/page.html on the one layout, the project's stylesheet, no script."""

from __future__ import annotations

from flask import Response
from markupsafe import Markup

from gis import import_states
from gis.settings import PROJECT_ROOT
from webmap.templating import render

REPORT_SEVERITY = {"error": "Eroare", "warning": "Avertisment", "info": "Notă"}


def page_html(title: str, body: str | Markup, lang: str = "ro", css: str | None = None) -> str:
    """A page whose content is already HTML (`body`: an import report); `css` inlines a stylesheet
    (for a page saved as a file)."""
    return render("page.html", title=title, body=Markup(body), lang=lang, css=Markup(css) if css is not None else None)


def page_response(page: str, status: int = 200, private: bool = False) -> Response:
    headers = {"Cache-Control": "private, no-store"} if private else {}
    return Response(page, status=status, mimetype="text/html", headers=headers)


def render_page(template: str, status: int = 200, private: bool = False, **context) -> Response:
    """A page from its own template (which extends page.html)."""
    context.setdefault("lang", "ro")
    return page_response(render(template, **context), status, private)


def report_document(report) -> str:
    """An import report as a self-contained page to keep as a file (`teritoriu import --report
    x.html`): the one layout with the stylesheet inlined."""
    css = (PROJECT_ROOT / "webmap" / "static" / "css" / "map.css").read_text(encoding="utf-8")
    return page_html(f"Raport import: {report.source}", report_html(report), css=css)


def report_html(report) -> Markup:
    """An import report (importers.report.Report) as a page fragment: templates/_import_report.html."""
    return Markup(render("_import_report.html", report=report, summary=report.to_json()["summary"],
                         status_label=import_states.LABELS.get(report.status, report.status),
                         severity_labels=REPORT_SEVERITY))
