"""The words of the e-mails the outbox sends (gis.outbox, gis.request_notices): one `compose`
for every notice kind, in the message's language (ro, en, hu; ru for the Moldovan profile), a plain
text part and an HTML part (templates/mail/notice.html) with the same paragraphs and links."""

from __future__ import annotations

from decimal import Decimal

from gis import texts
from gis.certificates.kinds import get_kind
from gis.outbox import Composed
from webmap.i18n import LANGUAGES, t
from webmap.templating import ENV


def _say(key: str, lang: str, **values) -> str:
    return t(key, lang).format(**values)


def _certificate(name: str | None, lang: str) -> str:
    kind = get_kind(name or "")
    return kind.label(lang) if kind else (name or "")


def compose(kind: str, lang: str, payload: dict) -> Composed:
    """(subject, text, html) of a queued message; `payload` as gis.request_notices (or gis.deadlines) wrote it."""
    lang = lang if lang in LANGUAGES else "ro"
    number = payload.get("number") or ""
    links = payload.get("links", {})
    certificate = _certificate(payload.get("certificate"), lang)
    status = (t("mail_status_link", lang), links.get("status", ""))
    rows: list[str] = []
    if kind == "confirm":
        subject = _say("mail_confirm_subject", lang, certificate=certificate)
        paragraphs = [_say("mail_confirm_body", lang, certificate=certificate, hours=payload.get("hours", ""))]
        actions = [(t("mail_confirm_action", lang), payload["link"])]
    elif kind == "registered":
        subject = _say("mail_registered_subject", lang, number=number)
        fee = payload.get("fee")
        amount = texts.number(Decimal(fee), lang, 2) if fee else ""  # 8,11 in ro and hu, 8.11 in en
        paragraphs = [_say("mail_registered_body", lang, certificate=certificate, number=number),
                      _say("mail_fee", lang, fee=amount, reference=_say("pay_reference_value", lang, number=number))
                      if fee and float(fee) > 0 else t("mail_no_fee", lang)]
        actions = [status] + ([(t("pay_order_link", lang), links["payment_order"])]
                              if fee and float(fee) > 0 else [])
    elif kind == "draft_ready":
        subject = _say("mail_draft_subject", lang, number=number)
        paragraphs, actions = [t("mail_draft_body", lang)], [status]
    elif kind == "issued":
        subject = _say("mail_issued_subject", lang, number=number)
        paragraphs = [t("mail_issued_body", lang)]
        actions = [(t("mail_download", lang), links.get("download", "")), status]
    elif kind == "cancelled":
        subject = _say("mail_cancelled_subject", lang, number=number)
        paragraphs, actions = [_say("mail_cancelled_body", lang, reason=payload.get("reason", ""))], [status]
    elif kind == "digest":
        requests = payload.get("requests", [])
        subject = _say("mail_digest_subject", lang, count=len(requests))
        paragraphs = [_say("mail_digest_body", lang, days=payload.get("days", ""))]
        rows = [f"nr. {r['number']} · {_certificate(r['certificate'], lang)} · {r['applicant']} · "
                f"{_say('mail_digest_due', lang, date=texts.date(r['due'], lang))}"
                + (f" · {t('mail_digest_late', lang)}" if r.get("late") else "") + f" · {r['link']}"
                for r in requests]
        actions = []
    else:
        raise ValueError(f"no words for the notice kind {kind!r}")
    greeting = _say("mail_greeting", lang, name=payload.get("applicant") or payload.get("officer") or "")
    footer = t("mail_footer", lang)
    lines = [greeting, "", *[p + "\n" for p in paragraphs], *[f"- {r}" for r in rows], *([""] if rows else []),
             *[f"{label}: {url}" for label, url in actions], "", "--", footer]
    html = ENV.get_template("mail/notice.html").render(lang=lang, subject=subject, greeting=greeting,
                                                      paragraphs=paragraphs, rows=rows, actions=actions,
                                                      footer=footer)
    return Composed(subject, "\n".join(lines) + "\n", html)
