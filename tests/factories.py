"""Plain helpers the tests share (the fixtures that build on them are in conftest.py): the staff
sign-in as a browser does it, with the form's CSRF token."""

from __future__ import annotations

import re
import socket
import time

STAFF_PASSWORD = "parola-de-test-123"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_token(client, path: str = "/office/login") -> str:
    """The CSRF token a page's form carries (sign-in, then every staff call)."""
    return CSRF_FIELD.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, username: str, password: str = STAFF_PASSWORD):
    """Post the sign-in form as a browser would; the response (303 when accepted)."""
    return client.post("/office/login", data={"csrf": csrf_token(client), "username": username,
                                              "password": password})


def browser_sign_in(page, base: str, username: str, password: str = STAFF_PASSWORD) -> None:
    """Sign in through the page in Chromium (Playwright), as a person does; waits for the desk."""
    page.goto(base + "/office/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/office$"))


def map_point_on_screen(page, lat: float, lon: float) -> tuple[float, float]:
    """Where a point of the page's Leaflet map (`teritoriuMap`) is on the screen, for a click."""
    return tuple(page.evaluate(f"(() => {{ const p = teritoriuMap.latLngToContainerPoint([{lat}, {lon}]);"
                               "const r = teritoriuMap.getContainer().getBoundingClientRect();"
                               "return [p.x + r.left, p.y + r.top]; })()"))


def request_history(conn, uats: list[int], year: int, seed: int = 23) -> dict:
    """A year of certificate requests, public-map use and imports for `uats`, at fixed local dates
    (Europe/Bucharest), written through `conn` (a connection of the tables' owner: cancellation
    dates are stamped by a trigger, switched off here for this transaction so they can lie in the
    past). Returns what was written, for tests to count on their own: {"requests": [...],
    "use": [(day, uat, kind, n)], "imports": [(uat, created, kind, status)]}."""
    import hashlib
    import random
    from datetime import datetime, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from sqlalchemy import text

    zone = ZoneInfo("Europe/Bucharest")
    rng = random.Random(seed)
    conn.execute(text("ALTER TABLE registry.request DISABLE TRIGGER stamp_cancellation"))
    written: dict = {"requests": [], "use": [], "imports": []}
    for uat in uats:
        number = 0
        # one request of December the year before, issued in January: counted as issued in `year` only
        starts = [datetime(year - 1, 12, 20, 10, 0, tzinfo=zone)]
        for month in range(1, 13):
            starts += [datetime(year, month, rng.randint(1, 20), rng.randint(8, 15), rng.choice((0, 30)), tzinfo=zone)
                       for _ in range(rng.randint(2, 6))]
        for created in starts:
            number += 1
            status = "issued" if created.year < year else rng.choice(
                ["issued", "issued", "issued", "downloaded", "cancelled", "received", "review"])
            took = timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 6))
            issued_at = created + took if status in ("issued", "downloaded") else None
            cancelled_at = created + timedelta(days=rng.randint(1, 9)) if status == "cancelled" else None
            fee = rng.choice([Decimal("0"), Decimal("15.00"), Decimal("32.50")])
            paid = bool(fee) and rng.random() < 0.6
            row = {"uat": uat, "kind": rng.choice(["urbanism", "nomenclature"]), "status": status,
                   "online": rng.random() < 0.55, "created": created, "issued_at": issued_at,
                   "cancelled_at": cancelled_at, "fee": fee, "paid": paid}
            request_id = conn.execute(text("""
                INSERT INTO registry.request (uat_siruta, year, registry_number, kind, applicant_name, purpose, fee,
                    status, cancel_reason, cancelled_at, access_token, created_at, registered_at, created_by,
                    paid_amount, paid_receipt, paid_on)
                VALUES (:u, :y, :n, :k, 'Solicitant Generat', 'istoric generat', :fee, :st, :why, :cat, :tok, :at,
                        :at, :by, :pa, :pr, :po) RETURNING id"""),
                {"u": uat, "y": created.year, "n": number, "k": row["kind"], "fee": fee, "st": status,
                 "why": "dublură" if cancelled_at else None, "cat": cancelled_at,
                 "tok": f"hist-{uat}-{created.year}-{number}-{seed}", "at": created,
                 "by": "public:request" if row["online"] else "officer:ghiseu",
                 "pa": fee if paid else None, "pr": f"C{number}" if paid else None,
                 "po": created.date() if paid else None}).scalar_one()
            if issued_at is not None:
                conn.execute(text("""
                    INSERT INTO registry.document (request_id, kind, issued_at, issued_by, verification_code, pdf,
                        sha256, facts)
                    VALUES (:r, :k, :at, 'officer:ghiseu', :code, '\\x25504446', :sha, '{}')"""),
                    {"r": request_id, "k": row["kind"], "at": issued_at, "code": f"HIST-{request_id}-{seed}",
                     "sha": hashlib.sha256(str(request_id).encode()).hexdigest()})
            written["requests"].append(row)
        for month in range(1, 13):
            for day in rng.sample(range(1, 29), 3):
                for kind in ("session", "search", "sheet"):
                    n = rng.randint(0, 40)
                    conn.execute(text("INSERT INTO audit.use_count (day, uat_siruta, kind, n) VALUES (:d, :u, :k, :n)"),
                                 {"d": datetime(year, month, day).date(), "u": uat, "k": kind, "n": n})
                    written["use"].append((datetime(year, month, day).date(), uat, kind, n))
            for _ in range(rng.randint(0, 2)):
                created = datetime(year, month, rng.randint(1, 27), 11, 0, tzinfo=zone)
                kind, status = rng.choice(["parcels", "buildings"]), rng.choice(["committed", "rejected", "discarded"])
                conn.execute(text("INSERT INTO importing.job (created_at, created_by, source_name, kind, uat_siruta, "
                                  "status) VALUES (:at, 'surveyor:gen', 'generat.gpkg', :k, :u, :s)"),
                             {"at": created, "k": kind, "u": uat, "s": status})
                written["imports"].append((uat, created, kind, status))
    conn.execute(text("ALTER TABLE registry.request ENABLE TRIGGER stamp_cancellation"))
    return written


def free_port() -> int:
    """A loopback port nobody listens on now (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TRIES = 400  # bounded polls, 0.05 s apart, for a condition another thread or process brings about


def until(condition, what: str):
    """`condition()`'s first true value, polled at most TRIES times (a condition, not a clock)."""
    for _ in range(TRIES):
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {TRIES} tries: {what}")
