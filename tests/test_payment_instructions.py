"""Payment instructions (issue 23): a registered request's page shows the UAT's treasury account
(IBAN checked with mod-97), the amount and the registry number as reference, links a printable
payment order, and links the online payment portal only where the UAT configures one; a wrong
IBAN is refused when set, and one stored around the check is never shown. The desk's payment
record carries its channel."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from gis.payment import TreasuryError, check_treasury, grouped, iban_valid, set_treasury

IBAN = "RO49AAAA1B31007593840000"   # the ISO 13616 example account for Romania
TREASURY = {"iban": IBAN, "beneficiary": "Comuna Valea Verde", "fiscal_code": "4288512"}
PORTAL = "https://www.ghiseul.ro/ghiseul/public/taxe/institutie/4288512"


@pytest.fixture(autouse=True)
def no_filing_quota(clear_throttles):
    clear_throttles("filing")


@pytest.fixture(scope="module")
def filed(client_module, engine):
    """A request filed at the API without an e-mail address: registered at once (urbanism: a fee)."""
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY cadastral_number OFFSET 5 LIMIT 1")).scalar_one()
    r = client_module.post("/api/certificates", json={"type": "urbanism", "parcels": [number],
                                                       "purpose": "construire locuință",
                                                       "applicant_name": "Vasile Plată"})
    assert r.status_code == 201, r.data
    body = r.get_json()
    assert body["registry_number"] and float(body["fee"]) > 0
    return body


@pytest.fixture(scope="module")
def client_module(app):
    return app.test_client()


@pytest.fixture
def treasury(engine, filed):
    """Sets the request's UAT's treasury (the test says how) and puts its settings back afterwards."""
    with engine.connect() as c:
        before = c.execute(text("SELECT settings FROM territory.uat WHERE siruta = :s"),
                           {"s": filed["uat_siruta"]}).scalar()

    def configure(value: dict, checked: bool = True) -> None:
        with engine.begin() as c:
            if checked:
                set_treasury(c, filed["uat_siruta"], value)
            else:  # written around the check (an old row, a hand edit)
                c.execute(text("UPDATE territory.uat SET settings = jsonb_set(coalesce(settings, '{}'), "
                               "'{treasury}', CAST(:v AS jsonb)) WHERE siruta = :s"),
                          {"v": json.dumps(value), "s": filed["uat_siruta"]})

    yield configure
    with engine.begin() as c:
        c.execute(text("UPDATE territory.uat SET settings = CAST(:v AS jsonb) WHERE siruta = :s"),
                  {"v": json.dumps(before), "s": filed["uat_siruta"]})


def status_page(client, filed, lang="ro"):
    r = client.get(f"/cereri/{filed['id']}?token={filed['token']}&lang={lang}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_the_iban_check():
    assert iban_valid(IBAN) and iban_valid("ro49 aaaa 1b31 0075 9384 0000") and iban_valid("GB82WEST12345698765432")
    assert not iban_valid("RO49AAAA1B31007593840001")   # one digit changed: mod 97 is not 1
    assert not iban_valid("RO49AAAA1B3100759384000")    # a Romanian IBAN has 24 characters
    assert not iban_valid("") and not iban_valid("RO49-AAAA")
    assert grouped(IBAN) == "RO49 AAAA 1B31 0075 9384 0000"


def test_a_wrong_iban_in_settings_is_refused_with_a_clear_message(loaded, engine, filed):
    with pytest.raises(TreasuryError, match="treasury.iban: 'RO49AAAA1B31007593840001' is not a valid IBAN"):
        check_treasury({**TREASURY, "iban": "RO49AAAA1B31007593840001"})
    with pytest.raises(TreasuryError, match="treasury.fiscal_code"):
        check_treasury({**TREASURY, "fiscal_code": "CUI"})
    with pytest.raises(TreasuryError, match="treasury.portal_url: an https:// address"):
        check_treasury({**TREASURY, "portal_url": "javascript:alert(1)"})
    from api.cli import main

    result = CliRunner().invoke(main, ["uat", "treasury", "--siruta", str(filed["uat_siruta"]), "--iban",
                                       "RO49AAAA1B31007593840001", "--beneficiary", "Comuna Valea Verde",
                                       "--fiscal-code", "4288512"], env={"TERITORIU_DB_NAME": loaded.db_name})
    assert result.exit_code == 1 and "is not a valid IBAN" in result.output
    with engine.connect() as c:
        assert c.execute(text("SELECT settings ? 'treasury' FROM territory.uat WHERE siruta = :s"),
                         {"s": filed["uat_siruta"]}).scalar() is False  # nothing stored
    from gis.uats import add_uat

    with pytest.raises(ValueError, match="not a valid IBAN"):
        add_uat(loaded, 999001, "Comuna Test", "Bihor", "comună", loaded.samples_dir / "commune.gpkg",
                {"treasury": {**TREASURY, "iban": "RO00AAAA1B31007593840000"}})


def test_the_page_shows_how_to_pay_without_a_portal(client, filed, treasury):
    treasury(TREASURY)
    page = status_page(client, filed)
    assert 'id="how-to-pay"' in page and "RO49 AAAA 1B31 0075 9384 0000" in page
    assert "Comuna Valea Verde" in page and "4288512" in page
    assert f"Taxă cerere nr. {filed['registry_number']}" in page
    fee = filed["fee"].replace(".", ",")
    assert re.search(rf'id="pay-amount">{re.escape(fee)} lei<', page)
    assert 'id="payment-portal"' not in page and "ghiseul.ro/" not in page
    order = re.search(r'id="payment-order" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    sheet = client.get(order)
    assert sheet.status_code == 200
    html = sheet.get_data(as_text=True)
    assert '<style media="print">' in html and 'id="pay-payer">Vasile Plată<' in html
    assert "RO49 AAAA 1B31 0075 9384 0000" in html and f"Taxă cerere nr. {filed['registry_number']}" in html
    assert client.get(order.replace(filed["token"], "wrong-token")).status_code == 404
    en = status_page(client, filed, "en")
    assert "How to pay the fee" in en and "Payment order (to print)" in en


def test_the_portal_link_only_where_the_uat_configures_one(client, filed, treasury):
    treasury({**TREASURY, "portal_url": PORTAL})
    page = status_page(client, filed, "hu")
    assert f'id="payment-portal" href="{PORTAL}"' in page and "Online fizetés: ghiseul.ro" in page


def test_a_wrong_iban_stored_around_the_check_is_never_shown(client, filed, treasury):
    treasury({**TREASURY, "iban": "RO49AAAA1B31007593840001"}, checked=False)
    page = status_page(client, filed)
    assert 'id="payment-unconfigured"' in page and "RO49" not in page
    assert client.get(f"/cereri/{filed['id']}/ordin-de-plata?token={filed['token']}").status_code == 404


def test_no_instructions_before_confirmation(client, engine, filed, treasury):
    treasury(TREASURY)
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY cadastral_number OFFSET 5 LIMIT 1")).scalar_one()
    r = client.post("/api/certificates", json={"type": "urbanism", "parcels": [number], "purpose": "construire",
                                               "applicant_name": "Ana Neconfirmată", "applicant_email": "ana@x.ro"})
    waiting = r.get_json()
    assert r.status_code == 201 and waiting["registry_number"] is None
    page = client.get(f"/cereri/{waiting['id']}?token={waiting['token']}").get_data(as_text=True)
    assert 'id="awaiting"' in page and 'id="how-to-pay"' not in page and "RO49" not in page
    no_draft = client.get(f"/api/certificates/{waiting['id']}.pdf?token={waiting['token']}")
    assert no_draft.status_code == 409  # nothing to draft before the number


def test_the_desk_records_the_channel(client, staff_client, filed, treasury):
    treasury(TREASURY)
    desk, headers = staff_client("officer", username="payment.officer")
    wrong = desk.post(f"/api/certificates/{filed['id']}/payment", headers=headers,
                      json={"amount": filed["fee"], "receipt": "OP 1234", "paid_on": date.today().isoformat(),
                            "channel": "bitcoin"})
    assert wrong.status_code == 400 and "canalul plății" in wrong.get_json()["message"]
    r = desk.post(f"/api/certificates/{filed['id']}/payment", headers=headers,
                  json={"amount": filed["fee"], "receipt": "OP 1234", "paid_on": date.today().isoformat(),
                        "channel": "bank_transfer"})
    assert r.status_code == 200 and r.get_json()["payment"]["channel"] == "bank_transfer"
    office = desk.get(f"/office/requests/{filed['id']}").get_data(as_text=True)
    assert "chitanța nr. OP 1234" in office and "(ordin de plată (transfer bancar))" in office
    page = status_page(client, filed)
    assert "Taxa a fost achitată." in page and "RO49" not in page
