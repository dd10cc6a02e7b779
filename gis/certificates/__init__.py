"""Certificates from a parcel selection: certificat de urbanism and certificat de nomenclatură
stradală și adresă (rules in rules.py, map in map_extract.py, PDF in render.py, registry in
issue.py)."""

from gis.certificates.issue import Issued, Verification, draft, issue, lookup, stored_pdf
from gis.certificates.rules import (CertificateError, CertificateFacts, certificate_facts,
                                    nomenclature_fee, urbanism_fee)

__all__ = ["CertificateError", "CertificateFacts", "Issued", "Verification", "certificate_facts",
           "draft", "issue", "lookup", "nomenclature_fee", "stored_pdf", "urbanism_fee"]
