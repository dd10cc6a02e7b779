"""The officer's decisions at the desk walked in Chromium (issue 19): the approvals ticked from the
county's list, the verdict on the declared purpose with its reason (a refusal shown on the page,
in English for an officer who reads English), and the extension of the issued certificate. The
database is asserted afterwards; screenshots go to var/artifacts/desk/."""

from __future__ import annotations

from datetime import date

import pytest
from factories import STAFF_PASSWORD
from sqlalchemy import text

pytestmark = pytest.mark.e2e


def test_an_officer_chooses_approvals_overrides_the_verdict_and_extends(browser, live_server, make_user, engine,
                                                                       client, loaded, artifacts):
    from gis.certificates.workflow import issue_request, send_to_review

    shots = artifacts / "desk"
    shots.mkdir(exist_ok=True)
    make_user("desk.decider", "officer")
    filed = client.post("/api/certificates", json={"type": "urbanism", "parcels": ["51760"],
                                                   "purpose": "locuință P+1E", "applicant_name": "Radu Decizie"},
                        environ_base={"REMOTE_ADDR": "10.83.0.4"})
    assert filed.status_code == 201, filed.data
    rid = filed.get_json()["id"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ro-RO")  # a Romanian officer
    page = context.new_page()
    page.goto(f"{live_server}/office/requests/{rid}")
    page.wait_for_selector("#username")
    page.fill("#username", "desk.decider")
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/office/requests/{rid}")

    # the approvals: the county's list with the defaults ticked; the officer adds gas, drops the geotechnical study
    form = page.locator("#approvals-form")
    assert form.locator("input[name=approval]").count() >= 13
    page.get_by_label("Aviz de alimentare cu gaze naturale", exact=False).check()
    page.get_by_label("Studiu geotehnic", exact=False).uncheck()
    page.screenshot(path=str(shots / "approvals.png"), full_page=True)
    page.click("#approvals-save")
    page.wait_for_url(f"**/office/requests/{rid}")
    with engine.connect() as c:
        chosen = c.execute(text("SELECT chosen_approvals FROM registry.request WHERE id = :i"), {"i": rid}).scalar()
    assert "d1_gas" in chosen and "d4_geotech" not in chosen and "d1_energy" in chosen
    assert page.get_by_label("Aviz de alimentare cu gaze naturale", exact=False).is_checked()

    # the verdict: a reason too short is refused on the page, in the officer's language
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page.goto(f"{live_server}/office/requests/{rid}")
    page.get_by_label("may not be used for the declared purpose").check()
    page.fill("#verdict-reason", "scurt")
    page.click("#verdict-save")
    alert = page.locator("[role=alert]")
    alert.wait_for()
    assert "the reason is required (10–500 characters)" in alert.inner_text()
    page.screenshot(path=str(shots / "verdict-refused-en.png"), full_page=True)
    context.add_cookies([{"name": "lang", "value": "ro", "url": live_server}])
    reason = "Zona A1-2 interzice locuințele (RLU, art. 3): terenul nu poate fi folosit în acest scop"
    page.goto(f"{live_server}/office/requests/{rid}")
    page.get_by_label("nu poate fi utilizat în scopul declarat").check()
    page.fill("#verdict-reason", reason)
    page.click("#verdict-save")
    page.wait_for_selector("#verdict")
    assert reason in page.inner_text("#verdict") and "nu poate fi utilizat" in page.inner_text("#verdict")
    page.screenshot(path=str(shots / "verdict.png"), full_page=True)

    # issued (the flow itself is walked in test_desk_flow), then extended once on the page
    send_to_review(loaded, rid, "officer:test")
    issue_request(loaded, rid, "officer:test", True)
    page.goto(f"{live_server}/office/requests/{rid}")
    page.wait_for_selector("#extension-form")
    assert page.locator("#approvals-form").count() == 0 and page.locator("#verdict-form").count() == 0
    page.get_by_label("Cererea de prelungire (nr. și data înregistrării)").fill("cererea nr. 901 din azi")
    page.get_by_label("Depusă la data").fill(date.today().isoformat())
    page.get_by_label("Durata (luni)").fill("9")
    page.screenshot(path=str(shots / "extension-form.png"), full_page=True)
    page.click("#extension-save")
    page.wait_for_selector("#extension")
    page.screenshot(path=str(shots / "extended.png"), full_page=True)
    with engine.connect() as c:
        until, months, by = c.execute(text(
            "SELECT e.extended_until, e.months, e.created_by FROM registry.extension e JOIN registry.document d "
            "ON d.id = e.document_id WHERE d.request_id = :i"), {"i": rid}).one()
    assert months == 9 and by.endswith("desk.decider")
    assert f"prelungit până la {until:%d.%m.%Y} prin cererea nr. 901 din azi" in page.inner_text("#extension")
    response = page.request.get(live_server + page.get_attribute("#extended-pdf", "href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    context.close()
