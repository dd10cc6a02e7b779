"""The request desk walked in Chromium as an officer: sign in through the page the desk link
opens, the list, a request's page, the payment, the review, the confirmed issue; then the audit
page. The database is asserted afterwards; screenshots go to var/artifacts/."""

from __future__ import annotations

from datetime import date

import pytest
from factories import STAFF_PASSWORD
from sqlalchemy import text

pytestmark = pytest.mark.e2e


def test_an_officer_records_the_payment_reviews_and_issues_at_the_desk(browser, live_server, make_user, engine,
                                                                      client, artifacts):
    make_user("desk.walker", "officer")
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY id DESC LIMIT 1")).scalar_one()
    filed = client.post("/api/certificates", json={"type": "urbanism", "parcels": [number],
                                                   "purpose": "construire locuință P+1E",
                                                   "applicant_name": "Elena Ghișeu"},
                        environ_base={"REMOTE_ADDR": "10.82.0.3"}).get_json()
    rid = filed["id"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/office/requests/{rid}")  # no session: the sign-in page, then back here
    page.wait_for_selector("#username")
    page.fill("#username", "desk.walker")
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/office/requests/{rid}")
    assert page.locator("#issue-form").count() == 0 and page.locator("#draft").count() == 1
    page.fill("#receipt", "CH-2026-77")
    page.fill("#paid_on", date.today().isoformat())
    page.click("text=Înregistrează plata")
    page.wait_for_selector("#payment:has-text('CH-2026-77')")
    page.click("text=Trimite la verificare")
    page.wait_for_selector("#issue-form")
    page.screenshot(path=str(artifacts / "desk-before-issue.png"), full_page=True)
    page.click("#issue")  # the confirmation is not ticked: the browser holds the form
    assert page.locator("#code").count() == 0
    page.check("input[name=confirm]")
    page.click("#issue")
    page.wait_for_selector("#code")
    page.screenshot(path=str(artifacts / "desk-after-issue.png"), full_page=True)
    code = page.inner_text("#code").strip()
    with engine.connect() as c:
        status, receipt, stored_code = c.execute(text(
            "SELECT r.status, r.paid_receipt, d.verification_code FROM registry.request r "
            "JOIN registry.document d ON d.request_id = r.id WHERE r.id = :i"), {"i": rid}).one()
    assert (status, receipt, stored_code) == ("issued", "CH-2026-77", code)
    response = page.request.get(live_server + page.get_attribute("#document", "href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    page.click("text=Istoricul cererii")
    page.wait_for_selector("table.t-changes")
    page.screenshot(path=str(artifacts / "desk-audit.png"), full_page=True)
    assert page.locator("td:text-is('emis')").count() >= 1
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                storage_state=context.storage_state())
    small = phone.new_page()
    small.goto(f"{live_server}/office")
    small.wait_for_selector("#requests")
    small.screenshot(path=str(artifacts / "desk-list-phone.png"), full_page=True)
    assert small.locator(f"a[href='/office/requests/{rid}']").count() == 1
    phone.close()
    context.close()
