"""Notices by e-mail (issue 23): a real SMTP server (aiosmtpd) on a free port receives what the
outbox worker sends; the messages are read as they arrived (subject, language, the text and HTML
parts) and their links are followed over real HTTP: the confirmation link registers the request,
the download link gives the PDF. The worker is called once per step with the clock as a
parameter (no sleeping); the mail server is stopped and started again to show nothing is lost."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import ssl
import threading
from datetime import timedelta

import pytest
import requests
from factories import free_port
from sqlalchemy import text

from gis.outbox import deliver_due, parse_smtp_url
from webmap.notices import compose

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")


@pytest.fixture(autouse=True)
def no_filing_quota(clear_throttles):
    """Every filing here comes from 127.0.0.1: each test starts with the filing quota unused."""
    clear_throttles("filing")


class Inbox:
    """What the test server received: parsed messages, thread-safe."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, recipient: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == recipient]


class MailServer:
    """An aiosmtpd server on a fixed port that can be stopped and started again."""

    def __init__(self, **options):
        self.port = free_port()
        self.inbox = Inbox()
        self.options = options
        self.controller = None

    def start(self):
        self.controller = aiosmtpd_controller.Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                                         **self.options)
        self.controller.start()

    def stop(self):
        self.controller.stop()
        self.controller = None


@pytest.fixture(scope="module")
def mail_server():
    server = MailServer()
    server.start()
    yield server
    if server.controller:
        server.stop()


@pytest.fixture(scope="module")
def mailing(loaded, mail_server):
    """The app's settings with the test server as TERITORIU_SMTP_URL (the links point to live_server)."""
    return dataclasses.replace(loaded, smtp_url=f"smtp://127.0.0.1:{mail_server.port}",
                               mail_from="cereri@primaria.test")


@pytest.fixture(scope="module")
def number(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                              "ORDER BY cadastral_number OFFSET 3 LIMIT 1")).scalar_one()


