"""The Republic of Moldova's two urbanism certificates (Codul urbanismului și construcțiilor nr.
434/2023; config_md.yaml cites the sources and marks what is still "(de verificat)"):
the certificat de urbanism informativ (request form: the Code's anexa nr. 1) makes the regime
known and lists no approvals; the certificat de urbanism pentru proiectare (anexa nr. 2) is the
basis of the design, with the approvals the permit needs. Which one a request gets follows its
purpose (`informative_purposes`); each has its title, request form, validity and tariff. A
settlement of up to 3,000 inhabitants (the UAT's settings: `population`) gets the simplified
procedure's mention."""

from __future__ import annotations

import re
from decimal import Decimal

from gis.certificates.rules import Fee
from gis.certificates.wording import ro_number

INFORMATIV, PROIECTARE = "informativ", "proiectare"


def variant(purpose: str, rules: dict) -> str:
    """informativ when a word of the purpose is one of `informative_purposes`, else proiectare."""
    words = set(re.findall(r"\w+", purpose.casefold()))
    return INFORMATIV if words & {w.casefold() for w in rules.get("informative_purposes", [])} else PROIECTARE


def simplified_procedure(uat_settings: dict, rules: dict) -> str:
    """The simplified procedure's mention for a settlement of up to `max_population` inhabitants;
    "" when the UAT is larger or its population is not in its settings."""
    rule, population = rules.get("simplified_procedure"), (uat_settings or {}).get("population")
    if not rule or not isinstance(population, int) or population > rule["max_population"]:
        return ""
    return f"{rule['text']} Populația: {ro_number(population, 0)} locuitori."


def variant_fee(fee: Fee, chosen: str, table: dict) -> Fee:
    """The informativ certificate's own tariff where the council's table has one."""
    if chosen != INFORMATIV or "informative_amount" not in table:
        return fee
    amount = Decimal(str(table["informative_amount"])).quantize(Decimal("0.01"))
    return Fee(amount, f"{table['hcl']}; certificat de urbanism informativ")


def facts(common: dict, rules: dict, fee: Fee, table: dict, approvals: tuple[str, ...], months: int | None,
          uat_settings: dict) -> dict:
    """What the Moldovan urbanism certificate adds: its variant, approvals, validity (the officer's
    `months` when chosen, else the variant's), fee and the simplified procedure's mention."""
    chosen = variant(common["purpose"], rules)
    own = rules.get("variants", {}).get(chosen, {})
    return {"variant": chosen, "approvals": approvals if chosen == PROIECTARE else (),
            "validity_months": months or own.get("validity_months", rules["validity_months"]),
            "fee": variant_fee(fee, chosen, table),
            "procedure_note": simplified_procedure(uat_settings, rules)}
