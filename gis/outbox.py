"""The outbox: e-mails queued in the database and sent by a worker (`teritoriu mail work`).

A message is a row of registry.outbox (migration 0018) inserted by `enqueue` on the caller's
connection, so it commits or rolls back with the change it announces: a request cancelled is
announced, a cancellation that failed is not. The row holds what the message is about (`kind`,
`payload`, `language`); the words are put together when it is sent, by a `Compose` function the
caller gives (webmap.notices: the texts live with the other catalogues, above gis/).

`deliver_due` sends the messages whose time has come, one transaction each, the row locked with
SKIP LOCKED so two workers never send the same one. A failure (server down, refused) records the
attempt and the error and moves `next_attempt_at` by an exponential backoff; after
`mail_max_attempts` the message is marked failed and kept (never deleted). The clock is a
parameter: tests move it instead of sleeping.

Sent with the standard library's smtplib and email packages: SMTP, STARTTLS, implicit TLS, AUTH
and multipart/alternative are all there, and a worker that sends a few hundred messages a day
needs no asynchronous client or template mailer (one dependency fewer to keep patched).
"""

from __future__ import annotations

import json
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, text

from gis.db import get_engine
from gis.settings import Settings

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


Compose = Callable[[str, str, dict], Composed]   # (kind, language, payload) -> the message's words


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    """TERITORIU_SMTP_URL: smtp://host[:port] (plain), smtp+starttls://… (STARTTLS), smtps://… (TLS
    from the start), with an optional user:password@ (percent-encoded). A clear ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"TERITORIU_SMTP_URL: the scheme must be one of {', '.join(SCHEMES)} (not {parts.scheme!r})")
    if not parts.hostname:
        raise ValueError("TERITORIU_SMTP_URL: no host (e.g. smtp+starttls://user:password@mail.example.ro:587)")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise ValueError("TERITORIU_SMTP_URL: the port is not a number between 1 and 65535") from None
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpServer(parts.scheme, parts.hostname, port, user, password)


def enqueue(conn: Connection, kind: str, recipient: str, language: str, payload: dict,
            request_id: int | None = None) -> int:
    """Queue a message on the caller's transaction; it is sent once that transaction commits."""
    return conn.execute(text("""
        INSERT INTO registry.outbox (request_id, kind, recipient, language, payload)
        VALUES (:r, :k, :to, :lang, CAST(:p AS jsonb)) RETURNING id"""),
        {"r": request_id, "k": kind, "to": recipient, "lang": language,
         "p": json.dumps(payload, ensure_ascii=False, default=str)}).scalar_one()


def build_message(settings: Settings, outbox_id: int, recipient: str, composed: Composed) -> EmailMessage:
    """Plain text first, HTML as the alternative; a Message-ID derived from the outbox row."""
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = recipient
    msg["Subject"] = composed.subject
    msg["Message-ID"] = make_msgid(f"outbox-{outbox_id}", domain=settings.mail_from.rpartition("@")[2] or None)
    msg.set_content(composed.text)
    msg.add_alternative(composed.html, subtype="html")
    return msg


def send(server: SmtpServer, message: EmailMessage, timeout: float = 20) -> None:
    """One message over one connection; any failure raises (smtplib.SMTPException or OSError)."""
    context = ssl.create_default_context()
    if server.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    with client:
        if server.scheme == "smtp+starttls":
            client.starttls(context=context)
        if server.user:
            client.login(server.user, server.password or "")
        client.send_message(message)


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: mail_backoff_s, then twice as long each time."""
    return timedelta(seconds=settings.mail_backoff_s * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int     # attempts that failed this round (the messages stay queued, or are given up)
    given_up: int


def deliver_due(settings: Settings, compose: Compose, now: datetime | None = None, limit: int = 100) -> Delivery:
    """Send every queued message due at `now` (default: the database's clock), one transaction each."""
    server = parse_smtp_url(settings.smtp_url) if settings.smtp_url else None
    sent = failed = given_up = 0
    engine = get_engine(settings, "app")
    for _ in range(limit):
        with engine.begin() as conn:
            row = conn.execute(text("""
                SELECT id, kind, recipient, language, payload, attempts FROM registry.outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= coalesce(:now, now())
                ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"""), {"now": now}).one_or_none()
            if row is None:
                break
            at = now or conn.execute(text("SELECT now()")).scalar_one()
            try:
                if server is None:
                    raise ConnectionError("no mail server configured (TERITORIU_SMTP_URL)")
                send(server, build_message(settings, row.id, row.recipient,
                                           compose(row.kind, row.language, row.payload)))
            # a message that cannot be written (a payload from an older version) waits like one the server
            # refused, with its error recorded, instead of stopping the worker before every later message
            except (smtplib.SMTPException, OSError, ValueError, KeyError) as exc:
                attempts = row.attempts + 1
                give_up = attempts >= settings.mail_max_attempts
                conn.execute(text("""
                    UPDATE registry.outbox SET attempts = :a, last_error = :e, next_attempt_at = :next,
                        failed_at = CASE WHEN :give_up THEN CAST(:at AS timestamptz) END
                    WHERE id = :id"""), {"a": attempts, "e": f"{type(exc).__name__}: {exc}"[:500],
                                         "next": at + backoff(settings, attempts), "give_up": give_up,
                                         "at": at, "id": row.id})
                failed += 1
                given_up += give_up
                continue
            conn.execute(text("UPDATE registry.outbox SET attempts = attempts + 1, sent_at = :at, last_error = NULL "
                              "WHERE id = :id"), {"at": at, "id": row.id})
            sent += 1
    return Delivery(sent, failed, given_up)