def db_now(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT now()")).scalar_one()


def work(settings, later=timedelta(0), engine=None):
    """One run of the worker, `later` after the database's clock."""
    return deliver_due(settings, compose, now=db_now(engine) + later if engine is not None else None)


def file_online(base: str, number: str, recipient: str, lang: str, kind: str = "urbanism") -> dict:
    r = requests.post(f"{base}/api/certificates?lang={lang}", timeout=60,
                      json={"type": kind, "parcels": [number], "purpose": "construire locuință",
                            "applicant_name": "Ilona Kovács", "applicant_email": recipient})
    assert r.status_code == 201, r.text
    return r.json()


def parts(message) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return plain, html


def request_row(engine, request_id: int):
    with engine.connect() as c:
        return c.execute(text("SELECT registry_number, year, status, registered_at, confirm_token_sha256 "
                              "FROM registry.request WHERE id = :i"), {"i": request_id}).one()


def test_confirm_register_draft_issue_each_arrives_in_the_requests_language(
        live_server, mailing, mail_server, engine, number, staff_client, artifacts):
    to = "ilona@example.hu"
    filed = file_online(live_server, number, to, "hu")
    assert filed["registry_number"] is None and filed["status"] == "received"
    assert request_row(engine, filed["id"]).registry_number is None  # no number before the confirmation
    desk, headers = staff_client("officer", username="notices.officer")
    assert f'/office/requests/{filed["id"]}"' not in desk.get("/office").get_data(as_text=True)  # not on the desk

    assert work(mailing).sent >= 1
    [confirm] = mail_server.inbox.to(to)
    assert confirm["From"] == "cereri@primaria.test"
    assert confirm["Subject"].startswith("Erősítse meg a kérelmét")
    plain, html = parts(confirm)
    assert "iktatószámot" in plain and "iktatószámot" in html and 'lang="hu"' in html
    link = re.search(r"(http://\S+/confirmare\?cod=[\w-]+&lang=hu)", plain).group(1)
    assert link.replace("&", "&amp;") in html

    asked = requests.get(link, timeout=30)  # the link asks; opening it registers nothing
    assert asked.status_code == 200 and 'id="confirm"' in asked.text
    assert request_row(engine, filed["id"]).registry_number is None
    code = re.search(r'name="cod" value="([\w-]+)"', asked.text).group(1)
    done = requests.post(link.split("?")[0] + "?lang=hu", data={"cod": code}, timeout=30)
    assert done.status_code == 200 and 'id="confirmed"' in done.text
    row = request_row(engine, filed["id"])
    assert row.registry_number is not None and row.registered_at is not None and row.confirm_token_sha256 is None
    label = f"{row.registry_number}/{row.year}"
    assert label in done.text
    again = requests.post(link.split("?")[0], data={"cod": code}, timeout=30)  # single use
    assert again.status_code == 404 and request_row(engine, filed["id"]).registry_number == row.registry_number
    assert f'/office/requests/{filed["id"]}"' in desk.get("/office").get_data(as_text=True)  # now on the desk

    assert work(mailing).sent >= 1
    registered = mail_server.inbox.to(to)[1]
    assert registered["Subject"] == f"A(z) {label} számú kérelem iktatva"
    plain, html = parts(registered)
    assert f"Taxă cerere nr. {label}" in plain and "/ordin-de-plata?token=" in plain and "lej" in plain

    csrf = headers["X-CSRF-Token"]
    assert desk.post(f"/api/certificates/{filed['id']}/review", headers=headers).status_code == 200
    assert work(mailing).sent >= 1
    draft = mail_server.inbox.to(to)[2]
    assert draft["Subject"] == f"Elkészült a(z) {label} számú kérelem tervezete"
    assert desk.post(f"/api/certificates/{filed['id']}/issue", headers={"X-CSRF-Token": csrf},
                     json={"unpaid_confirmed": True}).status_code == 200
    assert work(mailing).sent >= 1
    issued = mail_server.inbox.to(to)[3]
    assert issued["Subject"] == f"Kiadták a(z) {label} számú kérelem dokumentumát"
    plain, html = parts(issued)
    download = re.search(r"(http://\S+\.pdf\?token=[\w-]+)", plain).group(1)
    pdf = requests.get(download, timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert request_row(engine, filed["id"]).status == "downloaded"
    assert len(mail_server.inbox.to(to)) == 4  # each notice once
    folder = artifacts / "notices"  # as received, for a person to read (var/artifacts/, git-ignored)
    folder.mkdir(exist_ok=True)
    for n, message in enumerate(mail_server.inbox.to(to), 1):
        (folder / f"{n}-hu.eml").write_bytes(message.as_bytes())


def test_a_cancellation_tells_the_reason_in_english(live_server, mailing, mail_server, engine, number, loaded):
    from gis.certificates.confirmation import confirm, digest
    from gis.certificates.workflow import cancel

    to = "jane@example.co.uk"
    filed = file_online(live_server, number, to, "en", kind="nomenclature")
    work(mailing)
    [asked] = mail_server.inbox.to(to)
    assert asked["Subject"] == "Confirm your Street address certificate request"
    token = re.search(r"cod=([\w-]+)", parts(asked)[0]).group(1)
    with engine.connect() as c:  # only the digest of the token is stored
        stored = c.execute(text("SELECT confirm_token_sha256 FROM registry.request WHERE id = :i"),
                           {"i": filed["id"]}).scalar_one()
    assert stored == digest(token) and token not in stored
    confirm(loaded, filed["id"], token)
    cancel(loaded, filed["id"], "duplicate of an earlier request", "officer:test")
    work(mailing)
    subjects = [m["Subject"] for m in mail_server.inbox.to(to)]
    assert subjects[1].startswith("Request no. ") and subjects[1].endswith(" is registered")
    assert subjects[2].endswith(" is cancelled")
    plain, html = parts(mail_server.inbox.to(to)[2])
    assert "The reason: duplicate of an earlier request" in plain and "duplicate of an earlier request" in html


def test_an_expired_link_is_refused_and_registers_nothing(live_server, mailing, mail_server, engine, number):
    to = "late@example.ro"
    filed = file_online(live_server, number, to, "ro")
    work(mailing)
    link = re.search(r"(http://\S+/confirmare\?cod=[\w-]+&lang=ro)", parts(mail_server.inbox.to(to)[0])[0]).group(1)
    with engine.begin() as c:
        c.execute(text("UPDATE registry.request SET confirm_expires_at = now() - interval '1 minute' WHERE id = :i"),
                  {"i": filed["id"]})
    asked = requests.get(link, timeout=30)
    assert asked.status_code == 410 and "a expirat" in asked.text
    code = re.search(r"cod=([\w-]+)", link).group(1)
    assert requests.post(link.split("?")[0], data={"cod": code}, timeout=30).status_code == 410
    assert requests.get(link.replace(code, "x" + code[1:]), timeout=30).status_code == 404
    assert request_row(engine, filed["id"]).registry_number is None


def test_nothing_is_lost_while_the_mail_server_is_down(live_server, mailing, mail_server, engine, number, loaded):
    to = "outage@example.ro"
    filed = file_online(live_server, number, to, "ro")
    at = db_now(engine)
    mail_server.stop()
    try:
        down = deliver_due(mailing, compose, now=at)
        assert down.failed >= 1 and down.sent == 0
        with engine.connect() as c:
            row = c.execute(text("SELECT attempts, last_error, sent_at, next_attempt_at "
                                 "FROM registry.outbox WHERE recipient = :to"), {"to": to}).one()
        assert row[0] == 1 and "Connection refused" in row[1] and row[2] is None  # recorded and kept
        assert row[3] == at + timedelta(seconds=mailing.mail_backoff_s)  # retried after the backoff
        assert deliver_due(mailing, compose, now=at).failed == 0  # not due again yet: no second attempt at once
    finally:
        mail_server.start()
    assert mail_server.inbox.to(to) == []
    assert deliver_due(mailing, compose, now=at + timedelta(seconds=mailing.mail_backoff_s)).sent >= 1
    assert deliver_due(mailing, compose, now=at + timedelta(days=1)).sent == 0
    [arrived] = mail_server.inbox.to(to)
    assert arrived["Subject"].startswith("Confirmați cererea")
    with engine.connect() as c:
        assert c.execute(text("SELECT attempts, sent_at IS NOT NULL FROM registry.outbox WHERE recipient = :to"),
                         {"to": to}).one() == (2, True)
    assert request_row(engine, filed["id"]).registry_number is None


def test_the_backoff_doubles_and_a_message_is_given_up_but_kept(live_server, loaded, engine, number):
    closed = dataclasses.replace(loaded, smtp_url=f"smtp://127.0.0.1:{free_port()}", mail_backoff_s=60,
                                 mail_max_attempts=3)
    to = "nobody-listens@example.ro"
    file_online(live_server, number, to, "ro")
    start = db_now(engine)
    waits = []
    for step in range(3):
        with engine.connect() as c:
            due = c.execute(text("SELECT next_attempt_at FROM registry.outbox WHERE recipient = :to"),
                            {"to": to}).scalar_one()
        at = max(due, start) + timedelta(seconds=1)
        deliver_due(closed, compose, now=at)
        with engine.connect() as c:
            row = c.execute(text("SELECT attempts, next_attempt_at, failed_at FROM registry.outbox "
                                 "WHERE recipient = :to"), {"to": to}).one()
        assert row.attempts == step + 1
        waits.append(round((row.next_attempt_at - at).total_seconds()))
    assert waits == [60, 120, 240]
    assert row.failed_at is not None  # given up after mail_max_attempts, the row kept
    assert deliver_due(closed, compose, now=row.next_attempt_at + timedelta(days=9)).failed == 0


def test_the_daily_digest_lists_the_requests_near_their_deadline(loaded, mailing, mail_server, engine, make_user,
                                                                  number):
    from gis.certificates.workflow import file_request
    from gis.deadlines import queue_digest

    info = file_request(loaded, "urbanism", [number], "construire garaj", "Petru Termen", "officer:desk")
    make_user("digest.officer", "officer", uats=(info.uat_siruta,), full_name="Dana Termen")
    with engine.begin() as c:
        c.execute(text("UPDATE registry.request SET registered_at = now() - interval '14 days' WHERE id = :i"),
                  {"i": info.id})
        c.execute(text("UPDATE auth.user SET email = 'dana@primaria.test' WHERE username = 'digest.officer'"))
    assert queue_digest(loaded) >= 1
    assert queue_digest(loaded) == 0  # once a day
    work(mailing)
    [digest] = mail_server.inbox.to("dana@primaria.test")
    assert digest["Subject"].startswith("Cereri aproape de termen: ")
    plain, html = parts(digest)
    assert f"nr. {info.number_label}" in plain and "Petru Termen" in plain and "Dana Termen" in plain
    assert f"/office/requests/{info.id}" in html


def test_the_smtp_url_forms(loaded):
    assert parse_smtp_url("smtp+starttls://ana%40x.ro:p%3Ass@mail.x.ro").__dict__ == {
        "scheme": "smtp+starttls", "host": "mail.x.ro", "port": 587, "user": "ana@x.ro", "password": "p:ss"}
    assert parse_smtp_url("smtps://mail.x.ro").port == 465 and parse_smtp_url("smtp://h:2525").port == 2525
    for bad in ("http://mail.x.ro", "smtp://", "smtp://h:99999"):
        with pytest.raises(ValueError, match="TERITORIU_SMTP_URL"):
            parse_smtp_url(bad)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, trusted by the worker through SSL_CERT_FILE."""
    from datetime import UTC, datetime
    from ipaddress import IPv4Address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    return AuthResult(success=auth_data.login == b"cereri" and auth_data.password == b"parola:secreta")


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_starttls_and_tls_with_authentication(scheme, tls_files, loaded, monkeypatch, live_server, engine,
                                               number):
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    options = {"authenticator": _authenticator, "auth_required": True}
    options.update({"tls_context": context, "require_starttls": True} if scheme == "smtp+starttls"
                   # implicit TLS: aiosmtpd 1.4 does not count it as TLS for AUTH, so it is told to offer AUTH
                   else {"ssl_context": context, "auth_require_tls": False})
    server = MailServer(**options)
    server.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    try:
        to = f"{scheme.replace('+', '-')}@example.ro"
        file_online(live_server, number, to, "ro")
        wrong = dataclasses.replace(loaded, smtp_url=f"{scheme}://cereri:gresit@127.0.0.1:{server.port}")
        assert deliver_due(wrong, compose).failed >= 1 and server.inbox.to(to) == []  # refused login: kept
        right = dataclasses.replace(loaded, smtp_url=f"{scheme}://cereri:parola%3Asecreta@127.0.0.1:{server.port}")
        assert work(right, timedelta(hours=1), engine).sent >= 1
        assert len(server.inbox.to(to)) == 1
    finally:
        server.stop()


@pytest.mark.parametrize(("lang", "amount", "due"), [("ro", "8,11 lei", "04.12.2026"), ("en", "8.11 lei", "04/12/2026"),
                                                    ("hu", "8,11 lej", "2026. 12. 04.")])
def test_the_fee_and_the_due_date_are_written_the_way_the_language_writes_them(lang, amount, due):
    from webmap.notices import compose

    links = {"status": "https://x/s", "payment_order": "https://x/p"}
    registered = compose("registered", lang, {"number": "12/2026", "certificate": "urbanism", "fee": "8.11",
                                              "links": links})
    assert amount in registered.text, registered.text
    digest = compose("digest", lang, {"days": 3, "requests": [{"number": "12/2026", "certificate": "urbanism",
                                                                 "applicant": "Ion", "due": "2026-12-04",
                                                                 "link": "https://x/d"}]})
    assert due in digest.text, digest.text
