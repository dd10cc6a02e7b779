"""The certificate rules: which parcels may go together, the fee, the approvals, the facts.

`certificate_facts()` gathers, for a selection of parcels, one immutable record that the PDF
templates and the JSON API both render; nothing is computed in a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import Connection, text

from gis.certificates.wording import ro_number
from gis.parcel_facts import ParcelFacts, ParcelNotFound, parcel_facts, parcels_by_number
from gis.profiles import Profile, get_profile
from gis.tolerances import CONTIGUOUS_M

HERE = Path(__file__).parent


class CertificateError(ValueError):
    """A selection or request that cannot give a certificate; the message says why.

    Raised with a Romanian template and its values (``CertificateError("… {n} …", n=3)``): str()
    is the Romanian sentence, ``template``/``values`` let a page say it in the officer's language
    (webmap.i18n.tr). ``status`` is the HTTP answer the routes give (one mapping, api.refusals):
    the request's input is wrong (400, this class) or it conflicts with the state of the request or
    certificate (409, StateConflict) or there is nothing under that name (404, NotFound)."""

    status = 400

    def __init__(self, template: str, *, message_code: str = "", **values) -> None:
        # an English template says itself in people's languages through a catalogue message code instead
        self.template, self.values, self.message_code = template, values, message_code
        super().__init__(template.format(**values) if values else template)


class StateConflict(CertificateError):
    """The input is fine but the request or certificate is past the point where it applies
    (issued, cancelled, expired, extended already, paid already…)."""

    status = 409


class NotFound(CertificateError):
    """No request or certificate under the name given."""

    status = 404


def profile_of(code: str | None) -> Profile:
    """The national profile named, or the deployment's (settings) when none is."""
    if code is None:
        from gis.settings import get_settings

        code = get_settings().profile
    return get_profile(code)


