"""What a certificate costs beyond the area bracket, and what the officer chooses per request.

Codul fiscal (Legea 227/2015), Titlul IX, cap. V:
- art. 474 alin. (1)-(2): the urbanism certificate's fee by area, rural areas 50 % (rules.urbanism_fee);
- art. 474 alin. (3): an extension costs 30 % of the fee of the initial certificate (extension_fee);
- art. 474 alin. (4): the county's specialised structure approving ("avizarea") the certificate,
  a fee the council sets, up to 15 lei (with_choices);
- art. 476: exemptions (with_choices: no fee, the basis printed);
- art. 491: the council indexes the amounts yearly; each year's table names its HCL (config.yaml).
The shipped tables are the sample council's: another UAT without its own tables gets a clear
refusal instead of somebody else's amounts (council_tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gis.certificates.rules import CertificateError, Fee


@dataclass(frozen=True)
class Choices:
    """What the officer records on a request (registry.request): parcels that do not touch but form
    one investment (the reason), the validity in months, an art. 476 exemption, the county's approval."""
    one_investment: str | None = None
    validity_months: int | None = None
    exemption: str | None = None
    county_approval: bool = False


def council_tables(kind: str, rules: dict, uat_settings: dict | None, siruta: int | None) -> dict:
    """The fee tables by year that apply to the UAT: its own when its settings have them (only
    those: no year falls back on the sample's), else the shipped ones for the sample council (or
    when no UAT is named); another UAT without its own gets a clear refusal."""
    from gis.certificates.rules import _int_keys

    own = (((uat_settings or {}).get("certificates") or {}).get("fees") or {}).get(kind)
    if own:
        return _int_keys(own)
    sample = rules.get("sample_council")
    if sample is not None and siruta is not None and siruta != sample.get("siruta"):
        raise CertificateError("taxa pentru {kind} nu este stabilită prin hotărârea consiliului local al acestui "
                               "UAT: adăugați tabelul anual (HCL, art. 474 și 491 Codul fiscal) în setările UAT-ului",
                               kind=kind)
    return rules["fees"][kind]


def validity_months(choices: Choices | None, urbanism_rules: dict) -> int:
    """The validity chosen for this certificate, within the law's limits (config: validity_limits)."""
    low, high = urbanism_rules.get("validity_limits", [urbanism_rules["validity_months"]] * 2)
    months = choices.validity_months if choices and choices.validity_months is not None else \
        urbanism_rules["validity_months"]
    if not low <= months <= high:
        raise CertificateError("valabilitatea certificatului de urbanism se stabilește între {low} și {high} luni",
                               low=low, high=high)
    return months


def with_choices(fee: Fee, choices: Choices | None, table: dict, rules: dict) -> Fee:
    """The fee with an art. 476 exemption (nothing due) or the county's approval (art. 474 alin. 4) added."""
    if choices is None:
        return fee
    if choices.exemption:
        basis = rules.get("exemptions", {}).get(choices.exemption)
        if basis is None:
            known = ", ".join(rules.get("exemptions", {})) or "niciuna"
            raise CertificateError("scutire necunoscută {exemption} (art. 476 Codul fiscal; cunoscute: {known})",
                                   exemption=repr(choices.exemption), known=known)
        return Fee(Decimal("0.00"), f"scutit de taxă: {basis}")
    if choices.county_approval:
        if "county_approval_lei" not in table:
            raise CertificateError("tabelul taxelor nu are taxa pentru avizarea certificatului de urbanism "
                                   "(art. 474 alin. (4) Codul fiscal)")
        extra = Decimal(str(table["county_approval_lei"])).quantize(Decimal("0.01"))
        return Fee(fee.amount_lei + extra, f"{fee.basis}; plus {lei(extra)} lei pentru avizarea certificatului de "
                                           "urbanism de către structura de specialitate a consiliului județean "
                                           "(art. 474 alin. (4) Codul fiscal)")
    return fee


def extension_fee(initial: Decimal, paid: bool, factor: float | Decimal) -> Fee:
    """Art. 474 alin. (3) Codul fiscal: 30 % of the fee of the initial certificate, as paid."""
    share = Decimal(str(factor))
    amount = (Decimal(initial) * share).quantize(Decimal("0.01"), ROUND_HALF_UP)
    of = "taxei achitate" if paid else "taxei stabilite (plata nu a fost înregistrată)"
    return Fee(amount, f"{int(share * 100)} % din {lei(Decimal(initial))} lei, cuantumul {of} pentru certificatul "
                       "inițial (art. 474 alin. (3) Codul fiscal)")


def lei(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
