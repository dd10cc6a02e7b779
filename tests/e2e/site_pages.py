"""What the page-wide browser tests (test_axe.py, test_phone.py) open: one of each page of the site,
public and staff, with the records they need (a request and its token, an issued certificate, an
import job), made through the application's own API and functions."""

from __future__ import annotations

import io
import json
import time

from sqlalchemy import text

from gis.certificates.issue import issue

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("ro", "en", "hu")


def a_parcel(engine) -> str:
    """An intravilan parcel with an address and zones: the fullest sheet."""
    with engine.connect() as c:
        return c.execute(text("""
            SELECT p.cadastral_number FROM public_api.parcel p
            JOIN public_api.address_point a ON a.cadastral_number = p.cadastral_number
            WHERE p.intravilan ORDER BY p.measured_area DESC, p.cadastral_number LIMIT 1""")).scalar_one()


def issued_certificate(settings, number: str):
    """A street-nomenclature certificate issued at the counter: its code opens /verify/<code>."""
    return issue(settings, "nomenclature", [number], "informare", "Popescu Ion", "test", unpaid_confirmed=True)


def filed_request(client, number: str) -> tuple[int, str]:
    r = client.post("/api/certificates", json={"type": "urbanism", "parcels": [number], "purpose": "construire",
                                               "applicant_name": "Maria Pagină"},
                    environ_base={"REMOTE_ADDR": "10.83.0.9"})
    assert r.status_code == 201, r.data
    body = r.get_json()
    return body["id"], body["token"]


def import_job(staff_client) -> int:
    """A GeoJSON whose fields name nothing Teritoriu knows: refused, its review page offers the mapping."""
    client, headers = staff_client("surveyor", username="axe.surveyor")
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"COD": "1"}, "geometry": {
        "type": "Polygon", "coordinates": [[[21.70, 46.88], [21.7003, 46.88], [21.7003, 46.8803], [21.70, 46.88]]]}}]}
    r = client.post("/api/imports", headers=headers, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(json.dumps(doc).encode()), "parcele.geojson"), "layer": "parcels"})
    assert r.status_code == 202, r.data
    job = r.get_json()["id"]
    for _ in range(600):  # the check runs in a thread of the app: its answer, not a clock, ends the wait
        if client.get(f"/api/imports/{job}").get_json()["status"] != "running":
            return job
        time.sleep(0.1)
    raise AssertionError(f"import {job} still running")


def pages(number: str, request_id: int, token: str, code: str, job: int, uat: int) -> dict[str, list[str]]:
    """Every page kind, public and staff (paths without the language)."""
    return {"public": ["/", f"/?parcel={number}", f"/u/{uat}/", f"/cereri/noua?parcela={number}",
                       f"/cereri/{request_id}?token={token}", f"/verify/{code}"],
            "staff": ["/office/login", "/office", "/office/map", "/office/imports", f"/office/imports/{job}",
                      "/office/audit", f"/office/requests/{request_id}"]}
