"""The audit trail in words, for /office/audit: each change as rows of field, before and after
(labels in the officer's language through the catalogue, keyed by their Romanian text below; dates and
numbers in its locale; yes/no, a file as its size, a structured value as its keys), with a link to the
object and one to its whole history. Never a raw dict or PDF bytes."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlencode

from gis.request_states import LABELS as REQUEST_STATES
from gis.texts import date as local_date
from gis.texts import moment, number
from webmap.i18n import tr

TABLES = {
    "cadastre.parcel": "parcelă", "cadastre.building": "construcție", "cadastre.parcel_lineage": "filiație parcelă",
    "streets.street": "stradă", "streets.street_name": "denumire stradă", "streets.address_point": "adresă",
    "planning.zone": "zonă UTR", "planning.document": "documentație de urbanism", "planning.restriction": "restricție",
    "agri.plot": "parcelă agricolă", "fiscal.tax_assessment": "impunere", "fiscal.taxpayer": "contribuabil",
    "registry.request": "cerere de certificat", "registry.document": "document emis",
    "registry.request_parcel": "imobil din cerere", "registry.counter": "registru (numerotare)",
    "territory.uat": "UAT", "territory.locality": "localitate", "auth.user": "cont", "auth.api_key": "cheie API",
    "auth.session": "sesiune", "importing.job": "import", "samples": "date demonstrative",
    "auth.totp": "al doilea factor (TOTP)", "auth.recovery_code": "cod de recuperare",
    "registry.extension": "prelungire certificat", "audit.log": "jurnal de audit",
}

FIELDS = {
    "code_hash": "amprenta codului", "confirmed_at": "confirmat la", "directory_checked_at": "verificat în director la",
    "extended_until": "prelungit până la", "external_id": "identificator extern", "fee_basis": "baza de calcul a taxei",
    "filing_channel": "canal de depunere", "last_step": "ultimul pas TOTP folosit", "months": "durata (luni)",
    "reference": "actul de prelungire", "requested_on": "cerută la", "secret": "secret", "source": "sursa contului",
    "used_at": "folosit la", "registered_at": "înregistrată la", "language": "limba",
    "confirm_token_sha256": "amprenta linkului de confirmare", "confirm_expires_at": "linkul de confirmare expiră la",
    "paid_channel": "canal de plată", "parcel_ids": "parcele (id)",
    # the audit log's own resealing entry (gis/audit_chain.py)
    "note": "notă", "resealed_from_chain_no": "resigilat începând cu nr. din lanț", "rows_redacted": "rânduri curățate",
    "previous_head": "capătul anterior al lanțului", "resealed_head": "capătul nou al lanțului",
    "action": "acțiune", "table_name": "tabel", "object_id": "obiect (id)", "before": "înainte", "after": "după",
    "chain_no": "nr. în lanț", "row_hash": "amprenta rândului",
    "cadastral_number": "număr cadastral", "land_book_number": "carte funciară", "legal_area": "suprafață din acte",
    "measured_area": "suprafață măsurată", "use_category": "categorie de folosință", "intravilan": "intravilan",
    "tarla": "tarla", "parcel_no": "parcela", "locality_siruta": "localitate (SIRUTA)", "uat_siruta": "UAT (SIRUTA)",
    "version": "versiune", "valid_from": "valabil de la", "valid_to": "valabil până la", "eterra_id": "ID eTerra",
    "parcel_id": "parcelă (id)", "street_id": "stradă (id)", "number": "număr", "suffix": "sufix", "block": "bloc",
    "entrance": "scara", "postal_code": "cod poștal", "name": "denumire", "street_type": "tip stradă",
    "hcl_number": "HCL nr.", "hcl_date": "HCL din", "building_no": "nr. construcție", "destination": "destinație",
    "levels": "regim de înălțime", "is_legal": "autorizată", "code": "cod", "functional_zone": "zonă funcțională",
    "pot_max": "POT maxim", "cut_max": "CUT maxim", "max_height_m": "înălțime maximă (m)",
    "status": "stare", "applicant_name": "solicitant", "applicant_email": "e-mail solicitant", "purpose": "scop",
    "fee": "taxă (lei)", "cancel_reason": "motivul anulării", "access_token": "cheia solicitantului",
    "kind": "tip", "registry_number": "nr. de înregistrare", "year": "anul", "paid_amount": "suma achitată (lei)",
    "paid_receipt": "chitanța nr.", "paid_on": "data chitanței", "cancelled_at": "anulată la",
    "created_at": "creat la", "created_by": "creat de", "issued_at": "emis la", "issued_by": "emis de",
    "verification_code": "cod de verificare", "pdf": "documentul PDF", "sha256": "amprenta SHA-256",
    "facts": "conținutul certificatului", "username": "utilizator", "full_name": "nume", "email": "e-mail",
    "role": "rol", "password_hash": "parola", "active": "activ", "settings": "setări", "area": "suprafață",
    "amount": "sumă", "paid": "achitat", "declared_area": "suprafață declarată", "holder_id": "deținător (id)",
    # what a bulk load (the samples) counted, by kind of object
    "uat": "UAT", "zones": "zone UTR", "parcels": "parcele", "streets": "străzi", "buildings": "construcții",
    "taxpayers": "contribuabili", "agri_plots": "parcele agricole", "localities": "localități",
    "restrictions": "restricții", "street_names": "denumiri de străzi", "address_points": "puncte de adresă",
    "tax_assessments": "impuneri", "planning_documents": "documentații de urbanism", "path": "adresa cererii",
    "failed_logins": "autentificări eșuate", "locked_until": "blocat până la",
    "agency": "instituție", "prefix": "prefix", "key_hash": "amprenta cheii", "collections": "colecții",
    "expires_at": "expiră la", "revoked_at": "revocată la", "last_used_at": "folosită ultima dată la",
    # the other audited columns
    "actor": "cine", "address": "adresă", "allowed_uses": "utilizări admise",
    "applicant_domicile": "domiciliul solicitantului", "at": "la data", "child_id": "parcela rezultată (id)",
    "chosen_approvals": "avize alese", "conditional_uses": "utilizări admise cu condiționări", "county": "județ",
    "county_approval": "aviz județean", "decided_at": "decis la", "decided_by": "decis de",
    "description": "descriere", "document_id": "document (id)", "exemption": "scutire",
    "extends_document_id": "prelungește documentul (id)", "file_sha256": "amprenta fișierului",
    "footprint_area": "amprentă la sol", "forbidden_uses": "utilizări interzise",
    "height_regime": "regim de înălțime maxim", "id_code": "CNP/CUI", "is_seat": "reședință",
    "last_number": "ultimul număr", "last_seen_at": "ultima activitate la",
    "legal_area_computed": "suprafață din acte calculată", "legal_basis": "temei legal",
    "min_frontage_m": "front stradal minim (m)", "min_parcel_area": "suprafață minimă a parcelei",
    "object_kind": "tipul obiectului", "one_investment": "o singură investiție", "opened_with": "deschisă prin",
    "operation": "operațiune", "options": "opțiuni", "parent_id": "parcela inițială (id)",
    "purpose_override": "scop modificat", "rank": "rang", "register_position": "poziție în registrul agricol",
    "report": "raport", "request_id": "cerere (id)", "revoked_reason": "motivul revocării", "rules": "reguli",
    "siruta": "SIRUTA", "source_name": "fișierul sursă", "supersedes": "înlocuiește", "tax_account": "rol fiscal",
    "taxpayer_id": "contribuabil (id)", "user_id": "cont (id)", "valid_until": "valabil până la",
    "validity_months": "valabilitate (luni)", "zone": "zonă",
}
DECIMALS = {"fee", "paid_amount", "legal_area", "measured_area", "area", "amount", "declared_area", "pot_max",
            "cut_max", "max_height_m"}  # printed in the officer's locale: 1.234,5
HEX_BYTES = re.compile(r"^\\x[0-9a-f]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+([+-]\d{2}:?\d{2}|Z)?)?$")


def _field(name: str, lang: str) -> str:
    return tr(FIELDS[name], lang) if name in FIELDS else name.replace("_", " ")


def words(field: str, value, lang: str = "ro") -> str:
    """One value as an officer reads it, in `lang`."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return tr("da" if value else "nu", lang)
    if isinstance(value, dict) and set(value) == {"bytes", "sha256"}:  # a file, as the trigger records it
        return tr("fișier de {n} octeți", lang, n=number(value["bytes"], lang)) + \
            f" (SHA-256 {str(value['sha256'])[:12]}…)"
    if isinstance(value, dict):
        shown = ", ".join(f"{_field(k, lang)}: {_short(v, lang)}" for k, v in list(value.items())[:8])
        return shown + (f" … (+{len(value) - 8})" if len(value) > 8 else "")
    if isinstance(value, list):
        return ", ".join(_short(v, lang) for v in value[:10]) + (" …" if len(value) > 10 else "")
    text = str(value)
    if field in DECIMALS and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return number(float(text), lang)
    if HEX_BYTES.match(text):
        return tr("fișier de {n} octeți", lang, n=number((len(text) - 2) // 2, lang))
    if field == "status" and text in REQUEST_STATES:
        return tr(REQUEST_STATES[text], lang)
    if ISO_DATE.match(text):
        return _date(text, lang)
    return text if len(text) <= 200 else text[:200] + "…"


def _short(value, lang: str = "ro") -> str:
    if isinstance(value, (dict, list)):
        return "{…}" if isinstance(value, dict) else tr("[{n} elemente]", lang, n=len(value))
    return words("", value, lang)


def _date(text: str, lang: str = "ro") -> str:
    try:
        if len(text) == 10:
            return local_date(date.fromisoformat(text), lang)
        return moment(datetime.fromisoformat(text.replace("Z", "+00:00")), lang)
    except ValueError:
        return text


def object_link(table: str, object_id: str | None, context: dict) -> str | None:
    """Where the object is seen: the request's page at the desk, a parcel on the map."""
    if not object_id:
        return None
    if table == "registry.request":
        return f"/office/requests/{object_id}"
    if table == "registry.document" and context.get("request_id"):
        return f"/office/requests/{context['request_id']}"
    if table == "cadastre.parcel" and context.get("cadastral_number"):
        return "/?" + urlencode({"parcel": context["cadastral_number"]})
    return None


def history_link(table: str, object_id: str | None) -> str | None:
    return "/office/audit?" + urlencode({"table": table, "object": object_id}) if object_id else None


def describe(entry: dict, lang: str = "ro") -> dict:
    """An entry of gis.audit.browse(with_changes=True) with the words the page shows, in `lang`."""
    rows = [(_field(k, lang), words(k, b, lang), words(k, a, lang)) for k, (b, a) in entry["changes"].items()]
    if entry.get("geometry_changed"):
        rows.append((tr("geometria", lang), tr("conturul anterior", lang), tr("conturul nou", lang)))
    table = entry["table_name"]
    return {**entry, "at_words": _date(entry["at"], lang),
            "table_words": tr(TABLES[table], lang) if table in TABLES else table,
            "rows": rows, "link": object_link(entry["table_name"], entry["object_id"], entry.get("context", {})),
            "history": history_link(entry["table_name"], entry["object_id"])}
