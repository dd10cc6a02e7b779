"""Pages from templates (webmap/templates): one layout, every script with the request's CSP nonce,
the map scripts as ES modules configured by the page's JSON block (never a JS copy of a vocabulary),
text escaped by the templates."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gis import land_use

JS = Path(__file__).resolve().parent.parent / "webmap" / "static" / "js"


def scripts(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", page)


def config(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="t-config">(.*?)</script>', page, re.S)
    assert block, "the page has no configuration block"
    return json.loads(block.group(1))


def test_the_public_map_is_one_layout_with_nonced_scripts_and_modules(client):
    r = client.get("/?lang=en")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and page.count("<header class=\"t-header\">") == 1
    nonces = {re.search(r'nonce="([^"]+)"', s).group(1) for s in scripts(page) if "application/json" not in s}
    assert len(nonces) == 1, scripts(page)  # one nonce, on every script
    assert all("nonce=" in s for s in scripts(page) if "application/json" not in s)
    assert '<script type="module"' in page and "/static/js/public/main.js" in page
    assert "TeritoriuMap.init" not in page  # no inline call into a global: the module reads its config
    c = config(page)
    assert c["categories"] == land_use.names("en") and c["map"] in page and c["basemap"] in page
    assert client.get("/?lang=en").get_data(as_text=True).count(next(iter(nonces))) == 0  # fresh per request


def test_the_office_map_takes_its_vocabularies_from_the_page(staff_client):
    client, _ = staff_client("officer")
    page = client.get("/office/map?lang=hu").get_data(as_text=True)
    c = config(page)
    assert c["categories"] == land_use.names("hu") and c["default_category"] == land_use.DEFAULT
    assert c["problem_kinds"]["overlap"] and "/static/js/office/main.js" in page
    options = re.findall(r'<select id="f-category" name="use_category">(.*?)</select>', page)[0]
    assert re.findall(r'value="([^"]+)"', options) == land_use.choices()


def test_no_script_carries_a_copy_of_a_vocabulary():
    names = {n for names in land_use.CATEGORIES.values() for n in names.values()}
    for path in JS.rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        assert not [n for n in names if f'"{n}"' in source], path  # the categories' names
        assert "suprapunere" not in source, path                    # the problem kinds' names


def test_staff_pages_escape_what_they_show(staff_client):
    client, _ = staff_client("officer")
    page = client.get('/office/audit?actor="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_import_report_page_is_the_layout_with_the_stylesheet_inlined():
    from importers.report import Report
    from webmap.simple_page import report_document

    report = Report(source="<b>parcele</b>.zip", kind="parcels", status="rejected")
    report.add("error", "bad_number", "numărul <x> nu este valid", layer="parcele", feature=3)
    page = report_document(report)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ro">' in page and "<style>" in page
    assert "<title>Raport import: &lt;b&gt;parcele&lt;/b&gt;.zip</title>" in page
    assert 'data-code="bad_number"' in page and "numărul &lt;x&gt; nu este valid" in page
