"""Issue 17, item 8: anonymous bodies were parsed before their size and type were checked.

Replayed: a 30 MB JSON array to POST /api/certificates grew a worker by 380 MB before its 400;
a 150 MB multipart to /verify/<code> was parsed before its 20 MB check. Each route now declares
its largest body and its content types (api/bodies.py), checked before anything reads the body:
413 with a message saying the limit, 415 for the wrong type. The bodies here are made on demand
and count what the server read, so "before parsing" is a count of bytes, not a guess.
"""

from __future__ import annotations

import io

import pytest
from factories import csrf_token
from sqlalchemy import text

MB = 1024 * 1024


class Body(io.RawIOBase):
    """`size` bytes made while they are read (prefix, a repeated filler, suffix); `consumed`
    counts the bytes the server took."""

    def __init__(self, size: int, prefix: bytes = b"", suffix: bytes = b"", filler: bytes = b"0"):
        super().__init__()
        self.size, self.prefix, self.suffix, self.filler = size, prefix, suffix, filler
        self.pos = self.consumed = 0

    def __len__(self) -> int:
        return self.size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures the body by seeking to its end
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: offset, 1: self.pos + offset, 2: self.size + offset}[whence]
        return self.pos

    def _at(self, pos: int) -> int:
        if pos < len(self.prefix):
            return self.prefix[pos]
        if pos >= self.size - len(self.suffix):
            return self.suffix[pos - (self.size - len(self.suffix))]
        return self.filler[(pos - len(self.prefix)) % len(self.filler)]

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.pos)
        if n <= 0:
            return 0
        start, end = self.pos, self.pos + n
        if start >= len(self.prefix) and end <= self.size - len(self.suffix):  # the filler: fast
            offset = (start - len(self.prefix)) % len(self.filler)
            chunk = (self.filler * (n // len(self.filler) + 2))[offset:offset + n]
        else:
            chunk = bytes(self._at(p) for p in range(start, end))
        buffer[:n] = chunk
        self.pos += n
        self.consumed += n
        return n


def multipart(size: int) -> tuple[Body, str]:
    """A browser's upload of one file `pdf` of about `size` bytes."""
    boundary = "----teritoriu-test-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"c.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return Body(size, head, tail, b"0"), f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def issued(loaded):
    """A certificate issued for real (its /verify page reads an upload)."""
    from gis.certificates import issue
    from gis.db import get_engine

    with get_engine(loaded, "app").connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY cadastral_number OFFSET 5 LIMIT 1")).scalar_one()
    return issue(loaded, "urbanism", [number], "construire", "Popa Ana", "test", unpaid_confirmed=True)


def test_a_30_mb_json_array_to_the_filing_api_is_refused_unread(client):
    body = Body(30 * MB, b"[", b"0]", b"0,")
    r = client.post("/api/certificates", input_stream=body, content_length=len(body),
                    content_type="application/json", environ_base={"REMOTE_ADDR": "10.81.0.1"})
    assert r.status_code == 413, r.status_code
    assert body.consumed == 0
    message = r.get_json()["message"]
    assert "prea mare" in message and "16 KB" in message


def test_a_streamed_body_without_a_length_is_cut_at_the_limit(client):
    """Chunked uploads have no Content-Length: the server stops reading at the route's limit."""
    body = Body(30 * MB, b"[", b"0]", b"0,")
    r = client.post("/api/certificates", input_stream=body, content_type="application/json",
                    headers={"Transfer-Encoding": "chunked"},
                    environ_overrides={"wsgi.input_terminated": True}, environ_base={"REMOTE_ADDR": "10.81.0.2"})
    assert r.status_code == 413, r.status_code
    assert body.consumed < 1 * MB, body.consumed
    assert "prea mare" in r.get_json()["message"]


def test_a_150_mb_upload_to_verify_is_refused_unread(client, issued):
    body, content_type = multipart(150 * MB)
    r = client.post(f"/verify/{issued.verification_code}", input_stream=body, content_length=len(body),
                    content_type=content_type, environ_base={"REMOTE_ADDR": "10.81.0.3"})
    assert r.status_code == 413, r.status_code
    assert body.consumed == 0
    page = r.get_data(as_text=True)
    assert "prea mare" in page and "20 MB" in page


def test_a_real_pdf_still_verifies(client, issued):
    r = client.post(f"/verify/{issued.verification_code}", data={"pdf": (io.BytesIO(issued.pdf), "c.pdf")},
                    content_type="multipart/form-data", environ_base={"REMOTE_ADDR": "10.81.0.4"})
    assert r.status_code == 200 and "data-verdict='genuine'" in r.get_data(as_text=True)


@pytest.mark.parametrize("path,content_type", [
    ("/api/certificates", "text/plain"),
    ("/api/certificates", "application/x-www-form-urlencoded"),
    ("/cereri/noua", "application/json"),
    ("/verify/{code}", "application/json"),
    ("/office/login", "application/json"),
])
def test_the_wrong_content_type_is_415_unread(client, issued, path, content_type):
    body = Body(4000, b"{", b"}", b" ")
    r = client.post(path.format(code=issued.verification_code), input_stream=body, content_length=len(body),
                    content_type=content_type, environ_base={"REMOTE_ADDR": "10.81.0.5"})
    assert r.status_code == 415, r.status_code
    assert body.consumed == 0
    assert "conținutului" in r.get_data(as_text=True)


def test_a_filing_form_larger_than_a_form_is_refused(client):
    body = Body(2 * MB, b"purpose=", b"", b"a")
    r = client.post("/cereri/noua", input_stream=body, content_length=len(body),
                    content_type="application/x-www-form-urlencoded", environ_base={"REMOTE_ADDR": "10.81.0.6"})
    assert r.status_code == 413 and body.consumed == 0


def test_the_message_follows_the_callers_language(client):
    body = Body(1 * MB, b"[", b"0]", b"0,")
    r = client.post("/api/certificates", input_stream=body, content_length=len(body),
                    content_type="application/json", headers={"Accept-Language": "hu-HU,hu;q=0.9"},
                    environ_base={"REMOTE_ADDR": "10.81.0.7"})
    assert r.status_code == 413 and "túl nagy" in r.get_json()["message"]


def test_only_signed_in_staff_may_send_an_import_of_many_megabytes(app, client, staff_client):
    """200 MB is the staff imports' limit; an anonymous caller gets the default (2 MB)."""
    body, content_type = multipart(30 * MB)
    r = client.post("/api/imports", input_stream=body, content_length=len(body), content_type=content_type,
                    environ_base={"REMOTE_ADDR": "10.81.0.8"})
    assert r.status_code == 413 and body.consumed == 0
    surveyor, headers = staff_client("surveyor", username="bl.surveyor")
    boundary = content_type.split("boundary=")[1]
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{headers['X-CSRF-Token']}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"layer\"\r\n\r\nnimic\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.zip\"\r\n"
            "Content-Type: application/zip\r\n\r\n").encode()
    big = Body(30 * MB, head, f"\r\n--{boundary}--\r\n".encode(), b"0")
    r = surveyor.post("/api/imports", input_stream=big, content_length=len(big), content_type=content_type,
                      headers=headers)
    assert r.status_code == 400 and "layer" in r.get_json()["message"], r.status_code  # read, then judged
    assert big.consumed == len(big)


def test_an_ordinary_filing_still_goes_through(client, engine):
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY cadastral_number OFFSET 6 LIMIT 1")).scalar_one()
    r = client.post("/api/certificates", json={"type": "urbanism", "parcels": [number], "purpose": "construire casă",
                                               "applicant_name": "Ana Pop"},
                    environ_base={"REMOTE_ADDR": "10.81.0.9"})
    assert r.status_code == 201, r.get_json()


def test_the_sign_in_form_is_small(app):
    client = app.test_client()
    token = csrf_token(client)
    r = client.post("/office/login", data={"csrf": token, "username": "x" * 20000, "password": "p"},
                    environ_base={"REMOTE_ADDR": "10.81.0.10"})
    assert r.status_code == 413
