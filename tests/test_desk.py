"""The request desk (/office/requests/<id>): issuing only after review and with the officer's
confirmation, the payment recorded and printed, the sign-in that returns where the officer was
going, the audit page in words, a surveyor's desk without applicants."""

from __future__ import annotations

import itertools
import re
import subprocess
from datetime import date, timedelta

import pytest
from factories import STAFF_PASSWORD, csrf_token
from sqlalchemy import text

from gis.request_states import LABELS


@pytest.fixture(scope="module")
def officer(staff_client):
    client, headers = staff_client("officer", username="desk.officer")
    return client, headers["X-CSRF-Token"]


ADDRESSES = (f"10.81.{n // 250}.{n % 250 + 1}" for n in itertools.count())  # one per request: the filing quota


def new_request(client, engine, kind: str = "nomenclature") -> dict:
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY id LIMIT 1")).scalar_one()
    r = client.post("/api/certificates", json={"type": kind, "parcels": [number], "purpose": "informare",
                                               "applicant_name": "Maria Desk"},
                    environ_base={"REMOTE_ADDR": next(ADDRESSES)})
    assert r.status_code == 201, r.data
    return r.get_json()


def row(engine, request_id: int):
    with engine.connect() as c:
        return c.execute(text("SELECT status, paid_amount, paid_receipt, paid_on, "
                              "(SELECT count(*) FROM registry.document d WHERE d.request_id = r.id) "
                              "FROM registry.request r WHERE id = :i"), {"i": request_id}).one()


def test_issue_only_after_review_with_confirmation_then_the_page_shows_the_document(officer, client, engine):
    desk, token = officer
    a = new_request(client, engine)
    rid = a["id"]
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    assert 'id="draft"' in page and 'id="issue-form"' not in page  # received: the draft, no "Emite"
    refused = desk.post(f"/office/requests/{rid}/issue", data={"csrf": token, "confirm": "1", "unpaid": "1"})
    assert refused.status_code == 409 and "numai după verificare" in refused.get_data(as_text=True)
    assert row(engine, rid)[0] == "received"
    assert desk.post(f"/office/requests/{rid}/review", data={"csrf": token}).status_code == 303
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    assert 'id="issue-form"' in page and 'name="unpaid"' in page  # in review, unpaid: two tick boxes
    unticked = desk.post(f"/office/requests/{rid}/issue", data={"csrf": token})
    assert unticked.status_code == 400 and "Bifați confirmarea" in unticked.get_data(as_text=True)
    unpaid = desk.post(f"/office/requests/{rid}/issue", data={"csrf": token, "confirm": "1"})
    assert unpaid.status_code == 409 and "nu este înregistrată" in unpaid.get_data(as_text=True)
    assert row(engine, rid)[0] == "review" and row(engine, rid)[4] == 0


@pytest.mark.parametrize("amount,receipt,paid_on,message", [
    ("abc", "123", date.today().isoformat(), "un număr de lei"),
    ("0", "123", date.today().isoformat(), "mai mare decât zero"),
    ("1.00", "123", date.today().isoformat(), "mai mică decât taxa"),
    ("7,00", "", date.today().isoformat(), "numărul chitanței"),
    ("7,00", "123", (date.today() + timedelta(days=2)).isoformat(), "în viitor"),
    ("7,00", "123", "31.02.2026", "o dată"),
])
def test_a_wrong_payment_is_refused_in_words_and_nothing_is_stored(officer, client, engine, amount, receipt,
                                                                   paid_on, message):
    desk, token = officer
    rid = new_request(client, engine)["id"]
    r = desk.post(f"/office/requests/{rid}/payment",
                  data={"csrf": token, "amount": amount, "receipt": receipt, "paid_on": paid_on})
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert f'value="{receipt}"' in r.get_data(as_text=True)  # the form keeps what was typed
    assert row(engine, rid)[1:4] == (None, None, None)


