"""Certificate kinds: one registered object per kind, as pygeoapi's provider plugins.

A kind carries everything that differs between certificates: its rules (the facts particular
to it), its template, its fee, its request fields, its OGC process and its OpenAPI schema.
`PLUGINS` names the kinds shipped with Teritoriu by class path (loaded when first asked for);
`register()` adds another at run time. The API (`POST /api/certificates`), the CLI
(`teritoriu certificate <kind>`), the OGC processes (layers/processes.py and the generated
pygeoapi configuration), the OpenAPI document and the pages all list the kinds from here, so a
new kind is one module (a `CertificateKind` subclass), one template and its configuration
(fees and wording in the profile's rules file, gis/certificates/config*.yaml, or a UAT's own).

The database stores a kind by its `name` (registry.request.kind, registry.document.kind);
migration 0007 dropped the CHECK that listed the two first kinds, so the registry is the list.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from gis.certificates.fees import Choices
    from gis.certificates.rules import CertificateFacts, Fee
    from gis.profiles import Profile

# name → class path of the kinds shipped with Teritoriu, in the order they are offered
PLUGINS: dict[str, str] = {
    "urbanism": "gis.certificates.kinds.urbanism.Urbanism",
    "nomenclature": "gis.certificates.kinds.nomenclature.Nomenclature",
}


@dataclass(frozen=True)
class Selection:
    """What the common rules established for a request, handed to the kind's own rules."""
    profile: Profile
    uat_settings: dict
    parcel_ids: list[int]
    area_m2: float
    rural: bool
    issued_on: date
    extension: bool
    restriction_kinds: frozenset[str]
    uat_siruta: int | None = None
    choices: Choices | None = None   # what the officer recorded on the request (gis.certificates.fees)


class CertificateKind:
    """The base of every kind; a subclass sets the class attributes and may override the hooks."""

    name: ClassVar[str]                          # the API's `type`, stored in registry.request.kind
    aliases: ClassVar[tuple[str, ...]] = ()      # other spellings the API accepts ("nomenclatura")
    title: ClassVar[dict[str, str]]              # the document's name by language ("ro" at least)
    summary: ClassVar[str] = ""                  # its short English name in the OpenAPI summary
    template: ClassVar[str] = ""                 # the PDF template's file name (default: <name>.html)
    templates: ClassVar[Path | None] = None      # a folder of the kind's own templates, if any
    process_id: ClassVar[str] = ""               # the OGC process (default: <name>-certificate)
    process_title: ClassVar[dict[str, str]] = {}
    purpose_required: ClassVar[bool] = True      # a request must say what for ("în scopul")
    default_purpose: ClassVar[str] = ""          # the purpose when it need not be given
    extendable: ClassVar[bool] = False           # an issued certificate may be extended once
    one_property: ClassVar[bool] = False         # parcels that do not touch need the officer's "one investment"
    request_text: ClassVar[str] = ""             # the catalogue's key for "Request a ..." (webmap.i18n)
    cli_help: ClassVar[str] = ""
    # extra request fields (JSON schema properties) beyond the common ones
    request_fields: ClassVar[dict[str, dict]] = {}

    # -- naming ----------------------------------------------------------------------------
    def label(self, lang: str = "ro") -> str:
        return self.title.get(lang) or self.title["ro"]

    @property
    def template_name(self) -> str:
        return self.template or f"{self.name}.html"

    @property
    def process(self) -> str:
        return self.process_id or f"{self.name}-certificate"

    # -- rules -----------------------------------------------------------------------------
    def fee(self, selection: Selection) -> Fee:
        """A flat fee from the rules file (fees → <name> → year → amount, hcl); none: free."""
        from gis.certificates.rules import Fee, config

        table = config(selection.profile.code, selection.uat_settings).get("fees", {}).get(self.name)
        if not table:
            return Fee(Decimal("0.00"), "fără taxă")
        years = sorted(y for y in table if y <= selection.issued_on.year)
        if not years:
            from gis.certificates.rules import CertificateError

            raise CertificateError("no {kind} fee table for {year}", message_code="certificate.no_fee_table",
                                   kind=self.name, year=selection.issued_on.year)
        row = table[years[-1]]
        return Fee(Decimal(str(row["amount"])).quantize(Decimal("0.01")), str(row.get("hcl", "")))

    def facts(self, conn: Connection, common: dict, selection: Selection) -> CertificateFacts:
        """The certificate's facts: the common ones and what this kind adds (approvals...)."""
        from gis.certificates.rules import CertificateFacts

        return CertificateFacts(fee=self.fee(selection), **common)

    # -- what the API, the processes and the OpenAPI document show ----------------------------
    def openapi_schema(self) -> dict:
        """The JSON schema of a request for this kind (components/schemas of the OpenAPI document)."""
        required = ["type", "parcels", "applicant_name"] + (["purpose"] if self.purpose_required else [])
        return {"type": "object", "title": self.label("en"), "required": required,
                "properties": {"type": {"type": "string", "enum": [self.name, *self.aliases]},
                               **self.request_fields}}

    def process_metadata(self) -> dict:
        """The OGC API Processes description of the kind's process."""
        return {
            "version": "1.0.0", "id": self.process, "title": self.process_title or self.title,
            "description": {"ro": "Faptele certificatului pentru parcelele indicate (JSON) sau proiectul "
                                  "său PDF; nu emite și nu numerotează documente.",
                            "en": "The certificate's facts for the given parcels (JSON) or its draft PDF; "
                                  "it neither issues nor numbers documents."},
            "jobControlOptions": ["sync-execute"], "keywords": ["certificat", "urbanism"],
            "links": [],
            "inputs": {
                "parcels": {"title": "Cadastral numbers", "schema": {"type": "array", "items": {"type": "string"},
                                                                     "minItems": 1, "maxItems": 20},
                            "minOccurs": 1, "maxOccurs": 1},
                "purpose": {"title": "Purpose (în scopul)", "schema": {"type": "string"},
                            "minOccurs": 1 if self.purpose_required else 0, "maxOccurs": 1},
                **{k: {"title": v.get("description", k), "schema": v, "minOccurs": 0, "maxOccurs": 1}
                   for k, v in self.request_fields.items()},
                "format": {"title": "json or pdf", "schema": {"type": "string", "enum": ["json", "pdf"],
                                                              "default": "json"},
                           "minOccurs": 0, "maxOccurs": 1},
            },
            "outputs": {"certificate": {"title": "The certificate", "schema": {
                "oneOf": [{"type": "object", "contentMediaType": "application/json"},
                          {"type": "string", "contentEncoding": "binary", "contentMediaType": "application/pdf"}]}}},
            "example": {"inputs": {"parcels": ["50123"], "purpose": "construire locuință", "format": "json"}},
        }


