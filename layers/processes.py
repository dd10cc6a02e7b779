"""OGC API Processes: the certificates as processes for staff and granted agencies.

`urbanism-certificate` and `street-nomenclature-certificate` compute a certificate's facts for
a selection of parcels (JSON), or its draft PDF (watermark PROIECT) with `"format": "pdf"`.
Issuing stays with the officers' workflow: a process never numbers or stores anything.
"""

from __future__ import annotations

from pygeoapi.process.base import BaseProcessor, ProcessorExecuteError

from gis.settings import settings_from_dict

PROCESSES = {"urbanism-certificate": "urbanism", "street-nomenclature-certificate": "nomenclature"}
TITLES = {
    "urbanism": {"ro": "Certificat de urbanism (informare)", "en": "Urbanism certificate (facts)"},
    "nomenclature": {"ro": "Certificat de nomenclatură stradală (informare)",
                     "en": "Street address certificate (facts)"},
}


def metadata(process_id: str) -> dict:
    kind = PROCESSES[process_id]
    return {
        "version": "1.0.0", "id": process_id, "title": TITLES[kind],
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
                        "minOccurs": 1 if kind == "urbanism" else 0, "maxOccurs": 1},
            "format": {"title": "json or pdf", "schema": {"type": "string", "enum": ["json", "pdf"],
                                                          "default": "json"},
                       "minOccurs": 0, "maxOccurs": 1},
        },
        "outputs": {"certificate": {"title": "The certificate", "schema": {
            "oneOf": [{"type": "object", "contentMediaType": "application/json"},
                      {"type": "string", "contentEncoding": "binary", "contentMediaType": "application/pdf"}]}}},
        "example": {"inputs": {"parcels": ["50123"], "purpose": "construire locuință", "format": "json"}},
    }


class CertificateProcessor(BaseProcessor):
    def __init__(self, processor_def: dict):
        self.process_id = processor_def["process_id"]
        super().__init__(processor_def, metadata(self.process_id))
        self.settings = settings_from_dict(processor_def["settings"])

    def execute(self, data: dict, outputs=None):
        from gis.certificates import CertificateError, draft
        from gis.certificates.workflow import facts_json
        from gis.parcel_facts import ParcelNotFound

        parcels = data.get("parcels")
        if not isinstance(parcels, list) or not parcels or not all(isinstance(p, str) for p in parcels):
            raise ProcessorExecuteError(user_msg="parcels must be a list of cadastral numbers")
        kind = PROCESSES[self.process_id]
        purpose = str(data.get("purpose") or ("informare" if kind == "nomenclature" else ""))
        try:
            done = draft(self.settings, kind, parcels, purpose)
        except (CertificateError, ParcelNotFound) as exc:
            raise ProcessorExecuteError(user_msg=str(exc)) from None
        if data.get("format") == "pdf":
            return "application/pdf", done.pdf
        return "application/json", {"id": "certificate", "value": facts_json(done.facts)}