def test_a_paid_request_is_issued_and_the_certificate_prints_the_receipt(officer, client, engine, tmp_path):
    desk, token = officer
    a = new_request(client, engine)
    rid, fee = a["id"], a["fee"]
    paid_on = date.today() - timedelta(days=1)
    r = desk.post(f"/office/requests/{rid}/payment",
                  data={"csrf": token, "amount": fee.replace(".", ","), "receipt": "CH-4521", "paid_on": paid_on})
    assert r.status_code == 303
    assert desk.post(f"/office/requests/{rid}/review", data={"csrf": token}).status_code == 303
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    assert 'name="unpaid"' not in page and "chitanța nr. CH-4521" in page
    issued = desk.post(f"/office/requests/{rid}/issue", data={"csrf": token, "confirm": "1"})
    assert issued.status_code == 303 and issued.headers["Location"].endswith(f"/office/requests/{rid}")
    status, amount, receipt, day, documents = row(engine, rid)
    assert (status, str(amount), receipt, day, documents) == ("issued", fee, "CH-4521", paid_on, 1)
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    with engine.connect() as c:
        code = c.execute(text("SELECT verification_code FROM registry.document WHERE request_id = :i"),
                         {"i": rid}).scalar_one()
    assert code in page and 'id="document"' in page and 'id="issue-form"' not in page
    assert LABELS["issued"] in page
    pdf = desk.get(f"/api/certificates/{rid}.pdf").data
    (tmp_path / "c.pdf").write_bytes(pdf)
    words = " ".join(subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True,
                                    check=True).stdout.split())
    assert f"Achitat taxa de {fee.replace('.', ',')} lei" in words
    assert f"conform chitanței nr. CH-4521 din {paid_on.strftime('%d.%m.%Y')}" in words
    late = desk.post(f"/office/requests/{rid}/payment",
                     data={"csrf": token, "amount": fee, "receipt": "X", "paid_on": paid_on})
    assert late.status_code == 409 and "înainte de emitere" in late.get_data(as_text=True)


def test_an_unpaid_request_issued_with_confirmation_says_so_and_a_uat_may_refuse_it(officer, client, engine,
                                                                                   loaded, tmp_path):
    from gis.certificates.workflow import send_to_review

    desk, token = officer
    first, second = new_request(client, engine), new_request(client, engine)
    for a in (first, second):
        send_to_review(loaded, a["id"], "officer:test")
    r = desk.post(f"/office/requests/{first['id']}/issue", data={"csrf": token, "confirm": "1", "unpaid": "1"})
    assert r.status_code == 303 and row(engine, first["id"])[0] == "issued"
    (tmp_path / "u.pdf").write_bytes(desk.get(f"/api/certificates/{first['id']}.pdf").data)
    words = " ".join(subprocess.run(["pdftotext", str(tmp_path / "u.pdf"), "-"], capture_output=True, text=True,
                                    check=True).stdout.split())
    assert "plata nu este înregistrată" in words and "Achitat" not in words
    with engine.begin() as c:
        uat = c.execute(text("SELECT uat_siruta FROM registry.request WHERE id = :i"), {"i": second["id"]}).scalar()
        c.execute(text("UPDATE territory.uat SET settings = settings || '{\"unpaid_issue\": \"refuse\"}' "
                       "WHERE siruta = :u"), {"u": uat})
    try:
        page = desk.get(f"/office/requests/{second['id']}").get_data(as_text=True)
        assert "nu permite emiterea fără plată" in page
        r = desk.post(f"/office/requests/{second['id']}/issue", data={"csrf": token, "confirm": "1", "unpaid": "1"})
        assert r.status_code == 409 and "setarea UAT" in r.get_data(as_text=True)
        assert row(engine, second["id"])[0] == "review"
    finally:
        with engine.begin() as c:
            c.execute(text("UPDATE territory.uat SET settings = settings - 'unpaid_issue' WHERE siruta = :u"),
                      {"u": uat})


