"""Indicators (issue 23): a generated year of requests, map use and imports in two UATs, counted
here on its own (plain loops, numpy's percentiles) and compared with /office/indicatori, its CSV
and its JSON; the use counter keeps nothing that names a visitor; a region sees its UATs side by
side; the page is for officers and admins only."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy
import pytest
from factories import browser_sign_in, request_history
from sqlalchemy import text

from gis.db import get_engine
from gis.settings import PROJECT_ROOT

YEAR = 2025
ALFA, BETA, GAMA = 990231, 990232, 990233   # GAMA: no history, for the live beacons
ZONE = ZoneInfo("Europe/Bucharest")
DEADLINE = {"urbanism": 15, "nomenclature": 30}


@pytest.fixture(scope="module")
def history(loaded, make_uat, remove_uats):
    with get_engine(loaded, "owner").begin() as c:
        for i, (siruta, name) in enumerate([(ALFA, "Comuna Alfa"), (BETA, "Comuna Beta"), (GAMA, "Comuna Gama")]):
            make_uat(c, siruta, name, (300000 + i * 5000, 600000, 304000 + i * 5000, 604000))
        written = request_history(c, [ALFA, BETA], YEAR)
    yield written
    remove_uats([ALFA, BETA, GAMA])


def expected(written: dict, uats: list[int]) -> dict:
    """uat → period ("2025-01" … or "year") → indicator → value, counted from what was written."""
    out: dict = {}
    as_of = datetime.now(UTC)

    def month(at) -> str:
        return at.astimezone(ZONE).strftime("%Y-%m")

    for uat in uats:
        per: dict = {p: Counter() for p in [f"{YEAR}-{m:02d}" for m in range(1, 13)] + ["year"]}
        taken: dict = {p: [] for p in per}

        def bump(period: str, key: str, n: int = 1, per: dict = per) -> None:
            if period[:4] == str(YEAR):
                per[period][key] += n
                per["year"][key] += n

        for day, u, kind, n in written["use"]:
            if u == uat:
                bump(day.strftime("%Y-%m"), {"session": "sessions", "search": "searches", "sheet": "sheets"}[kind], n)
        for r in (r for r in written["requests"] if r["uat"] == uat):
            m = month(r["created"])
            bump(m, "requests")
            bump(m, "requests:" + r["kind"])
            bump(m, "channel:online" if r["online"] else "channel:counter")
            if r["status"] != "cancelled" and r["fee"] > 0 and not r["paid"]:
                bump(m, "unpaid")
            end = r["issued_at"] or (as_of if r["status"] in ("received", "review") else None)
            if end is not None and (end - r["created"]).total_seconds() > DEADLINE[r["kind"]] * 86400:
                bump(m, "past_deadline")
            if r["issued_at"] is not None:
                bump(month(r["issued_at"]), "issued")
                if r["issued_at"].astimezone(ZONE).year == YEAR:
                    days = (r["issued_at"] - r["created"]).total_seconds() / 86400
                    taken[month(r["issued_at"])].append(days)
                    taken["year"].append(days)
            if r["cancelled_at"] is not None:
                bump(month(r["cancelled_at"]), "cancelled")
        for u, created, kind, status in written["imports"]:
            if u == uat:
                bump(month(created), "imports")
                bump(month(created), "imports:" + kind)
                if status == "committed":
                    bump(month(created), "imports_committed")
        for p in per:
            per[p]["median_days"] = round(float(numpy.percentile(taken[p], 50)), 1) if taken[p] else None
            per[p]["p90_days"] = round(float(numpy.percentile(taken[p], 90)), 1) if taken[p] else None
        out[uat] = per
    return out


def same(got, want) -> bool:
    """Equal; days (one decimal) within one rounding step: a value on .x5 may round either way in binary."""
    if got is None or want is None:
        return got is want
    return abs(float(got) - float(want)) <= (0.1 + 1e-9 if isinstance(want, float) else 0)


CHECKED = ["sessions", "searches", "sheets", "requests", "requests:urbanism", "requests:nomenclature",
           "channel:online", "channel:counter", "issued", "cancelled", "unpaid", "past_deadline",
           "median_days", "p90_days", "imports", "imports_committed"]


def test_the_generated_year_has_something_of_every_kind(history):
    want = expected(history, [ALFA, BETA])
    for uat in (ALFA, BETA):
        year = want[uat]["year"]
        for key in CHECKED:
            assert year[key] not in (None, 0), f"the generated year has no {key} in {uat}"


def test_json_and_csv_equal_the_numbers_counted_apart(history, staff_client):
    client, _ = staff_client("officer", uats=[ALFA, BETA], username="test.regiune")
    want = expected(history, [ALFA, BETA])
    answer = client.get(f"/office/indicatori.json?year={YEAR}")
    assert answer.status_code == 200
    got = answer.get_json()
    assert [c["key"] for c in got["columns"]] == [str(ALFA), str(BETA), "total"]  # side by side, then both
    assert got["ogc_by_key"] is None            # agency keys are not a UAT's: deployment only
    compared = 0
    for uat in (ALFA, BETA):
        for period, values in want[uat].items():
            for key in CHECKED:
                assert same(got["values"][str(uat)][period].get(key, 0), values[key]), (uat, period, key)
                compared += 1
    assert compared == 2 * 13 * len(CHECKED)
    for key in ("requests", "issued", "sessions", "unpaid"):  # the region's total adds its UATs
        assert got["values"]["total"]["year"][key] == want[ALFA]["year"][key] + want[BETA]["year"][key] > 0
    pooled = [(r["issued_at"] - r["created"]).total_seconds() / 86400 for r in history["requests"]
              if r["issued_at"] is not None and r["issued_at"].astimezone(ZONE).year == YEAR]
    assert same(got["values"]["total"]["year"]["p90_days"], round(float(numpy.percentile(pooled, 90)), 1))

    answer = client.get(f"/office/indicatori.csv?year={YEAR}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    table = {(r["uat_siruta"], r["period"], r["indicator"]): r["value"] for r in rows}
    for uat in (ALFA, BETA):
        for period, values in want[uat].items():
            label = str(YEAR) if period == "year" else period
            for key in CHECKED:
                cell = table.get((str(uat), label, key), "0")
                assert same(float(cell) if cell else None, values[key]), (uat, period, key)


def _glance(html: str) -> dict:
    """The page's "at a glance" table: indicator → [cells in column order]; and the column names."""
    block = re.search(r'<table class="t-table" id="glance">(.*?)</table>', html, re.S).group(1)
    heads = re.findall(r'<th scope="col" data-column="[^"]+">([^<]*)</th>', block)
    rows = {m.group(1): re.findall(r"<td>([^<]*)</td>", m.group(2))
            for m in re.finditer(r'<tr data-indicator="([^"]+)">(.*?)</tr>', block, re.S)}
    return {"columns": heads, "rows": rows}


