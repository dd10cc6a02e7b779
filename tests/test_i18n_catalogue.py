"""The gettext catalogues (gis/locales/*/messages.po, gis/texts.py): every entry in every language its
surfaces need, the same placeholders in each, every text a template asks for present, numbers and dates in
each locale, and tools/dicts_to_po.py porting another branch's dict block."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from gis import import_states, request_states
from gis.texts import catalogue, date, entries, moment, number, percent

ROOT = Path(__file__).resolve().parent.parent
# the languages each kind of entry needs: the map pages serve both profiles (Moldova: ro/ru/en),
# a profile's own wording its profile's languages, the rest ro/en/hu (the Romanian profile's)
NEEDS = {"map": {"ro", "en", "hu", "ru"}, "map:MD": {"ro", "en", "ru"}, "message": {"ro", "en", "hu"},
         "verify": {"ro", "en", "hu"}, "office": {"ro", "en", "hu", "ru"}}  # office: ru for the MD profile's staff


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_entry_has_the_languages_its_surface_needs():
    contexts = {ctx for ctx, _ in catalogue()}
    assert contexts == set(NEEDS), "a new msgctxt needs its languages declared here"
    for ctx, needed in NEEDS.items():
        found = entries(ctx)
        assert len(found) >= {"map:MD": 3, "verify": 20}.get(ctx, 40), ctx
        for msgid, langs in found.items():
            missing = needed - {lang for lang, text in langs.items() if text.strip()}
            assert not missing, f"[{ctx}] {msgid!r} has no {sorted(missing)}"


def test_placeholders_are_the_same_in_every_language():
    checked = 0
    for (ctx, msgid), langs in catalogue().items():
        ro = placeholders(langs["ro"])
        for lang, text in langs.items():
            assert placeholders(text) == ro, f"[{ctx}] {msgid!r}: {lang} has {placeholders(text)}, ro {ro}"
        checked += bool(ro)
    assert checked > 100  # many entries carry values


def test_office_entries_are_keyed_by_their_romanian_text():
    office = entries("office")
    assert all(langs["ro"] == msgid for msgid, langs in office.items())


def test_every_text_a_template_or_vocabulary_asks_for_is_in_the_catalogue():
    """`t("…")` in a template and the state names the pages show: a text missing here would show in
    Romanian on an English page."""
    office = entries("office")
    asked = set()
    for path in (ROOT / "webmap" / "templates").glob("*.html"):
        source = path.read_text(encoding="utf-8")
        asked |= set(re.findall(r'\bt\("([^"]+)"', source)) | set(re.findall(r"\bt\('([^']+)'", source))
    asked |= set(request_states.LABELS.values()) | set(import_states.LABELS.values())
    # the Romanian words the staff pages pass through tr(): actions, layers, severities, the audit's labels
    from api.desk import ACTION_LABELS
    from api.office import ACTIONS
    from webmap import audit_view, imports, simple_page

    asked |= set(ACTION_LABELS.values()) | set(ACTIONS.values()) | set(simple_page.REPORT_SEVERITY.values())
    asked |= {label for _, label in imports.LAYERS + imports.LEGEND} | {label for _, label, _ in imports.DECISIONS}
    asked |= set(audit_view.TABLES.values()) | set(audit_view.FIELDS.values())
    assert len(asked) > 200
    assert sorted(asked - set(office)) == []


def test_numbers_and_dates_follow_the_locale():
    assert [number(7.59, lang, 2) for lang in ("ro", "en", "hu")] == ["7,59", "7.59", "7,59"]
    assert number(12345.5, "ro", 2) == "12.345,50" and number(12345.5, "en", 2) == "12,345.50"
    day = dt.date(2026, 12, 1)
    assert date(day, "ro") == "01.12.2026" and date(day, "hu") == "2026. 12. 01." and date(day, "en") == "01/12/2026"
    assert date("2026-12-01", "ro") == "01.12.2026" and date(None, "ro") == "—"
    assert moment(dt.datetime(2026, 12, 1, 20, 5), "ro").startswith("01.12.2026")
    assert percent(0.02, "en") == "2%" and percent(0.02, "ro") == "2\xa0%"


BRANCH_MODULE = '''
TEXTS = {
    "public_map_title": {"ro": "Harta publică", "en": "Public map", "hu": "Nyilvános térkép", "ru": "Публичная карта"},
    # --- branch demo ---
    "demo_key": {"ro": "Text nou {n}", "en": "New text {n}", "hu": "Új szöveg {n}", "ru": "Новый текст {n}"},
}
OFFICE = {
    "Salvează": ("Save", "Mentés"),
    # --- branch demo ---
    "Text de birou": ("Desk text", "Irodai szöveg"),
}
'''


def test_dicts_to_po_ports_a_branch_block_and_only_that(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "gis" / "locales", locales)
    module = tmp_path / "branch_i18n.py"
    module.write_text(BRANCH_MODULE, encoding="utf-8")
    tool = [sys.executable, str(ROOT / "tools" / "dicts_to_po.py"), str(module), "--block", "demo", "--locales",
            str(locales)]
    out = subprocess.run(tool, capture_output=True, text=True, check=True).stdout
    assert "2 entries read" in out and "public_map_title" not in out
    hu = (locales / "hu" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert 'msgctxt "map"\nmsgid "demo_key"\nmsgstr "Új szöveg {n}"' in hu
    assert 'msgctxt "office"\nmsgid "Text de birou"\nmsgstr "Irodai szöveg"' in hu
    assert subprocess.run(tool, capture_output=True, text=True).stdout.startswith("nothing to change")
    # another text for an existing entry is a conflict, reported, not written
    module.write_text(BRANCH_MODULE.replace("Új szöveg", "Más szöveg"), encoding="utf-8")
    again = subprocess.run(tool, capture_output=True, text=True)
    assert again.returncode == 2 and "conflict hu [map] 'demo_key'" in again.stdout
    assert "Más szöveg" not in (locales / "hu" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["ro", "en", "hu", "ru"])
def test_the_catalogue_files_parse_and_hold_no_fuzzy_entries(lang):
    from babel.messages.pofile import read_po

    with (ROOT / "gis" / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    real = [m for m in catalog if m.id]
    assert len(real) > 50 and not [m.id for m in real if m.fuzzy]