def test_the_api_records_a_payment_and_issues_only_when_confirmed(officer, client, engine, loaded):
    from gis.certificates.workflow import send_to_review

    desk, token = officer
    a = new_request(client, engine)
    send_to_review(loaded, a["id"], "officer:test")
    headers = {"X-CSRF-Token": token}
    unconfirmed = desk.post(f"/api/certificates/{a['id']}/issue", json={}, headers=headers)
    assert unconfirmed.status_code == 409 and "nu este înregistrată" in unconfirmed.get_json()["message"]
    bad = desk.post(f"/api/certificates/{a['id']}/payment", json={"amount": "x"}, headers=headers)
    assert bad.status_code == 400
    paid = desk.post(f"/api/certificates/{a['id']}/payment",
                     json={"amount": a["fee"], "receipt": "A-1", "paid_on": date.today().isoformat()}, headers=headers)
    assert paid.status_code == 200 and paid.get_json()["payment"]["receipt"] == "A-1"
    done = desk.post(f"/api/certificates/{a['id']}/issue", json={}, headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "issued"


def test_the_desk_and_the_applicants_page_name_a_state_alike(officer, client, engine, loaded):
    from gis.certificates.workflow import start_draft

    desk, _ = officer
    a = new_request(client, engine)
    start_draft(loaded, a["id"], "officer:test")
    mine = client.get(f"/cereri/{a['id']}?token={a['token']}").get_data(as_text=True)
    listed = desk.get("/office").get_data(as_text=True)
    line = next(tr for tr in listed.split("<tr>") if f'/office/requests/{a["id"]}"' in tr)
    assert LABELS["draft"] in mine and LABELS["draft"] in line
    assert f"/api/certificates/{a['id']}.pdf" in line  # the draft, one click from the list


@pytest.mark.parametrize("target,lands", [
    ("/office/audit?table=registry.request", "/office/audit?table=registry.request"),
    ("/office/requests/1", "/office/requests/1"),
    ("//evil.example/office", "/office"), ("https://evil.example/office", "/office"),
    ("/office/..//evil.example", "/office"), ("/office\\@evil.example", "/office"),
    ("/ogc/collections", "/office"),
])
def test_the_sign_in_page_returns_where_the_officer_was_going_and_nowhere_else(app, make_user, target, lands):
    make_user("desk.returning", "officer")
    browser = app.test_client()
    if target.startswith("/office/audit"):
        r = browser.get(target)
        assert r.status_code == 303 and "/office/login?next=" in r.headers["Location"]
    form = browser.get("/office/login?next=" + target).get_data(as_text=True)
    r = browser.post("/office/login", data={"csrf": csrf_token(browser), "username": "desk.returning",
                                            "password": STAFF_PASSWORD, "next": target})
    assert r.status_code == 303, r.data
    assert r.headers["Location"] == lands
    assert ('name="next"' in form) == (lands != "/office")


def test_a_surveyors_desk_lists_no_requests_and_no_applicants(staff_client, officer, client, engine):
    new_request(client, engine)
    surveyor, _ = staff_client("surveyor", username="desk.surveyor")
    page = surveyor.get("/office").get_data(as_text=True)
    assert "Importuri" in page and "Maria Desk" not in page and "Solicitant" not in page
    assert "Maria Desk" in officer[0].get("/office").get_data(as_text=True)


def test_the_audit_page_shows_each_change_in_words(officer, client, engine, loaded):
    from gis.certificates.workflow import send_to_review

    desk, token = officer
    a = new_request(client, engine)
    send_to_review(loaded, a["id"], "officer:test")
    desk.post(f"/office/requests/{a['id']}/issue", data={"csrf": token, "confirm": "1", "unpaid": "1"})
    page = desk.get(f"/office/audit?table=registry.request&object={a['id']}").get_data(as_text=True)
    assert re.search(r"<td>stare</td><td>în verificare</td><td>emis</td>", page)
    assert f'href="/office/requests/{a["id"]}"' in page and "istoric" in page
    documents = desk.get("/office/audit?table=registry.document").get_data(as_text=True)
    assert "fișier de" in documents and "\\x2550" not in documents and "{'" not in documents
    assert re.search(r"\d{2}\.\d{2}\.\d{4},? \d{2}:\d{2}", page) and "T" not in re.findall(r"<td>[\d.: T]+</td>",
                                                                                          page)[0]


# -- the officer's decisions at the desk (issue 19: approvals, purpose verdict, extension) --------------
def urbanism_request(client, number: str = "51760", purpose: str = "locuință P+1E") -> int:
    r = client.post("/api/certificates", json={"type": "urbanism", "parcels": [number], "purpose": purpose,
                                               "applicant_name": "Ana Decizie"},
                    environ_base={"REMOTE_ADDR": next(ADDRESSES)})
    assert r.status_code == 201, r.data
    return r.get_json()["id"]


def audit_rows(engine, request_id: int, column: str) -> list:
    """The audit log's record of `column` after each change of the request (newest last)."""
    with engine.connect() as c:
        return c.execute(text("SELECT actor, after -> :col FROM audit.log WHERE table_name = 'registry.request' "
                              "AND object_id = :i AND action = 'update' ORDER BY id"),
                         {"col": column, "i": str(request_id)}).all()


def test_the_officer_chooses_the_approvals_from_the_countys_list(officer, client, engine):
    desk, token = officer
    rid = urbanism_request(client)
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    offered = re.findall(r'name="approval" value="([^"]+)"( checked)?', page)
    assert len(offered) >= 13 and ("d1_gas", "") in offered and ("d4_geotech", " checked") in offered
    assert any(k.startswith("road_protection:") and c for k, c in offered)  # 51760 lies by a county road
    assert "DRDP" in page or "Consiliul Județean" in page
    no_csrf = desk.post(f"/office/requests/{rid}/approvals", data={"approval": ["d1_gas"]})
    assert no_csrf.status_code == 403
    unknown = desk.post(f"/office/requests/{rid}/approvals", data={"csrf": token, "approval": ["d1_gas", "d9_x"]})
    assert unknown.status_code == 400 and "aviz necunoscut pentru acest județ: d9_x" in unknown.get_data(as_text=True)
    hungarian = desk.post(f"/office/requests/{rid}/approvals?lang=hu", data={"csrf": token, "approval": ["d9_x"]})
    assert hungarian.status_code == 400 and "ismeretlen engedély ebben a megyében: d9_x" in \
        hungarian.get_data(as_text=True)
    ok = desk.post(f"/office/requests/{rid}/approvals", data={"csrf": token, "approval": ["d1_gas", "d4_topo"]})
    assert ok.status_code == 303
    with engine.connect() as c:
        assert c.execute(text("SELECT chosen_approvals FROM registry.request WHERE id = :i"),
                         {"i": rid}).scalar_one() == ["d1_gas", "d4_topo"]
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    assert set(re.findall(r'name="approval" value="([^"]+)" checked', page)) == {"d1_gas", "d4_topo"}
    actor, chosen = audit_rows(engine, rid, "chosen_approvals")[-1]
    assert actor.endswith("desk.officer") and chosen == ["d1_gas", "d4_topo"]


def test_the_officer_overrides_the_purpose_verdict_on_the_page(officer, client, engine):
    desk, token = officer
    desk.get("/office?lang=ro")  # the staff pages' language is the reader's choice (cookie), not the browser's
    rid = urbanism_request(client, "50103")
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    assert 'id="verdict-form"' in page and 'for="verdict-reason"' in page
    short = desk.post(f"/office/requests/{rid}/purpose-verdict", data={"csrf": token, "may_use": "1", "reason": "da"})
    assert short.status_code == 400 and "motivul este obligatoriu (10–500 caractere)" in short.get_data(as_text=True)
    english = desk.post(f"/office/requests/{rid}/purpose-verdict?lang=en", data={"csrf": token, "reason": "x" * 20})
    assert english.status_code == 400 and "choose whether the land may or may not be used" in \
        english.get_data(as_text=True) and '<html lang="en">' in english.get_data(as_text=True)
    desk.get("/office?lang=ro")
    reason = "Locuința este funcțiune complementară admisă de RLU, art. 2"
    ok = desk.post(f"/office/requests/{rid}/purpose-verdict", data={"csrf": token, "may_use": "1", "reason": reason})
    assert ok.status_code == 303
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    assert re.search(r'id="verdict">poate fi utilizat în scopul declarat — ' + re.escape(reason), page)
    actor, recorded = audit_rows(engine, rid, "purpose_override")[-1]
    assert actor.endswith("desk.officer") and recorded["reason"] == reason and recorded["may_use"] is True
    from gis.certificates.workflow import issue_request, send_to_review

    settings = desk.application.extensions["teritoriu.settings"]
    send_to_review(settings, rid, "officer:test")
    issue_request(settings, rid, "officer:test", True)
    late = desk.post(f"/office/requests/{rid}/purpose-verdict", data={"csrf": token, "may_use": "0",
                                                                      "reason": "x" * 20})
    assert late.status_code == 409 and "verdictul se modifică înainte de emitere" in late.get_data(as_text=True)
    assert 'id="verdict-form"' not in desk.get(f"/office/requests/{rid}").get_data(as_text=True)


def test_the_officer_extends_an_issued_certificate_once_on_the_page(officer, client, engine):
    from gis.certificates.workflow import issue_request, send_to_review

    desk, token = officer
    desk.get("/office?lang=ro")
    rid = urbanism_request(client, "50103", "construire locuință P+1E")
    assert 'id="extension-form"' not in desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    settings = desk.application.extensions["teritoriu.settings"]
    send_to_review(settings, rid, "officer:test")
    issue_request(settings, rid, "officer:test", True)
    assert 'id="extension-form"' in desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    url = f"/office/requests/{rid}/extension"
    today = date.today().isoformat()
    bad_date = desk.post(url, data={"csrf": token, "reference": "cererea nr. 5", "requested_on": "ieri"})
    assert bad_date.status_code == 400 and "trebuie să fie o dată" in bad_date.get_data(as_text=True)
    too_long = desk.post(url, data={"csrf": token, "reference": "cererea nr. 5", "requested_on": today, "months": "13"})
    assert too_long.status_code == 400 and "cel mult 12 luni" in too_long.get_data(as_text=True)
    no_reference = desk.post(url, data={"csrf": token, "reference": " ", "requested_on": today})
    assert no_reference.status_code == 400 and "indicați actul" in no_reference.get_data(as_text=True)
    done = desk.post(url, data={"csrf": token, "reference": "cererea nr. 77 din azi", "requested_on": today,
                                "months": "6"})
    assert done.status_code == 303
    page = desk.get(f"/office/requests/{rid}").get_data(as_text=True)
    with engine.connect() as c:
        until, months, by = c.execute(text(
            "SELECT e.extended_until, e.months, e.created_by FROM registry.extension e JOIN registry.document d "
            "ON d.id = e.document_id WHERE d.request_id = :i"), {"i": rid}).one()
        audited = c.execute(text("SELECT count(*) FROM audit.log WHERE table_name = 'registry.extension' "
                                 "AND action = 'insert' AND actor LIKE '%desk.officer'")).scalar_one()
    assert months == 6 and by.endswith("desk.officer") and audited >= 1
    assert f"prelungit până la {until:%d.%m.%Y} prin cererea nr. 77 din azi" in page and 'id="extended-pdf"' in page
    again = desk.post(url, data={"csrf": token, "reference": "cererea nr. 78", "requested_on": today})
    assert again.status_code == 409 and "se prelungește o singură dată" in again.get_data(as_text=True)


def test_a_refusals_status_is_its_type_not_its_wording():
    """One mapping (api.refusals): 400 bad input, 409 a conflict with the state, 404 nothing there."""
    from gis.certificates.extension import NoSuchCertificate, NotExtendable
    from gis.certificates.rules import CertificateError, NotFound, StateConflict
    from gis.certificates.workflow import UnpaidNeedsConfirmation

    kinds = (CertificateError, StateConflict, NotFound, NotExtendable, NoSuchCertificate, UnpaidNeedsConfirmation)
    assert [k("înainte de emitere, reason").status for k in kinds] == [400, 409, 404, 409, 404, 409]
    refused = StateConflict("cererea este {state}: plata se înregistrează înainte de emitere", state="emisă")
    assert str(refused) == "cererea este emisă: plata se înregistrează înainte de emitere"
    assert refused.template.startswith("cererea este {state}") and refused.values == {"state": "emisă"}
