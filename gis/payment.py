"""How a fee is paid (issue 23, "Payment"): the UAT's treasury account from its settings
(territory.uat.settings "treasury": iban, beneficiary, fiscal_code, and optionally portal_url, the
address of the national online payment portal, ghiseul.ro, where the UAT is enrolled), the IBAN
checked with ISO 13616's mod-97, and the channels a recorded payment came through.

No payment is taken here: the portal is a link, and the desk records the receipt (the channel
among them) as for a payment at the counter (gis.certificates.workflow.record_payment)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import Connection, text

# how a recorded payment was made: the one list (the desk's choice, the API, the database's CHECK)
CHANNELS = ("counter", "bank_transfer", "online_portal")
CHANNEL_LABELS = {"counter": "la ghișeu (casierie)", "bank_transfer": "ordin de plată (transfer bancar)",
                  "online_portal": "online (ghiseul.ro)"}

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_FISCAL_CODE = re.compile(r"(RO)?[0-9]{2,10}")


class TreasuryError(ValueError):
    """The UAT's treasury settings are wrong: the message says which field and why."""


def normalize_iban(raw: str) -> str:
    return "".join(str(raw).split()).upper()


def iban_valid(raw: str) -> bool:
    """ISO 13616: two letters, two check digits, the account; moved four characters to the end and
    read with A=10…Z=35, the number leaves 1 when divided by 97. Romanian IBANs have 24 characters."""
    iban = normalize_iban(raw)
    if not _IBAN.fullmatch(iban) or (iban.startswith("RO") and len(iban) != 24):
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def grouped(iban: str) -> str:
    """As printed on a payment order: groups of four."""
    iban = normalize_iban(iban)
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


@dataclass(frozen=True)
class Treasury:
    iban: str
    beneficiary: str
    fiscal_code: str
    portal_url: str | None = None


def check_treasury(value) -> Treasury:
    """A UAT's "treasury" setting, checked; a TreasuryError that names the field otherwise."""
    if not isinstance(value, dict):
        raise TreasuryError('treasury: an object {"iban", "beneficiary", "fiscal_code"[, "portal_url"]}')
    unknown = sorted(set(value) - {"iban", "beneficiary", "fiscal_code", "portal_url"})
    if unknown:
        raise TreasuryError(f"treasury: unknown keys {', '.join(unknown)}")
    iban = normalize_iban(value.get("iban", ""))
    if not iban_valid(iban):
        raise TreasuryError(f"treasury.iban: {value.get('iban')!r} is not a valid IBAN (the mod-97 check fails or "
                            "the length is wrong; a Romanian IBAN has 24 characters, e.g. RO49AAAA1B31007593840000)")
    beneficiary = str(value.get("beneficiary", "")).strip()
    if not 3 <= len(beneficiary) <= 120:
        raise TreasuryError("treasury.beneficiary: the beneficiary's name is required (3 to 120 characters)")
    fiscal = str(value.get("fiscal_code", "")).strip().upper().replace(" ", "")
    if not _FISCAL_CODE.fullmatch(fiscal):
        raise TreasuryError("treasury.fiscal_code: the beneficiary's fiscal code (CIF) is 2 to 10 digits")
    portal = value.get("portal_url")
    if portal is not None and not (isinstance(portal, str) and re.fullmatch(r"https://[^\s\"'<>]{3,300}", portal)):
        raise TreasuryError("treasury.portal_url: an https:// address (e.g. https://www.ghiseul.ro/ghiseul/public/...)")
    return Treasury(iban, beneficiary, fiscal, portal or None)


def check_uat_settings(uat_settings: dict) -> None:
    """Refuse a UAT's settings whose treasury is wrong (before they are stored)."""
    if "treasury" in uat_settings:
        check_treasury(uat_settings["treasury"])


def treasury_of(conn: Connection, uat_siruta: int) -> Treasury | None:
    """The UAT's treasury account (None: none configured). A stored setting that is wrong (written
    around `teritoriu uat`) raises TreasuryError rather than print a wrong account on a payment order."""
    value = conn.execute(text("SELECT settings -> 'treasury' FROM territory.uat WHERE siruta = :s"),
                         {"s": uat_siruta}).scalar()
    return None if value is None else check_treasury(value)


def set_treasury(conn: Connection, uat_siruta: int, value: dict) -> Treasury:
    """Store a UAT's treasury setting, checked first."""
    treasury = check_treasury(value)
    stored = {"iban": treasury.iban, "beneficiary": treasury.beneficiary, "fiscal_code": treasury.fiscal_code,
              **({"portal_url": treasury.portal_url} if treasury.portal_url else {})}
    done = conn.execute(text("UPDATE territory.uat SET settings = jsonb_set(coalesce(settings, '{}'), '{treasury}', "
                             "CAST(:v AS jsonb)) WHERE siruta = :s"), {"v": json.dumps(stored), "s": uat_siruta})
    if done.rowcount != 1:
        raise TreasuryError(f"no UAT {uat_siruta}")
    return treasury