def test_the_page_shows_the_same_numbers_side_by_side(history, staff_client):
    client, _ = staff_client("officer", uats=[ALFA, BETA], username="test.regiune")
    want = expected(history, [ALFA, BETA])
    answer = client.get(f"/office/indicatori?year={YEAR}")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    glance = _glance(html)
    assert glance["columns"] == ["Comuna Alfa", "Comuna Beta", "Total"]
    for key in ["sessions", "requests", "issued", "cancelled", "median_days", "p90_days", "past_deadline", "unpaid"]:
        cells = glance["rows"][key]
        for i, uat in enumerate((ALFA, BETA)):
            value = want[uat]["year"][key]
            assert same(None if cells[i] == "—" else float(cells[i]), value), (key, uat)
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html and 'id="chart-requests"' in html
    assert 'id="table-requests"' in html  # each chart has its table of figures
    english = client.get(f"/office/indicatori?year={YEAR}&lang=en").get_data(as_text=True)
    assert "Requests by month" in english and "parcel sheets opened" in english


def test_an_officer_of_one_uat_sees_only_it(history, staff_client):
    client, _ = staff_client("officer", uats=[BETA], username="test.beta")
    got = client.get(f"/office/indicatori.json?year={YEAR}").get_json()
    assert [c["key"] for c in got["columns"]] == [str(BETA), "total"]
    assert got["values"]["total"]["year"]["requests"] == expected(history, [BETA])[BETA]["year"]["requests"] > 0


