"""Issue 17, item 3: a UAT-scoped account read other UATs' certificate requests.

As a surveyor scoped to UAT 940001, `GET /cereri/2` (a request of the sample commune, 926501)
answered 200 with the purpose, parcels, fee and the tokenised PDF link, and the link then served the
PDF with the applicant's name; ids are sequential, so every request could be walked. Replayed here:
ids 1..N walked by a surveyor of another UAT, a surveyor of the request's own UAT (surveyors have no
business with requests), another UAT's officer and anonymous callers without (or with a wrong)
token, on every route that serves a request or its document. None may reveal the purpose, the
parcels, the fee, the applicant, the token or a PDF, nor tell an existing id from a missing one;
none of their POSTs may move a request. The request's own officers read it with their session,
and no staff page carries the applicant's token.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from gis.certificates.workflow import file_request

SAMPLE, ELSEWHERE = 926501, 940001  # the sample commune; a UAT of the same county with no requests
APPLICANT = "Solicitant Confidențialescu"
READS = ("/cereri/{id}", "/cereri/{id}?lang=en", "/api/certificates/{id}", "/api/certificates/{id}.pdf")
ACTIONS = ("draft", "review", "issue", "cancel")
ACTION_PATHS = tuple(f"/api/certificates/{{id}}/{a}" for a in ACTIONS) + tuple(
    f"/office/requests/{{id}}/{a}" for a in ACTIONS)


@pytest.fixture(scope="module")
def requests(loaded, engine, make_uat, remove_uats, bring_request_to):
    """Requests of the sample commune in each state a walk meets (received, review, issued,
    downloaded, cancelled), each with its own purpose to look for in the answers."""
    with engine.begin() as c:
        make_uat(c, ELSEWHERE, "Comuna Altundeva", (100000, 100000, 101000, 101000))
        numbers = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE uat_siruta = :u AND intravilan"
                                 " ORDER BY cadastral_number OFFSET 7 LIMIT 2"), {"u": SAMPLE}).scalars().all()
    made = []
    for n, state in enumerate(("received", "review", "issued", "downloaded", "cancelled")):
        info = file_request(loaded, "urbanism", [numbers[n % 2]], f"scop-confidential-{n}-{state}", APPLICANT,
                            "public:request", email=f"solicitant{n}@example.ro", uat=SAMPLE)
        bring_request_to(info.id, state, "retrasă de solicitant")
        made.append({"id": info.id, "state": state, "token": info.access_token, "purpose": info.purpose,
                     "parcels": info.cadastral_numbers, "fee": str(info.fee), "uat": SAMPLE})
    yield made
    remove_uats([ELSEWHERE])


@pytest.fixture(scope="module")
def attackers(app, staff_client, requests):
    return {
        "surveyor of another UAT": staff_client("surveyor", [ELSEWHERE], "rs.surveyor.elsewhere"),
        "surveyor of the same UAT": staff_client("surveyor", [SAMPLE], "rs.surveyor.sample"),
        "officer of another UAT": staff_client("officer", [ELSEWHERE], "rs.officer.elsewhere"),
        "admin of another UAT": staff_client("admin", [ELSEWHERE], "rs.admin.elsewhere"),
        "anonymous": (app.test_client(), {}),
    }


def snapshot(engine) -> list:
    with engine.connect() as c:
        return c.execute(text("SELECT to_jsonb(r) FROM registry.request r ORDER BY id")).scalars().all()


def secrets_of(requests) -> list[str]:
    out = [APPLICANT, "Confidențialescu", "scop-confidential", "%PDF", "token="]
    for r in requests:
        out += [r["token"], r["purpose"], *r["parcels"]]
    return out


def last_id(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT max(id) FROM registry.request")).scalar_one()


def shown(response) -> str:
    return response.get_data(as_text=True)


def same_answer(a, b, id_a: int, id_b: int) -> bool:
    """The answers for two ids are the same but for the id itself: neither confirms its id exists."""
    def norm(r, i):
        return re.sub(rf"\b{i}\b", "<id>", shown(r))
    return a.status_code == b.status_code and norm(a, id_a) == norm(b, id_b)


@pytest.mark.parametrize("who", ["surveyor of another UAT", "surveyor of the same UAT", "officer of another UAT",
                                 "admin of another UAT", "anonymous"])
def test_walking_request_ids_reveals_nothing(engine, requests, attackers, who):
    client, _ = attackers[who]
    missing = last_id(engine) + 1000
    mine = {r["id"] for r in requests}
    words = secrets_of(requests)
    for request_id in range(1, last_id(engine) + 3):
        for pattern in READS:
            path = pattern.format(id=request_id)
            for url in (path, path + ("&" if "?" in path else "?") + "token=nu-este-al-meu"):
                r = client.get(url)
                assert r.status_code == 404, (who, url, r.status_code)
                leaked = [w for w in words if w in shown(r)]
                assert not leaked, (who, url, leaked)
                assert r.mimetype != "application/pdf", (who, url)
                if request_id in mine:  # the answer of an unknown id: the id is not confirmed
                    unknown = client.get(url.replace(f"/{request_id}", f"/{missing}", 1))
                    assert same_answer(r, unknown, request_id, missing), (who, url, shown(r)[:300],
                                                                          shown(unknown)[:300])


def test_the_replayed_attack_from_the_issue(engine, requests, attackers):
    """The surveyor of 940001 opens /cereri/<id> of the sample commune and follows any link it
    gives, without a session: nothing, and no PDF."""
    client, _ = attackers["surveyor of another UAT"]
    outsider = attackers["anonymous"][0]
    for req in requests:
        page = client.get(f"/cereri/{req['id']}")
        assert page.status_code == 404
        for link in re.findall(r'href="([^"]+)"', shown(page)):
            got = outsider.get(link.replace("&amp;", "&"))
            assert got.mimetype != "application/pdf" and APPLICANT not in shown(got), link


@pytest.mark.parametrize("who", ["surveyor of another UAT", "surveyor of the same UAT", "officer of another UAT",
                                 "admin of another UAT", "anonymous"])
def test_their_actions_move_no_request(engine, requests, attackers, who):
    client, headers = attackers[who]
    before = snapshot(engine)
    for req in requests:
        for pattern in ACTION_PATHS:
            path = pattern.format(id=req["id"])
            r = client.post(path, json={"reason": "încercare"}, headers=headers)
            assert r.status_code in (401, 403, 404), (who, path, r.status_code)
            if who != "surveyor of the same UAT":  # a role refusal names no record; a UAT refusal would
                assert r.status_code != 403 or "UAT" not in shown(r), (who, path, shown(r)[:200])
            assert not [w for w in secrets_of(requests) if w in shown(r)], (who, path)
    assert snapshot(engine) == before


def test_the_office_list_shows_no_request_to_surveyors_or_other_uats(requests, attackers):
    for who in ("surveyor of another UAT", "surveyor of the same UAT", "officer of another UAT"):
        client, _ = attackers[who]
        page = client.get("/office")
        assert page.status_code == 200, who
        assert APPLICANT not in shown(page) and not any(r["purpose"] in shown(page) for r in requests), who


def test_the_requests_own_officers_read_it_with_their_session_and_no_token(engine, requests, staff_client):
    """The positive side: officers and admins of the sample commune (and an unscoped admin) read
    every request, and the staff page links the PDF without the applicant's token."""
    for role, uats, name in (("officer", [SAMPLE], "rs.officer.sample"), ("admin", [SAMPLE], "rs.admin.sample"),
                             ("admin", [], "rs.admin.county")):
        client, _ = staff_client(role, uats, name)
        for req in requests:
            page = client.get(f"/cereri/{req['id']}")
            assert page.status_code == 200, (name, req)
            assert req["purpose"] in shown(page)
            assert req["token"] not in shown(page) and "token=" not in shown(page), (name, req["id"])
            assert client.get(f"/api/certificates/{req['id']}").get_json()["purpose"] == req["purpose"]
            pdf = client.get(f"/api/certificates/{req['id']}.pdf")
            if req["state"] == "cancelled":
                assert pdf.status_code == 409
            else:
                assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), (name, req["state"])
        listing = client.get("/office")
        assert all(r["token"] not in shown(listing) for r in requests)
        assert "token=" not in shown(listing)


def test_the_applicant_still_follows_the_request_with_its_token(client, requests):
    req = requests[0]
    page = client.get(f"/cereri/{req['id']}?token={req['token']}")
    assert page.status_code == 200 and req["purpose"] in shown(page)
    assert f"/api/certificates/{req['id']}.pdf?token={req['token']}" in shown(page)
    assert client.get(f"/api/certificates/{req['id']}?token={req['token']}").get_json()["fee"] == req["fee"]


def test_staff_reads_of_a_request_are_logged(engine, requests, staff_client):
    """A request (its PDF names the applicant) is personal data: every staff read is in the audit trail."""
    client, _ = staff_client("officer", [SAMPLE], "rs.officer.sample")
    req = requests[0]

    def views() -> int:
        with engine.connect() as c:
            return c.execute(text("SELECT count(*) FROM audit.log WHERE action = 'view' AND table_name = "
                                  "'registry.request' AND object_id = :i AND actor = 'officer:rs.officer.sample'"),
                             {"i": str(req["id"])}).scalar_one()

    before = views()
    assert client.get(f"/api/certificates/{req['id']}.pdf").status_code == 200
    assert views() == before + 1