_registry: dict[str, CertificateKind] = {}


def _load(path: str) -> CertificateKind:
    module, _, cls = path.rpartition(".")
    return getattr(importlib.import_module(module), cls)()


def _loaded() -> dict[str, CertificateKind]:
    for name, path in PLUGINS.items():
        if name not in _registry:
            _registry[name] = _load(path)
    return _registry


def register(kind: CertificateKind | type[CertificateKind]) -> CertificateKind:
    """Add a kind (an instance or its class); its name must be new."""
    kind = kind() if isinstance(kind, type) else kind
    if kind.name in all_kinds() or any(kind.name in k.aliases or set(kind.aliases) & {k.name, *k.aliases}
                                       for k in all_kinds().values()):
        raise ValueError(f"a certificate kind {kind.name!r} (or one of its aliases) is registered already")
    _registry[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Take a kind out again (the tests' own kinds); a shipped kind comes back when next asked for."""
    _registry.pop(name, None)


def all_kinds() -> dict[str, CertificateKind]:
    """name → kind, shipped kinds first, then those registered, in registration order."""
    loaded = _loaded()
    return {**{n: loaded[n] for n in PLUGINS}, **{n: k for n, k in loaded.items() if n not in PLUGINS}}


def names() -> list[str]:
    return list(all_kinds())


def get_kind(name: str) -> CertificateKind | None:
    """The kind called `name` or one of its aliases; None when there is none."""
    kinds = all_kinds()
    if name in kinds:
        return kinds[name]
    return next((k for k in kinds.values() if name in k.aliases), None)


def by_process(process_id: str) -> CertificateKind | None:
    return next((k for k in all_kinds().values() if k.process == process_id), None)


def spelled(words: list[str], quote: bool = False) -> str:
    """'a', 'a or b', 'a, b or c' (quoted with quote=True)."""
    words = [f"'{w}'" for w in words] if quote else list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