@cache
def _load(name: str) -> dict:
    with (HERE / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def config(profile: str | None = None, uat_settings: dict | None = None) -> dict:
    """The certificate rules of a national profile (its file under gis/certificates/), with the
    UAT's own where it has them (territory.uat.settings → "certificates": its fee tables by year,
    signatories, approvals, wording; `teritoriu uat add --settings`)."""
    base = _load(profile_of(profile).certificate_config)
    own = (uat_settings or {}).get("certificates")
    return _merged(base, _int_keys(own)) if own else base


def _int_keys(value):
    """JSON has only text keys; the rules' years are numbers."""
    if isinstance(value, dict):
        return {int(k) if isinstance(k, str) and k.isdigit() else k: _int_keys(v) for k, v in value.items()}
    return value


def _merged(base: dict, own: dict) -> dict:
    out = dict(base)
    for key, value in own.items():
        out[key] = _merged(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


@dataclass(frozen=True)
class Fee:
    amount_lei: Decimal
    basis: str


@dataclass(frozen=True)
class Payment:
    """The fee as paid, from the desk's record: printed as "Achitat taxa de … lei conform chitanței
    nr. … din …" (Ordinul 839/2009, anexa 1, formularul F.6)."""
    amount_lei: Decimal
    receipt: str
    paid_on: date
    channel: str | None = None   # gis.payment.CHANNELS (None: recorded before the channel was)


def _fee_table(kind: str, on: date, profile: str | None = None, uat_settings: dict | None = None,
               siruta: int | None = None) -> dict:
    from gis.certificates.fees import council_tables

    fees = council_tables(kind, config(profile, uat_settings), uat_settings, siruta)
    years = sorted(y for y in fees if y <= on.year)
    if not years:
        raise CertificateError("no {kind} fee table for {year}", message_code="certificate.no_fee_table", kind=kind,
                               year=on.year)
    return fees[years[-1]]


def urbanism_fee(area_m2: float, rural: bool, extension: bool = False, on: date | None = None,
                 profile: str | None = None, uat_settings: dict | None = None, siruta: int | None = None) -> Fee:
    """The profile's rule (its `fee_rule`, amounts per year in its rules file). Romania, Codul
    fiscal art. 474: by area bracket; over 1,000 m² a per-m² supplement. A table with `amount`
    is a flat tariff (Moldova). Rural areas pay `rural_factor`, an extension `extension_factor`
    of the initial fee, where the table has them."""
    prof = profile_of(profile)
    table = _fee_table("urbanism", on or date.today(), prof.code, uat_settings, siruta)
    area = Decimal(str(area_m2)).quantize(Decimal("0.01"))
    if "amount" in table:
        return _flat_urbanism_fee(table, area, rural, extension, prof)
    amount = None
    for upper, lei in table["brackets"]:
        if area <= upper:
            amount, bracket = Decimal(str(lei)), f"≤ {ro_number(upper, 0)} m²"
            break
    if amount is None:
        top, lei = table["brackets"][-1]
        over = (area - top).quantize(Decimal("1"), ROUND_HALF_UP)
        amount = Decimal(str(lei)) + over * Decimal(str(table["over_1000_lei_per_m2"]))
        bracket = (f"> {ro_number(top, 0)} m²: {lei} lei + {ro_number(table['over_1000_lei_per_m2'])} lei/m² "
                   f"× {ro_number(over, 0)} m²")
    notes = [f"suprafață {ro_number(area)} m² ({bracket})"]
    if rural:
        amount *= Decimal(str(table["rural_factor"]))
        notes.append(f"mediul rural: {int(Decimal(str(table['rural_factor'])) * 100)} %")
    if extension:
        amount *= Decimal(str(table["extension_factor"]))
        notes.append(f"prelungire: {int(Decimal(str(table['extension_factor'])) * 100)} %")
    amount = amount.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Fee(amount, f"{prof.fee_rule}; {table['hcl']}; " + "; ".join(notes))


def _flat_urbanism_fee(table: dict, area: Decimal, rural: bool, extension: bool, prof: Profile) -> Fee:
    amount = Decimal(str(table["amount"]))
    notes = [f"{config(prof.code)['wording']['urbanism_fee']}, suprafață {ro_number(area)} m²"]
    if rural and "rural_factor" in table:
        amount *= Decimal(str(table["rural_factor"]))
        notes.append(f"mediul rural: {int(Decimal(str(table['rural_factor'])) * 100)} %")
    if extension and "extension_factor" in table:
        amount *= Decimal(str(table["extension_factor"]))
        notes.append(f"prelungire: {int(Decimal(str(table['extension_factor'])) * 100)} %")
    amount = amount.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Fee(amount, f"{prof.fee_rule}; {table['hcl']}; " + "; ".join(notes))


def nomenclature_fee(on: date | None = None, profile: str | None = None, uat_settings: dict | None = None,
                     siruta: int | None = None) -> Fee:
    table = _fee_table("nomenclature", on or date.today(), profile, uat_settings, siruta)
    return Fee(Decimal(str(table["amount"])).quantize(Decimal("0.01")),
               config(profile)["wording"]["nomenclature_fee"].format(hcl=table["hcl"]))


@dataclass(frozen=True)
class UatInfo:
    siruta: int
    name: str
    county: str
    kind: str
    settings: dict = field(default_factory=dict, compare=False, hash=False)  # its own rules (uat.settings)

    @property
    def is_rural(self) -> bool:
        return self.kind == "comună"

    @property
    def name_genitive(self) -> str:
        from gis.uats import genitive

        return genitive(self.name)

    @property
    def name_in_text(self) -> str:
        from gis.uats import in_text

        return in_text(self.name)

    @property
    def name_genitive_in_text(self) -> str:
        from gis.uats import genitive_in_text

        return genitive_in_text(self.name)


@dataclass(frozen=True)
class FormerAddress:
    cadastral_number: str
    label: str
    valid_to: date
    hcl_number: str | None
    hcl_date: date | None


@dataclass(frozen=True)
class CertificateFacts:
    kind: str
    uat: UatInfo
    parcels: tuple[ParcelFacts, ...]
    purpose: str
    applicant: str
    issued_on: date
    fee: Fee
    contiguous: bool
    approvals: tuple[str, ...] = ()
    validity_months: int = 0
    former_addresses: tuple[FormerAddress, ...] = ()
    data_vintage: dict = field(default_factory=dict)
    profile: str = ""   # the national profile whose rules and templates apply
    payment: Payment | None = None   # None: no payment recorded (the certificate says so)
    one_investment: str = ""   # parcels apart, recorded by the officer as one investment (gis.certificates.apart)
    # the urbanism kind's checks (issue 19 items 6, 8, 9, 10: purposes.py, capacity.py, regimes.py)
    purpose_label: str = ""           # the declared purpose as recognised in the controlled list
    purpose_verdicts: tuple = ()      # purposes.PurposeVerdict per parcel and UTR
    purpose_may_use: bool | None = None
    purpose_override: dict | None = None  # the officer's verdict and reason (purpose_override.py)
    capacity: tuple = ()              # capacity.ParcelCapacity per parcel
    property_notes: tuple[str, ...] = ()   # regimul juridic: public / private property
    economic_notes: tuple[str, ...] = ()   # regimul economic: the fiscal zone
    technical_notes: tuple[str, ...] = ()  # regimul tehnic: minimum area, the RLU's other rules
    plan_flags: tuple[str, ...] = ()    # what the officer resolves before signing
    # F.6 section 4 and 5 lit. d) (gis.certificates.authorities), the extravilan regime (extravilan.py)
    environment_obligation: str = ""
    approval_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extravilan: tuple = ()
    request_date: date | None = None     # the request's registration (F.6: "înregistrată la nr. … din …")
    applicant_domicile: str = ""
    street_acts: tuple = ()   # nomenclature: the HCL naming each address's street (kinds/nomenclature.py)
    # Moldova (gis.certificates.urbanism_md): "informativ" or "proiectare", the simplified procedure's mention
    variant: str = ""
    procedure_note: str = ""

    @property
    def total_area(self) -> float:
        return round(sum(p.reference_area for p in self.parcels), 2)

    @property
    def warnings(self) -> list[str]:
        out = []
        if len(self.parcels) > 1 and not self.contiguous:
            out.append("Parcelele selectate nu sunt alăturate (nu formează un teren continuu).")
        return out

    @property
    def cadastral_numbers(self) -> list[str]:
        return [p.cadastral_number for p in self.parcels]


def _uat(conn: Connection, siruta: int) -> UatInfo:
    row = conn.execute(text("SELECT siruta, name, county, kind, settings FROM territory.uat WHERE siruta = :s"),
                       {"s": siruta}).one()
    return UatInfo(*row)


def certificate_facts(conn: Connection, kind: str, cadastral_numbers: list[str], purpose: str,
                      applicant: str = "", uat: int | None = None, issued_on: date | None = None,
                      extension: bool = False, profile: str | None = None, choices=None) -> CertificateFacts:
    """The facts of a certificate for the selected parcels (all of one UAT), by the rules of
    the national `profile` (default: the deployment's)."""
    from gis.certificates.kinds import Selection, get_kind, names, spelled

    prof = profile_of(profile)
    registered = get_kind(kind)
    if registered is None:
        raise CertificateError("unknown certificate kind {kind}; use {names}", message_code="certificate.unknown_kind",
                               kind=repr(kind), names=spelled(names()))
    numbers = list(dict.fromkeys(prof.normalise_cadastral_number(n) for n in cadastral_numbers
                                 if n and n.strip()))
    if not numbers:
        raise CertificateError("select at least one parcel", message_code="certificate.no_parcel")
    if not purpose or not purpose.strip():
        raise CertificateError("the purpose (în scopul) is required", message_code="certificate.no_purpose")
    wrong = [n for n in numbers if not prof.valid_cadastral_number(n)]
    if wrong:
        example = f" (e.g. {prof.cadastral_example})" if prof.cadastral_example else ""
        raise CertificateError("not a cadastral number of {country}{example}: {numbers}",
                               message_code="certificate.bad_number", country=prof.country, example=example,
                               sample=prof.cadastral_example or "—", numbers=", ".join(wrong))
    ids = []
    for n in numbers:
        found = parcels_by_number(conn, n, uat)  # raises ParcelNotFound
        if len(found) > 1:
            raise CertificateError("cadastral number {n} exists in several UATs; name the UAT",
                                   message_code="certificate.several_uats", n=n)
        ids.append(found[0])
    on = issued_on or date.today()
    # the plans and restrictions in force on the issue date; the kinds whose area is not buildable
    nonbuildable = tuple(config(prof.code).get("nonbuildable_restrictions", {}))
    parcels = tuple(parcel_facts(conn, i, on, nonbuildable) for i in ids)
    uats = {p.uat_siruta for p in parcels}
    if len(uats) > 1:
        raise CertificateError("the selected parcels belong to different UATs; one certificate "
                               "covers parcels of one UAT only", message_code="certificate.different_uats")
    info = _uat(conn, uats.pop())
    contiguous = len(ids) == 1 or conn.execute(text(
        "SELECT ST_NumGeometries(ST_Union(ST_Buffer(geom, :near))) = 1 FROM public_api.parcel "
        "WHERE id = ANY(:ids)"), {"ids": ids, "near": CONTIGUOUS_M}).scalar_one()
    if not contiguous and registered.one_property:
        from gis.certificates.apart import check_apart

        check_apart(registered, parcels, choices, info, prof, on)
    vintage = conn.execute(text(
        "SELECT max(valid_from)::date FROM public_api.parcel WHERE id = ANY(:ids)"), {"ids": ids}).scalar_one()
    common = dict(kind=registered.name, uat=info, parcels=parcels, purpose=purpose.strip(),
                  applicant=applicant.strip(), issued_on=on, contiguous=bool(contiguous),
                  data_vintage={"cadastru": vintage.isoformat() if vintage else None}, profile=prof.code,
                  one_investment=(choices.one_investment or "").strip() if choices and not contiguous else "")
    selection = Selection(profile=prof, uat_settings=info.settings, parcel_ids=ids,
                          area_m2=sum(p.reference_area for p in parcels), rural=info.is_rural, issued_on=on,
                          extension=extension, uat_siruta=info.siruta, choices=choices,
                          restriction_kinds=frozenset(r.kind for p in parcels for r in p.restrictions))
    return registered.facts(conn, common, selection)


__all__ = ["CertificateError", "CertificateFacts", "Fee", "NotFound", "ParcelNotFound", "StateConflict",
           "certificate_facts", "nomenclature_fee", "urbanism_fee"]
