"""Certificates from a parcel selection. The kinds (certificat de urbanism, certificat de
nomenclatură stradală și adresă, any other registered) are objects in kinds/; the common rules
in rules.py, map in map_extract.py, PDF in render.py, the request workflow in workflow.py,
registry and verification in issue.py."""

from gis.certificates.issue import Issued, Verification, draft, issue, lookup, stored_pdf
from gis.certificates.rules import CertificateError, CertificateFacts, certificate_facts, nomenclature_fee, urbanism_fee

__all__ = ["CertificateError", "CertificateFacts", "Issued", "Verification", "certificate_facts",
           "draft", "issue", "lookup", "nomenclature_fee", "stored_pdf", "urbanism_fee"]
