"""Render a certificate's facts to an A4 PDF (HTML/CSS templates, WeasyPrint, in-process)."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from pathlib import Path

import segno
import weasyprint
from jinja2 import Environment, FileSystemLoader, select_autoescape

from gis import land_use
from gis.certificates.authorities import signatory_titles
from gis.certificates.kinds import get_kind
from gis.certificates.map_extract import MapExtract
from gis.certificates.rules import CertificateFacts, config, profile_of
from gis.certificates.wording import plan_title, ro_date, ro_number

TEMPLATES = Path(__file__).with_name("templates")


def fmt(value, digits: int = 2) -> str:
    """Romanian number format: 1.234,5 (no trailing zeros)."""
    if value is None:
        return "—"
    text = f"{float(value):,.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@cache
def _env(folder: str | None, own: Path | None = None) -> Environment:
    """Templates of a national profile: its own folder first (if any), then the kind's own folder
    (if it has one), then the common ones."""
    paths = ([TEMPLATES / folder] if folder else []) + ([own] if own else []) + [TEMPLATES]
    env = Environment(loader=FileSystemLoader(paths), autoescape=select_autoescape(["html"]))
    env.globals.update(fmt=fmt, money=money, category=land_use.name, m2=ro_number, ro_date=ro_date,
                       plan_title=plan_title)
    return env


def qr_svg(url: str) -> str:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", xmldecl=False, svgns=True, scale=2, border=1)
    return buf.getvalue().decode()


def render_pdf(facts: CertificateFacts, extract: MapExtract, number_label: str, code: str,
               verify_url: str, draft: bool) -> bytes:
    zones, seen = [], set()
    for p in facts.parcels:
        for z in p.zones:
            if (z.document_code, z.code) not in seen:
                seen.add((z.document_code, z.code))
                zones.append(z)
    profile = profile_of(facts.profile or None)
    rules = config(profile.code, facts.uat.settings)
    # the UAT's emblem (territory.uat.settings "emblem": an image file on this server), else a placeholder
    emblem = Path(facts.uat.settings.get("emblem") or "/nonexistent")
    emblem = emblem.resolve().as_uri() if emblem.is_file() else None
    kind = get_kind(facts.kind)
    html = _env(profile.certificate_templates, kind.templates).get_template(kind.template_name).render(
        facts=facts, extract=extract, number_label=number_label, code=code, verify_url=verify_url,
        draft=draft, zones=zones, qr_svg=qr_svg(verify_url),
        signatories=signatory_titles(rules["signatories"], facts.uat.kind),
        # the signatories' names (territory.uat.settings "signatory_names": {"mayor": "…"}), printed under the title
        signatory_names=facts.uat.settings.get("signatory_names", {}), emblem=emblem,
        wording=rules.get("wording", {}), profile=profile, crs_name=profile.crs_name,
        variants=rules.get("urbanism", {}).get("variants", {}),  # Moldova's two CUs (urbanism_md.py)
        nonbuildable=rules.get("nonbuildable_restrictions", {}),
        css=(TEMPLATES / "base.css").read_text(encoding="utf-8"))
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