def test_who_may_read_the_indicators(history, client, staff_client):
    answer = client.get("/office/indicatori")            # anonymous, or a citizen (no staff session)
    assert answer.status_code == 303 and "/office/login" in answer.headers["Location"]
    assert client.get("/office/indicatori.csv").status_code == 303
    surveyor, _ = staff_client("surveyor")
    assert surveyor.get("/office/indicatori.json").status_code == 403
    admin, _ = staff_client("admin")
    got = admin.get(f"/office/indicatori.json?year={YEAR}").get_json()
    keys = [c["key"] for c in got["columns"]]
    assert {str(ALFA), str(BETA)} <= set(keys) and keys[-1] == "total"
    assert got["ogc_by_key"] == {}                        # the deployment's view has the agencies' table
    bad = admin.get("/office/indicatori.json?year=abc")
    assert bad.status_code == 400 and "anul" in bad.get_json()["message"]


def test_the_use_counter_keeps_no_visitor(history, app, client, engine):
    columns = {r[0]: r[1] for r in engine.connect().execute(text(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'audit' AND table_name = 'use_count'"))}
    assert columns == {"day": "date", "uat_siruta": "integer", "kind": "text", "n": "bigint"}
    headers = {"User-Agent": "Canar/1.0 (urmărire)", "X-Forwarded-For": "203.0.113.77", "Cookie": "lang=ro"}
    for kind in ("session", "session", "search"):
        answer = client.post(f"/api/usage/{kind}?uat={GAMA}", headers=headers)
        assert answer.status_code == 204 and "Set-Cookie" not in answer.headers
    app.extensions["teritoriu.map_use"].flush()
    with engine.connect() as c:
        counts = dict(c.execute(text("SELECT kind, sum(n) FROM audit.use_count WHERE uat_siruta = :u GROUP BY 1"),
                                {"u": GAMA}).all())
        assert counts == {"session": 2, "search": 1}
        kinds = set(c.execute(text("SELECT DISTINCT kind FROM audit.use_count")).scalars())
        assert kinds <= {"session", "search", "sheet"}
        canary = c.execute(text("SELECT count(*) FROM audit.use_count WHERE "
                                "concat_ws(' ', day, uat_siruta, kind, n) ~ '203\\.0\\.113|Canar'")).scalar()
        assert canary == 0
    assert client.post("/api/usage/visitor").status_code == 404
    assert client.post("/api/usage/session?uat=abc").status_code == 400
    assert client.post("/api/usage/session?uat=987654321").status_code == 204  # unknown UAT: dropped at flush
    app.extensions["teritoriu.map_use"].flush()


def test_a_parcel_sheet_served_is_counted_for_its_uat(history, app, client, engine, parcel):
    def sheets() -> int:
        with engine.connect() as c:
            return c.execute(text("SELECT coalesce(sum(n), 0) FROM audit.use_count WHERE kind = 'sheet' "
                                  "AND uat_siruta = (SELECT uat_siruta FROM cadastre.parcel WHERE id = :i)"),
                             {"i": parcel["id"]}).scalar()

    app.extensions["teritoriu.map_use"].flush()
    before = sheets()
    assert client.get(f"/api/parcels/at?lon={parcel['lon']}&lat={parcel['lat']}").status_code == 200
    assert client.get("/api/parcels/at?lon=0&lat=0").status_code == 404   # no sheet, no count
    app.extensions["teritoriu.map_use"].flush()
    assert sheets() == before + 1


@pytest.mark.e2e
def test_screenshot_of_the_page(history, browser, live_server, make_user, artifacts):
    make_user("test.regiune", "officer", [ALFA, BETA])
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    browser_sign_in(page, live_server, "test.regiune")
    page.goto(f"{live_server}/office/indicatori?year={YEAR}")
    page.wait_for_function("document.getElementById('chart-kinds').width > 0")
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 3
    # accessible: no serious axe-core violation (the page's CSP: axe is evaluated through the driver)
    axe = PROJECT_ROOT / "webmap" / "node_modules" / "axe-core" / "axe.min.js"
    page.evaluate(axe.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})")
    serious = [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.screenshot(path=str(artifacts / "indicators.png"))
    # the page scrolls inside its panel: the whole of it in a viewport as tall as its content
    page.set_viewport_size({"width": 1366, "height": page.evaluate("document.querySelector('main').scrollHeight + 80")})
    page.screenshot(path=str(artifacts / "indicators-all.png"))
    page.close()


def test_edits_and_agency_keys_of_this_year(history, loaded, staff_client, client, engine):
    """What the audit trail holds: edits by kind per UAT, OGC API uses per agency key (deployment)."""
    from gis.apikeys import create_key
    from gis.db import session_scope

    this_year = datetime.now(ZONE).year
    with engine.begin() as c:
        c.execute(text("SELECT set_config('teritoriu.actor', 'officer:test', true)"))
        for number, x in (("G1", 310100), ("G2", 310200)):
            c.execute(text("INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) "
                           "VALUES (:u, :n, 'CC', true, ST_Multi(ST_MakeEnvelope(:x, 600100, :x + 50, 600150, 3844)))"),
                      {"u": GAMA, "n": number, "x": x})
        c.execute(text("UPDATE cadastre.parcel SET land_book_number = '12345' "
                       "WHERE uat_siruta = :u AND cadastral_number = 'G1'"), {"u": GAMA})
    with session_scope(loaded, actor="test") as s:
        row, key = create_key(s, "Agenția Indicatori", ["agri_plots"])
        prefix = row.prefix
    for _ in range(2):
        answer = client.get("/ogc/collections/agri_plots/items?f=json&limit=1", headers={"X-API-Key": key})
        assert answer.status_code == 200
    admin, _ = staff_client("admin")
    got = admin.get(f"/office/indicatori.json?year={this_year}").get_json()
    gama = got["values"][str(GAMA)]["year"]
    assert gama["edits:cadastre.parcel"] == 3 and gama["edits"] == 3     # two parcels added, one changed
    assert got["ogc_by_key"][f"Agenția Indicatori ({prefix})"]["year"] == 2
    page = admin.get(f"/office/indicatori?year={this_year}").get_data(as_text=True)
    assert f"Agenția Indicatori ({prefix})" in page and "editări: parcelă" in page


@pytest.mark.e2e
def test_the_public_map_in_a_browser_counts_a_session_and_a_search(history, app, browser, live_server, engine, parcel):
    """Chromium opens the public map (one session beacon), searches a parcel and picks it (one search
    beacon, one sheet served): the counts grow by exactly that, and no cookie comes back."""
    with engine.connect() as c:
        uat = c.execute(text("SELECT uat_siruta FROM cadastre.parcel WHERE id = :i"), {"i": parcel["id"]}).scalar()

    def counts() -> dict:
        app.extensions["teritoriu.map_use"].flush()
        with engine.connect() as c:
            return dict(c.execute(text("SELECT kind, sum(n) FROM audit.use_count WHERE uat_siruta = :u GROUP BY 1"),
                                  {"u": uat}).all())

    before = counts()
    context = browser.new_context()
    page = context.new_page()
    finished = lambda kind: lambda r: f"/api/usage/{kind}" in r.url  # noqa: E731
    with page.expect_event("requestfinished", finished("session")):
        page.goto(f"{live_server}/u/{uat}/")
    page.fill("#t-search", parcel["cadastral_number"])
    page.wait_for_selector("#t-suggestions li")
    with page.expect_event("requestfinished", finished("search")):
        page.keyboard.press("Enter")
    page.wait_for_selector("#t-panel:not([hidden])")
    after = counts()
    assert [after.get(k, 0) - before.get(k, 0) for k in ("session", "search", "sheet")] == [1, 1, 1]
    assert not [c for c in context.cookies() if c["name"] != "lang"]
    context.close()
