"""/office/indicatori as a page: the indicators (gis/indicators.py) in tables, with charts drawn by
Chart.js (webmap/static/vendor/chartjs, webmap/static/js/office/indicators.js) from the same numbers.
Every chart has its table beside it (the figures for screen readers and for print)."""

from __future__ import annotations

from gis.certificates.kinds import get_kind
from gis.indicators import Indicators
from webmap.audit_view import TABLES
from webmap.i18n import tr
from webmap.templating import render

# indicator → its name (a catalogue key, webmap/i18n.py OFFICE)
NAMES = {"sessions": "sesiuni", "searches": "căutări", "sheets": "fișe de parcelă deschise",
         "requests": "cereri înregistrate", "issued": "emise", "cancelled": "anulate",
         "channel:online": "online", "channel:counter": "la ghișeu", "median_days": "mediana (zile)",
         "p90_days": "percentila 90 (zile)", "past_deadline": "peste termen", "unpaid": "neachitate",
         "imports": "importuri", "imports_committed": "importuri finalizate", "edits": "editări"}
GLANCE = ["sessions", "searches", "sheets", "requests", "channel:online", "channel:counter", "issued", "cancelled",
          "median_days", "p90_days", "past_deadline", "unpaid", "imports", "edits"]
MAP_USE = ["sessions", "searches", "sheets"]
REQUESTS = ["requests", "issued", "cancelled"]
TIMES = ["median_days", "p90_days", "past_deadline", "unpaid"]


def label(indicator: str, lang: str) -> str:
    if indicator in NAMES:
        return tr(NAMES[indicator], lang)
    base, _, detail = indicator.partition(":")
    if base == "edits":
        detail = TABLES.get(detail, detail)
    elif base == "requests":
        kind = get_kind(detail)
        detail = kind.label(lang) if kind is not None else detail
    return f"{tr(NAMES.get(base, base), lang)}: {detail}"


def _table(found: Indicators, key: str, indicators: list[str]) -> list[list]:
    """Month rows × indicator columns of one column (a UAT or the total), the year last."""
    periods = [*found.months, "year"]
    return [[p, *[found.values[key][p].get(i, 0) for i in indicators]] for p in periods]


def indicators_html(found: Indicators, lang: str, languages: list[tuple[str, str]], user: dict, csrf: str,
                    total: str) -> str:
    names = found.indicator_names()
    kinds = sorted(i for i in names if i.startswith("requests:"))
    channels = ["channel:online", "channel:counter"]
    detail = sorted(i for i in names if i.startswith(("imports:", "edits:")))
    columns = found.columns if len(found.columns) > 2 else found.columns[-1:]  # one UAT: its total is itself
    charts = {
        "use": {"type": "line", "labels": found.months, "series": [
            {"label": label(i, lang), "data": [found.values[total][m].get(i, 0) for m in found.months]}
            for i in MAP_USE]},
        "requests": {"type": "line", "labels": found.months, "series": [
            {"label": label(i, lang), "data": [found.values[total][m].get(i, 0) for m in found.months]}
            for i in REQUESTS]},
        # the bars' labels without "requests registered: " (the chart's title says it)
        "kinds": {"type": "bar",
                  "labels": [label(i, lang).partition(": ")[2] or label(i, lang) for i in kinds + channels],
                  "series": [
            {"label": name, "data": [found.values[key]["year"].get(i, 0) for i in kinds + channels]}
            for key, name in columns]},
    }
    t = lambda text: tr(text, lang)  # noqa: E731
    return render("office_indicators.html", title=f"Teritoriu — {t('Indicatori')}", lang=lang, languages=languages,
                  language_label="Limba / Language / Nyelv", user=user, csrf=csrf, t=t,
                  found=found, total=total, columns=columns, label=lambda i: label(i, lang),
                  glance=GLANCE, kinds=kinds, channels=channels, detail=detail, times=TIMES,
                  use_table=_table(found, total, MAP_USE), requests_table=_table(found, total, REQUESTS),
                  charts=charts, deadlines=[(label(f"requests:{k}", lang).partition(": ")[2] if k != "*"
                                             else t("celelalte tipuri"), days)
                                            for k, days in found.deadline_days.items()])
